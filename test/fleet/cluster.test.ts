import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { noteRedisClusterSkip, redisClusterSupport, startRedisCluster } from '../support/redis-cluster.js';
import type { RedisClusterHandle } from '../support/redis-cluster.js';
import { startFleet, Instance } from './fleet.js';
import { apiKeySecrets, dumpRedis, findLeaks } from './secrets-scan.js';
import type { RedisDump } from './secrets-scan.js';
import {
  clientLockHolderKilled,
  hundredUsersHundredCalls,
  oneUserOneCall,
  wrongKeyDoesNotStorm,
} from './token-scenarios.js';
import type { FleetContext } from './token-scenarios.js';

noteRedisClusterSkip('fleet on Redis Cluster');

const SIZE = 8;
const wrongKey = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  deadlineMs = 30_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

const shortTokenOptions = {
  refresh: { softWindowMs: 600, hardWindowMs: 200 },
  retry: { minDelayMs: 50, maxDelayMs: 200 },
  tokenTimeoutMs: 2_000,
};

// Half the fleet on ioredis's Cluster, half on node-redis's createCluster: both clients share one cluster.
const clientOf = (i: number) => (i % 2 === 0 ? 'ioredis' : 'node-redis');

describe.skipIf(!redisClusterSupport.available)(
  `a fleet of ${SIZE} processes sharing a three-master Redis Cluster`,
  () => {
    let cluster: RedisClusterHandle;
    let fleet: Instance[] = [];
    const emulators: BasiqEmulator[] = [];
    const envFor = (i: number) => ({
      REDIS_CLUSTER_NODES: cluster.nodesEnv,
      REDIS_CLUSTER_CLIENT: clientOf(i),
    });

    beforeAll(async () => {
      cluster = await startRedisCluster();
      fleet = await startFleet(SIZE, envFor);
    }, 60_000);

    afterAll(async () => {
      await Promise.all(fleet.map((i) => i.shutdown()));
      await Promise.all(emulators.map((e) => e.stop()));
      await cluster?.stop();
    }, 30_000);

    async function emulator(opts: Parameters<typeof startEmulator>[0]): Promise<BasiqEmulator> {
      const e = await startEmulator(opts);
      emulators.push(e);
      return e;
    }

    /**
     * Points the fleet at `e` under a fresh prefix (or `opts.prefix`). The store timeout is long
     * (5 s, as tokens.test.ts has): on a loaded machine (load 33 seen, with 800 concurrent client
     * token asks) a slow answer would degrade an instance, which would then (correctly) work alone
     * and break the counts.
     */
    async function configure(
      e: BasiqEmulator,
      clientOptions: Record<string, unknown>,
      opts: { apiKey?: string; prefix?: string; instances?: Instance[] } = {},
    ): Promise<string> {
      const prefix = opts.prefix ?? `fleet:${randomUUID()}:`;
      await Promise.all(
        (opts.instances ?? fleet).map((i) =>
          // redisUrl null: the instances use the cluster their environment names.
          i.configure({
            baseUrl: e.url,
            apiKey: opts.apiKey ?? e.apiKey,
            redisUrl: null,
            prefix,
            clientOptions,
            storeTimeoutMs: 5_000,
          }),
        ),
      );
      return prefix;
    }

    /** The client-token and refusal scenarios the single-Redis fleet runs too (token-scenarios.ts). */
    const ctx: FleetContext = {
      fleet: () => fleet,
      async replace(index) {
        const fresh = new Instance(envFor(index));
        await fresh.ready;
        fleet[index] = fresh;
      },
      emulator,
      configure,
    };

    /** Everything every master holds. */
    async function dumpCluster(): Promise<RedisDump> {
      const dumps = await Promise.all(
        cluster.nodes.map(async (node) => {
          const redis = new Redis({ ...node, maxRetriesPerRequest: 1 });
          try {
            return await dumpRedis(redis);
          } finally {
            redis.disconnect();
          }
        }),
      );
      return { keys: dumps.flatMap((d) => d.keys), texts: dumps.flatMap((d) => d.texts) };
    }

    async function expectNoSecrets(): Promise<void> {
      const secrets = [
        ...apiKeySecrets(wrongKey),
        ...emulators.flatMap((e) => [...apiKeySecrets(e.apiKey), ...e.issuedTokens()]),
      ];
      expect(secrets.length).toBeGreaterThan(emulators.length);
      const dump = await dumpCluster();
      expect(dump.keys.length).toBeGreaterThan(0);
      expect(findLeaks(dump.texts, secrets)).toEqual([]);
      const logs = (await Promise.all(fleet.map((i) => i.stats()))).flatMap((s) => s.logs);
      expect(findLeaks(logs, secrets)).toEqual([]);
    }

    it('a cold burst of 100 calls per instance makes one /token call, whichever cluster client each uses', async () => {
      const e = await emulator({ tokenLifetimeSec: 3600 });
      const prefix = await configure(e, shortTokenOptions);

      const bursts = await Promise.all(fleet.map((i) => i.serverBurst(100)));
      for (const b of bursts) expect(b, b.errors.join(', ')).toMatchObject({ ok: 100, failed: 0 });
      expect(new Set(bursts.flatMap((b) => b.tokens)).size).toBe(1);
      expect(e.counters.tokenCalls).toBe(1);
      // The shared token is on the cluster (on whichever master owns its slot).
      const keys = (await dumpCluster()).keys.filter((k) => k.startsWith(prefix));
      expect(keys.some((k) => k.endsWith(':server'))).toBe(true);
      await expectNoSecrets();
    }, 30_000);

    it('the whole fleet stays within one shared /token budget', async () => {
      const e = await emulator({ tokenLifetimeSec: 3600 });
      const budget = { limit: 12, serverReserve: 2, windowMs: 60_000 };
      await configure(e, { budget });
      const perInstance = 6;
      const userIds = fleet.map(() => Array.from({ length: perInstance }, () => e.createUser({}).id));

      const results = await Promise.all(fleet.map((i, n) => i.clientTokens(userIds[n] as string[])));
      const ok = results.reduce((s, r) => s + r.ok, 0);
      for (const r of results) expect(r.otherErrors).toEqual([]);
      const logs = (await Promise.all(fleet.map((i) => i.stats()))).flatMap((s) => s.logs);
      expect(ok, logs.join('\n')).toBe(budget.limit - budget.serverReserve);
      expect(results.reduce((s, r) => s + r.rateLimited, 0)).toBe(SIZE * perInstance - ok);
      expect(e.counters.tokenCalls).toBe(ok);

      const server = await Promise.all(fleet.map((i) => i.serverBurst(5)));
      for (const s of server) expect(s.failed, s.errors.join(', ')).toBe(0);
      expect(e.counters.serverTokens).toBe(1);
      await expectNoSecrets();
    }, 30_000);

    it('when the lock holder is killed mid-refresh, one survivor refreshes once the lock expires; nothing fails', async () => {
      const e = await emulator({ tokenLifetimeSec: 3600 });
      // lock TTL = tokenTimeoutMs + retry.maxDelayMs + 1 s = 2.2 s
      const prefix = await configure(e, {
        tokenTimeoutMs: 1_000,
        retry: { minDelayMs: 50, maxDelayMs: 200 },
      });
      e.injectFault({ path: '/token', delayMs: 10_000, times: 1 });

      const [holder, ...survivors] = fleet as [Instance, ...Instance[]];
      try {
        const doomed = holder.serverBurst(10);
        doomed.catch(() => {});
        await until(async () => e.counters.tokenCalls === 1, 'the holder calls /token');
        const locks = (await dumpCluster()).keys.filter(
          (k) => k.startsWith(prefix) && k.endsWith(':lock:server'),
        );
        expect(locks).toHaveLength(1);
        await holder.kill();

        const bursts = await Promise.all(survivors.map((i) => i.serverBurst(20)));
        for (const b of bursts) expect(b, b.errors.join(', ')).toMatchObject({ ok: 20, failed: 0 });
        const logs = (await Promise.all(survivors.map((i) => i.stats()))).flatMap((s) => s.logs);
        expect(new Set(bursts.flatMap((b) => b.tokens)).size, logs.join('\n')).toBe(1);
        expect(e.counters.tokenCalls).toBe(2);
        await expect(doomed).rejects.toThrow(/instance exited/);
      } finally {
        // Whatever happened, the later tests get a full, live fleet.
        await holder.kill();
        await ctx.replace(0);
      }
      await expectNoSecrets();
    }, 30_000);

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

    it('a master SIGKILLed mid-traffic fails no request; the fleet shares again once it is back', async () => {
      const lifetimeSec = 3;
      const e = await emulator({ tokenLifetimeSec: lifetimeSec });
      const prefix = await configure(e, shortTokenOptions);
      const warm = await Promise.all(fleet.map((i) => i.serverBurst(10)));
      expect(new Set(warm.flatMap((b) => b.tokens)).size).toBe(1);
      const serverKey = (await dumpCluster()).keys.find((k) => k.startsWith(prefix) && k.endsWith(':server'));
      expect(serverKey).toBeDefined();
      // The master that holds the shared token: the one whose loss hurts most.
      const victim = await cluster.nodeOf(serverKey as string);

      await Promise.all(fleet.map((i) => i.startTraffic(2, 20)));
      await sleep(300);
      await cluster.kill(victim);
      // The cluster marks the master failed and stops serving (cluster_state:fail).
      await cluster.waitForState('fail');
      // Longer than a token lifetime: every instance has to refresh on its own meanwhile.
      await sleep(lifetimeSec * 1_000 + 500);
      const afterOutage = e.counters.serverTokens;
      await cluster.restart(victim);

      await until(
        async () => {
          const stats = await Promise.all(fleet.map((i) => i.stats()));
          return stats.every((s) => s.degraded >= 1 && s.recovered === s.degraded);
        },
        'every instance is back on the cluster',
        30_000,
      );
      const traffic = await Promise.all(fleet.map((i) => i.stopTraffic()));
      for (const t of traffic) {
        expect(t.failed, t.errors.join(', ')).toBe(0);
        expect(t.ok).toBeGreaterThan(0);
      }
      expect(afterOutage).toBeGreaterThan(1);

      // Sharing is back: once every in-process copy has expired, one instance fetches a token
      // and every other one reads it from the cluster.
      await sleep(lifetimeSec * 1_000 + 200);
      const before = e.counters.serverTokens;
      const [first, ...rest] = fleet as [Instance, ...Instance[]];
      const fetched = await first.serverBurst(5);
      expect(fetched.failed).toBe(0);
      expect(e.counters.serverTokens).toBe(before + 1);
      const others = await Promise.all(rest.map((i) => i.serverBurst(5)));
      expect(others.flatMap((o) => o.tokens)).toEqual(rest.map(() => fetched.tokens[0]));
      expect(e.counters.serverTokens).toBe(before + 1);
      await expectNoSecrets();
    }, 90_000);
  },
);
