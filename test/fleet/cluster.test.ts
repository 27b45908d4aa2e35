import { describe, expect, it } from 'vitest';
import { noteRedisClusterSkip, redisClusterSupport } from '../support/redis-cluster.js';
import type { Instance } from './fleet.js';
import {
  SHORT_TOKEN_OPTIONS,
  itRunsTheTokenScenarios,
  redisClusterStore,
  sleep,
  until,
  useFleet,
} from './harness.js';

noteRedisClusterSkip('fleet on Redis Cluster');

const SIZE = 8;

// Half the fleet on ioredis's Cluster, half on node-redis's createCluster: both clients share one cluster.
const clientOf = (i: number) => (i % 2 === 0 ? 'ioredis' : 'node-redis');

describe.skipIf(!redisClusterSupport.available)(
  `a fleet of ${SIZE} processes sharing a three-master Redis Cluster`,
  () => {
    /*
     * The store timeout is long (5 s, as tokens.test.ts has): on a loaded machine (load 33 seen,
     * with 800 concurrent client token asks) a slow answer would degrade an instance, which would
     * then (correctly) work alone and break the counts.
     */
    const ctx = useFleet({
      size: SIZE,
      store: redisClusterStore,
      env: (store, i) => ({ REDIS_CLUSTER_NODES: store.cluster.nodesEnv, REDIS_CLUSTER_CLIENT: clientOf(i) }),
      storeTimeoutMs: 5_000,
    });
    const { instances: fleet, emulator, configure, expectNoSecrets } = ctx;
    const dumpCluster = () => ctx.store().dump();

    it('a cold burst of 100 calls per instance makes one /token call, whichever cluster client each uses', async () => {
      const e = await emulator({ tokenLifetimeSec: 3600 });
      const prefix = await configure(e, SHORT_TOKEN_OPTIONS);

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

    // The client-token and refusal scenarios the single-Redis fleet runs too (token-scenarios.ts).
    itRunsTheTokenScenarios(ctx, SIZE);

    it('a master SIGKILLed mid-traffic fails no request; the fleet shares again once it is back', async () => {
      const lifetimeSec = 3;
      const e = await emulator({ tokenLifetimeSec: lifetimeSec });
      const prefix = await configure(e, SHORT_TOKEN_OPTIONS);
      const warm = await Promise.all(fleet.map((i) => i.serverBurst(10)));
      expect(new Set(warm.flatMap((b) => b.tokens)).size).toBe(1);
      const serverKey = (await dumpCluster()).keys.find((k) => k.startsWith(prefix) && k.endsWith(':server'));
      expect(serverKey).toBeDefined();
      // The master that holds the shared token: the one whose loss hurts most.
      const { cluster } = ctx.store();
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
