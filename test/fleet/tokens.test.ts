import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { noteRedisSkip, redisSupport, startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';
import { Instance, startFleet } from './fleet.js';
import { apiKeySecrets, dumpRedis, findLeaks } from './secrets-scan.js';
import {
  clientLockHolderKilled,
  hundredUsersHundredCalls,
  oneUserOneCall,
  wrongKeyDoesNotStorm,
} from './token-scenarios.js';
import type { FleetContext } from './token-scenarios.js';

noteRedisSkip('fleet: client tokens and refusals');

const SIZE = 8;
const wrongKey = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');

describe.skipIf(!redisSupport.available)(
  `client tokens and refusals across ${SIZE} processes sharing one Redis`,
  () => {
    let redis: RedisServerHandle;
    let raw: Redis;
    let fleet: Instance[] = [];
    const emulators: BasiqEmulator[] = [];

    beforeAll(async () => {
      redis = await startRedisServer();
      raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      raw.on('error', () => {});
      fleet = await startFleet(SIZE);
    }, 60_000);

    afterAll(async () => {
      await Promise.all(fleet.map((i) => i.shutdown()));
      await Promise.all(emulators.map((e) => e.stop()));
      raw?.disconnect();
      await redis?.stop();
    }, 30_000);

    const ctx: FleetContext = {
      fleet: () => fleet,
      async replace(index) {
        const fresh = new Instance();
        await fresh.ready;
        fleet[index] = fresh;
      },
      async emulator(opts) {
        const e = await startEmulator(opts);
        emulators.push(e);
        return e;
      },
      async configure(e, clientOptions, opts = {}) {
        const prefix = opts.prefix ?? `fleet:${randomUUID()}:`;
        await Promise.all(
          (opts.instances ?? fleet).map((i) =>
            i.configure({
              baseUrl: e.url,
              apiKey: opts.apiKey ?? e.apiKey,
              redisUrl: redis.url,
              prefix,
              clientOptions,
              // Sharing is under test: a slow answer on a loaded machine must not cut an instance off.
              storeTimeoutMs: 5_000,
            }),
          ),
        );
        return prefix;
      },
    };

    /** Redis holds no API key, no token and no userId of any emulator, and the instances logged none. */
    async function expectNoSecrets(): Promise<void> {
      const secrets = [
        ...apiKeySecrets(wrongKey),
        ...emulators.flatMap((e) => [...apiKeySecrets(e.apiKey), ...e.issuedTokens()]),
      ];
      const dump = await dumpRedis(raw);
      expect(dump.keys.length).toBeGreaterThan(0);
      expect(findLeaks(dump.texts, secrets)).toEqual([]);
      const logs = (await Promise.all(fleet.map((i) => i.stats()))).flatMap((s) => s.logs);
      expect(findLeaks(logs, secrets)).toEqual([]);
    }

    it('8 instances asked at the same moment for one user’s client token make one /token call', async () => {
      await oneUserOneCall(ctx);
      await expectNoSecrets();
    }, 30_000);

    it('100 users, each asked at the same moment on all 8 instances: 100 /token calls', async () => {
      await hundredUsersHundredCalls(ctx);
      await expectNoSecrets();
    }, 60_000);

    it('the holder of a user’s lock SIGKILLed mid-call: the others still answer, no request fails', async () => {
      await clientLockHolderKilled(ctx);
      await expectNoSecrets();
    }, 30_000);

    it('8 instances with a wrong key make at most 2 /token calls together in 10 s; the corrected key works at once', async () => {
      await wrongKeyDoesNotStorm(ctx, wrongKey);
      await expectNoSecrets();
    }, 60_000);
  },
);
