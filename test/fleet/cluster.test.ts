import { describe, expect, it } from 'vitest';
import { noteRedisClusterSkip, redisClusterSupport } from '../support/redis-cluster.js';
import { SHORT_TOKEN_OPTIONS, itRunsTheTokenScenarios, redisClusterStore, useFleet } from './harness.js';
import { serverLockHolderKilled, sharedBudget, storeOutage } from './server-scenarios.js';

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

    it('the whole fleet stays within one shared /token budget', () => sharedBudget(ctx), 30_000);

    it(
      'when the lock holder is killed mid-refresh, one survivor refreshes once the lock expires; nothing fails',
      () => serverLockHolderKilled(ctx),
      30_000,
    );

    // The client-token and refusal scenarios the single-Redis fleet runs too (token-scenarios.ts).
    itRunsTheTokenScenarios(ctx, SIZE);

    it('a master SIGKILLed mid-traffic fails no request; the fleet shares again once it is back', async () => {
      const { cluster } = ctx.store();
      let victim = -1;
      await storeOutage(ctx, {
        async down(prefix) {
          const keys = (await ctx.store().dump()).keys;
          const serverKey = keys.find((k) => k.startsWith(prefix) && k.endsWith(':server'));
          expect(serverKey).toBeDefined();
          // The master that holds the shared token: the one whose loss hurts most.
          victim = await cluster.nodeOf(serverKey as string);
          await cluster.kill(victim);
          // The cluster marks the master failed and stops serving (cluster_state:fail).
          await cluster.waitForState('fail');
        },
        up: () => cluster.restart(victim),
        graceMs: 500,
        what: 'every instance is back on the cluster',
      });
    }, 90_000);
  },
);
