import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { createRedisStore } from '@basiq-token/redis';
import type { RedisStore } from '@basiq-token/redis';
import { noteRedisSkip, redisSupport, startRedisServer } from './support/redis-server.js';
import type { RedisServerHandle } from './support/redis-server.js';
import { apiKeySecrets, dumpRedis, findLeaks } from './fleet/secrets-scan.js';

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
  let redis: RedisServerHandle;
  let raw: Redis;
  let emulator: BasiqEmulator;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    emulator = await startEmulator({ tokenLifetimeSec: 3600 });
  });
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });
  afterAll(async () => {
    await emulator?.stop();
    raw?.disconnect();
    await redis?.stop();
  });

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
            const { store, close } = await flavour.store(redis.url, prefix, commandTimeoutMs);
            const client = createBasiqClient({
              apiKey: emulator.apiKey,
              baseUrl: emulator.url,
              store,
              logger: silent,
            });
            cleanups.push(async () => {
              await client.close();
              await close();
            });
            return client;
          }),
        );
      }

      it('one server token for every client, fetched once', async () => {
        emulator.resetCounters();
        const group = await clients(4);
        const tokens = await Promise.all(
          group.flatMap((c) => Array.from({ length: 25 }, () => c.getServerToken())),
        );
        expect(new Set(tokens).size).toBe(1);
        expect(emulator.counters.serverTokens).toBe(1);
      });

      it('a client token fetched by one client is reused by another', async () => {
        emulator.resetCounters();
        const [a, b] = (await clients(2)) as [BasiqClient, BasiqClient];
        const userId = emulator.createUser({}).id;
        const first = await a.getClientToken(userId);
        const second = await b.getClientToken(userId);
        expect(second.accessToken).toBe(first.accessToken);
        expect(emulator.counters.clientTokens).toBe(1);
      });

      it('a hung Redis does not hang requests: the client degrades and still answers', async () => {
        const [client] = (await clients(1, 300)) as [BasiqClient];
        const degraded = new Promise((resolve) => client.once('store:degraded', resolve));
        await redis.pause();
        try {
          const token = await client.getServerToken();
          expect(typeof token).toBe('string');
          await degraded;
          expect(client.toJSON().store.degraded).toBe(true);
        } finally {
          await redis.resume();
        }
      });

      it('leaves neither the API key nor a token in Redis, in clear or base64', async () => {
        const group = await clients(2);
        const userIds = [emulator.createUser({}).id, emulator.createUser({}).id];
        await Promise.all(group.map((c) => c.getServerToken()));
        await Promise.all(group.flatMap((c) => userIds.map((id) => c.getClientToken(id))));
        const dump = await dumpRedis(raw);
        // Not vacuous: the sealed server and client tokens and the budget window are there.
        expect(dump.texts.filter((t) => t.startsWith('v1.')).length).toBeGreaterThanOrEqual(3);
        const secrets = [...apiKeySecrets(emulator.apiKey), ...emulator.issuedTokens()];
        expect(findLeaks(dump.texts, secrets)).toEqual([]);
      });
    });
  }
});
