import { describe, expect, it } from 'vitest';
import { DemoEnvError, loadDemoEnv } from '../src/demo-env.js';

const quiet = () => undefined;
const basiq = { BASIQ_API_KEY: 'a-key', BASIQ_API_URL: 'https://au-api.basiq.io' };

describe('loadDemoEnv: REDIS_CLUSTER_NODES', () => {
  it('host:port,host:port (IPv6 in brackets): a Redis store over the cluster, said in the log', async () => {
    const lines: string[] = [];
    const env = await loadDemoEnv(
      { ...basiq, REDIS_CLUSTER_NODES: '127.0.0.1:1, localhost:2,[::1]:3' },
      (line) => lines.push(line),
    );
    try {
      expect(env.basiq.store?.constructor.name).toBe('RedisStore');
      expect(lines).toEqual([
        'REDIS_CLUSTER_NODES is set: sharing tokens through the Redis Cluster at 3 node(s)',
        // Nothing listens on ports 1 to 3: the demo still starts, and says so.
        'The Redis Cluster is not reachable yet: each instance works alone until it is',
      ]);
    } finally {
      await env.close();
    }
  });

  it('a malformed list, or both REDIS_URL and REDIS_CLUSTER_NODES: a start-up error that says so', async () => {
    for (const nodes of ['redis://127.0.0.1:7000', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:7000,', 'a:1:2']) {
      const loading = loadDemoEnv({ ...basiq, REDIS_CLUSTER_NODES: nodes }, quiet);
      await expect(loading).rejects.toBeInstanceOf(DemoEnvError);
      await expect(loading).rejects.toThrow(/REDIS_CLUSTER_NODES must be host:port,host:port/);
    }
    await expect(
      loadDemoEnv(
        { ...basiq, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' },
        quiet,
      ),
    ).rejects.toThrow(/REDIS_URL or REDIS_CLUSTER_NODES, not both/);
  });
});
