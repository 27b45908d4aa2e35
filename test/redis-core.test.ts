import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { createRedisStore } from '@basiq-token/redis';
import type { RedisStore } from '@basiq-token/redis';
import { noteRedisSkip, redisSupport } from './support/redis-server.js';
import { expectNoSecretInRedis, expectOneServerToken, useRedisWorld } from './support/redis-world.js';

noteRedisSkip('core with RedisStore');

const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} };

type Flavour = {
  name: string;
  store(
    url: string,
    prefix: string,
    commandTimeoutMs: number,
  ): Promise<{ store: RedisStore; close(): Promise<void> }>;
};
const flavours: Flavour[] = [
  {
    name: 'ioredis',
    async store(url, prefix, commandTimeoutMs) {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      await client.ping();
      return {
        store: createRedisStore({ client, prefix, commandTimeoutMs }),
        close: async () => client.disconnect(),
      };
    },
  },
  {
    name: 'node-redis',
    async store(url, prefix, commandTimeoutMs) {
      const client = createClient({ url });
      client.on('error', () => {});
      await client.connect();
      return {
        store: createRedisStore({ client, prefix, commandTimeoutMs }),
        close: async () => client.destroy(),
      };
    },
  },
];

describe.skipIf(!redisSupport.available)('core clients sharing a RedisStore (in one process)', () => {
  const world = useRedisWorld();

  for (const flavour of flavours) {
    describe(flavour.name, () => {
      /**
       * `n` clients sharing one prefix. The store timeout is long by default: on a loaded machine a
       * slow answer would degrade a client, which would then (correctly) fetch its own token.
       */
      async function clients(n: number, commandTimeoutMs = 2_000): Promise<BasiqClient[]> {
        const prefix = `core:${randomUUID()}:`;
        return Promise.all(
          Array.from({ length: n }, async () => {
            const { store, close } = await flavour.store(world.redis.url, prefix, commandTimeoutMs);
            const client = createBasiqClient({
              apiKey: world.emulator.apiKey,
              baseUrl: world.emulator.url,
              store,
              logger: silent,
            });
            world.cleanups.push(async () => {
              await client.close();
              await close();
            });
            return client;
          }),
        );
      }

      it('one server token for every client, fetched once', async () => {
        world.emulator.resetCounters();
        await expectOneServerToken(world, await clients(4), 25);
      });

      it('a client token fetched by one client is reused by another', async () => {
        world.emulator.resetCounters();
        const [a, b] = (await clients(2)) as [BasiqClient, BasiqClient];
        const userId = world.emulator.createUser({}).id;
        const first = await a.getClientToken(userId);
        const second = await b.getClientToken(userId);
        expect(second.accessToken).toBe(first.accessToken);
        expect(world.emulator.counters.clientTokens).toBe(1);
      });

      it('a hung Redis does not hang requests: the client degrades and still answers', async () => {
        const [client] = (await clients(1, 300)) as [BasiqClient];
        const degraded = new Promise((resolve) => client.once('store:degraded', resolve));
        await world.redis.pause();
        try {
          const token = await client.getServerToken();
          expect(typeof token).toBe('string');
          await degraded;
          expect(client.toJSON().store.degraded).toBe(true);
        } finally {
          await world.redis.resume();
        }
      });

      it('leaves neither the API key nor a token in Redis, in clear or base64', async () => {
        await expectNoSecretInRedis(world, await clients(2));
      });
    });
  }
});
