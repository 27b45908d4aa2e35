import { randomUUID } from 'node:crypto';
import { Redis as Upstash } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { createRedisStore } from '@basiq-token/redis';
import { noteRedisSkip, redisSupport } from '../support/redis-server.js';
import { expectNoSecretInRedis, expectOneServerToken, useRedisWorld } from '../support/redis-world.js';
import { startUpstashRest } from '../support/upstash-rest.js';
import type { UpstashRestHandle } from '../support/upstash-rest.js';

noteRedisSkip('core clients sharing a store through @upstash/redis');

const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} };

describe.skipIf(!redisSupport.available)(
  'core clients sharing a RedisStore over HTTP (@upstash/redis)',
  () => {
    const world = useRedisWorld();
    let rest: UpstashRestHandle;
    beforeAll(async () => {
      rest = await startUpstashRest(world.redis.url);
    });
    afterAll(async () => {
      await rest?.close();
    });

    /** `n` clients, each with its own @upstash/redis client, sharing one prefix (a new one unless given). */
    function clients(
      n: number,
      extra: Partial<BasiqOptions> = {},
      prefix = `upstash-core:${randomUUID()}:`,
    ): BasiqClient[] {
      return Array.from({ length: n }, () => {
        const upstash = new Upstash({
          url: rest.url,
          token: rest.token,
          automaticDeserialization: false,
          enableTelemetry: false,
        });
        const client = createBasiqClient({
          apiKey: world.emulator.apiKey,
          baseUrl: world.emulator.url,
          // Core's own bound on a store call (2 s): on a loaded machine a slow answer would
          // degrade a client, which would then (correctly) fetch its own token.
          store: createRedisStore({ client: upstash, prefix, commandTimeoutMs: 2_000 }),
          logger: silent,
          ...extra,
        });
        world.cleanups.push(() => client.close());
        return client;
      });
    }

    it('one server token for every client, fetched once (the lock over HTTP)', async () => {
      world.emulator.resetCounters();
      await expectOneServerToken(world, clients(4), 10);
      expect(rest.counts.commands).toBeGreaterThan(0);
    });

    it('one client token per user across clients asking at once (the per-user lock), reused by a late one', async () => {
      world.emulator.resetCounters();
      const prefix = `upstash-core:${randomUUID()}:`;
      const group = clients(4, {}, prefix);
      const userId = world.emulator.createUser({}).id;
      const tokens = await Promise.all(group.map((c) => c.getClientToken(userId)));
      expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
      const [late] = clients(1, {}, prefix) as [BasiqClient];
      expect((await late.getClientToken(userId)).accessToken).toBe(tokens[0]?.accessToken);
      expect(world.emulator.counters.clientTokens).toBe(1);
    });

    it('one /token budget for the whole group', async () => {
      world.emulator.resetCounters();
      const budget = { limit: 8, serverReserve: 2, windowMs: 60_000 };
      const group = clients(3, { budget });
      const users = group.map(() => Array.from({ length: 4 }, () => world.emulator.createUser({}).id));
      const results = await Promise.all(
        group.flatMap((c, n) =>
          (users[n] as string[]).map((u) =>
            c.getClientToken(u).then(
              () => true,
              () => false,
            ),
          ),
        ),
      );
      const ok = results.filter(Boolean).length;
      // Alone, each client would have allowed all 4 of its own: 12 in all.
      expect(ok).toBe(budget.limit - budget.serverReserve);
      expect(world.emulator.counters.clientTokens).toBe(ok);
    });

    it('leaves neither the API key nor a token in Redis, in clear or base64', async () => {
      await world.raw.flushall();
      await expectNoSecretInRedis(world, clients(2));
    });
  },
);
