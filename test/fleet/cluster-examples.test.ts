import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { startMain } from '../conformance/support/example-contract.js';
import type { MainProcess } from '../conformance/support/example-contract.js';
import { noteRedisClusterSkip, redisClusterSupport, startRedisCluster } from '../support/redis-cluster.js';
import type { RedisClusterHandle } from '../support/redis-cluster.js';

noteRedisClusterSkip('Express example on Redis Cluster');

const INSTANCES = 4;

describe.skipIf(!redisClusterSupport.available)(
  `${INSTANCES} Express example processes with REDIS_CLUSTER_NODES`,
  () => {
    let cluster: RedisClusterHandle;
    let emulator: BasiqEmulator;
    let mains: MainProcess[] = [];

    beforeAll(async () => {
      cluster = await startRedisCluster();
      emulator = await startEmulator({ tokenLifetimeSec: 3600 });
      mains = await Promise.all(
        Array.from({ length: INSTANCES }, () =>
          startMain('examples/express/src/main.ts', {
            BASIQ_API_KEY: emulator.apiKey,
            BASIQ_API_URL: emulator.url,
            REDIS_CLUSTER_NODES: cluster.nodesEnv,
          }),
        ),
      );
    }, 60_000);

    afterAll(async () => {
      for (const main of mains) main.kill();
      await emulator?.stop();
      await cluster?.stop();
    }, 30_000);

    async function clusterKeyCount(): Promise<number> {
      const counts = await Promise.all(
        cluster.nodes.map(async (node) => {
          const redis = new Redis({ ...node, maxRetriesPerRequest: 1 });
          try {
            return await redis.dbsize();
          } finally {
            redis.disconnect();
          }
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    }

    it('share one server token through the cluster: a concurrent burst on every instance makes one /token call', async () => {
      for (const main of mains) {
        expect(main.output().stdout).toContain('REDIS_CLUSTER_NODES is set');
        expect(main.output().stdout).not.toContain('not reachable');
      }
      const answers = await Promise.all(
        mains.flatMap((main) =>
          Array.from({ length: 10 }, () =>
            fetch(`${main.url}/users/${SEED_USER_ID}`).then(async (res) => ({
              status: res.status,
              id: ((await res.json()) as { id?: string }).id,
            })),
          ),
        ),
      );
      for (const a of answers) expect(a).toEqual({ status: 200, id: SEED_USER_ID });
      expect(emulator.counters.serverTokens).toBe(1);
      expect(emulator.counters.tokenCalls).toBe(1);
      expect(await clusterKeyCount()).toBeGreaterThan(0);
    }, 30_000);

    it('one user asking every instance for a client token at the same moment makes one /token call', async () => {
      const before = emulator.counters.tokenCalls;
      const answers = await Promise.all(
        mains.flatMap((main) =>
          Array.from({ length: 3 }, () =>
            fetch(`${main.url}/basiq/client-token`, {
              method: 'POST',
              headers: { 'x-demo-user': SEED_USER_ID },
            }).then(async (res) => ({
              status: res.status,
              body: (await res.json()) as { access_token?: string },
            })),
          ),
        ),
      );
      for (const a of answers) expect(a.status).toBe(200);
      expect(new Set(answers.map((a) => a.body.access_token)).size).toBe(1);
      expect(emulator.counters.clientTokens).toBe(1);
      expect(emulator.counters.tokenCalls).toBe(before + 1);
    }, 30_000);

    it('exit 0 on SIGTERM, with nothing on stderr', async () => {
      const ends = await Promise.all(mains.map((main) => main.stop()));
      for (const { code, signal, stderr } of ends)
        expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
      mains = [];
    }, 30_000);
  },
);
