import { randomUUID } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { Redis as Upstash } from '@upstash/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { createRedisStore } from '@basiq-token/redis';
import { noteRedisSkip, redisSupport, startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';
import { startUpstashRest } from '../support/upstash-rest.js';
import type { UpstashRestHandle } from '../support/upstash-rest.js';
import { apiKeySecrets, dumpRedis, findLeaks } from './secrets-scan.js';

noteRedisSkip('core clients sharing a store through @upstash/redis');

const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} };

describe.skipIf(!redisSupport.available)(
  'core clients sharing a RedisStore over HTTP (@upstash/redis)',
  () => {
    let redis: RedisServerHandle;
    let rest: UpstashRestHandle;
    let raw: IORedis;
    let emulator: BasiqEmulator;
    const cleanups: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      redis = await startRedisServer();
      rest = await startUpstashRest(redis.url);
      raw = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
      emulator = await startEmulator({ tokenLifetimeSec: 3600 });
    });
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((c) => c()));
    });
    afterAll(async () => {
      await emulator?.stop();
      raw?.disconnect();
      await rest?.close();
      await redis?.stop();
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
          apiKey: emulator.apiKey,
          baseUrl: emulator.url,
          // Core's own bound on a store call (2 s): on a loaded machine a slow answer would
          // degrade a client, which would then (correctly) fetch its own token.
          store: createRedisStore({ client: upstash, prefix, commandTimeoutMs: 2_000 }),
          logger: silent,
          ...extra,
        });
        cleanups.push(() => client.close());
        return client;
      });
    }

    it('one server token for every client, fetched once (the lock over HTTP)', async () => {
      emulator.resetCounters();
      const group = clients(4);
      const tokens = await Promise.all(
        group.flatMap((c) => Array.from({ length: 10 }, () => c.getServerToken())),
      );
      expect(new Set(tokens).size).toBe(1);
      expect(emulator.counters.serverTokens).toBe(1);
      expect(rest.counts.commands).toBeGreaterThan(0);
    });

    it('one client token per user across clients asking at once (the per-user lock), reused by a late one', async () => {
      emulator.resetCounters();
      const prefix = `upstash-core:${randomUUID()}:`;
      const group = clients(4, {}, prefix);
      const userId = emulator.createUser({}).id;
      const tokens = await Promise.all(group.map((c) => c.getClientToken(userId)));
      expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
      const [late] = clients(1, {}, prefix) as [BasiqClient];
      expect((await late.getClientToken(userId)).accessToken).toBe(tokens[0]?.accessToken);
      expect(emulator.counters.clientTokens).toBe(1);
    });

    it('one /token budget for the whole group', async () => {
      emulator.resetCounters();
      const budget = { limit: 8, serverReserve: 2, windowMs: 60_000 };
      const group = clients(3, { budget });
      const users = group.map(() => Array.from({ length: 4 }, () => emulator.createUser({}).id));
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
      expect(emulator.counters.clientTokens).toBe(ok);
    });

    it('leaves neither the API key nor a token in Redis, in clear or base64', async () => {
      await raw.flushall();
      const group = clients(2);
      const userIds = [emulator.createUser({}).id, emulator.createUser({}).id];
      await Promise.all(group.map((c) => c.getServerToken()));
      await Promise.all(group.flatMap((c) => userIds.map((id) => c.getClientToken(id))));
      const dump = await dumpRedis(raw);
      // Not vacuous: the sealed server and client tokens and the budget window are there.
      expect(dump.texts.filter((t) => t.startsWith('v1.')).length).toBeGreaterThanOrEqual(3);
      const secrets = [...apiKeySecrets(emulator.apiKey), ...emulator.issuedTokens()];
      expect(findLeaks(dump.texts, secrets)).toEqual([]);
    });
  },
);
