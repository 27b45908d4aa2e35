import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  findOnPath,
  freePort,
  killAndWait,
  makeServerDir,
  removeServerDir,
  spawnRedis,
} from './redis-server.js';

const run = promisify(execFile);

/**
 * A real Redis Cluster for the cluster suites: three masters (no replicas), each a
 * `redis-server --cluster-enabled yes` child on a free loopback port in its own temp dir,
 * joined with `redis-cli --cluster create`. One master can be SIGKILLed and brought back on
 * the same port with its cluster config, as a crashed and restarted pod would be.
 */
export interface RedisClusterHandle {
  /** The masters' addresses, in start order. */
  readonly nodes: ReadonlyArray<{ host: string; port: number }>;
  /** `127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3`: the form `REDIS_CLUSTER_NODES` takes. */
  readonly nodesEnv: string;
  /** Which node (index into `nodes`) serves `key`'s hash slot. */
  nodeOf(key: string): Promise<number>;
  /** SIGKILL node `index`: connections drop, its slots are unserved. */
  kill(index: number): Promise<void>;
  /** Node `index` back on its port with its cluster config (its data is gone); waits for `cluster_state:ok`. */
  restart(index: number): Promise<void>;
  /** Waits until every running node reports `cluster_state:<state>`. */
  waitForState(state: 'ok' | 'fail', deadlineMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const serverBinary = process.env.REDIS_SERVER_BIN || findOnPath('redis-server');
const cliBinary = findOnPath('redis-cli');

/** Whether the cluster suites can run here (they need both binaries; `REDIS_URL` is not enough). */
export const redisClusterSupport: { available: boolean; reason: string } =
  serverBinary && cliBinary
    ? { available: true, reason: `using ${serverBinary} and ${cliBinary}` }
    : {
        available: false,
        reason: 'no `redis-server`/`redis-cli` on PATH: `apt-get install redis-server` to run these suites',
      };

/** Prints, once per suite, why a cluster suite is skipped. */
export function noteRedisClusterSkip(suite: string): void {
  if (!redisClusterSupport.available) console.warn(`[skipped] ${suite}: ${redisClusterSupport.reason}`);
}

// Short, so that a killed master is marked failed (and the cluster down) within a second or two.
const NODE_TIMEOUT_MS = 1_000;

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(cliBinary as string, ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 10_000,
  });
  return stdout;
}

async function clusterState(port: number): Promise<string | undefined> {
  try {
    return /cluster_state:(\w+)/.exec(await cli(port, 'CLUSTER', 'INFO'))?.[1];
  } catch {
    return undefined;
  }
}

interface Node {
  port: number;
  dir: string;
  child: ChildProcess | undefined;
}

const clusterArgs = [
  '--cluster-enabled',
  'yes',
  '--cluster-config-file',
  'nodes.conf',
  '--cluster-node-timeout',
  String(NODE_TIMEOUT_MS),
];

async function spawnNode(): Promise<Node> {
  const dir = makeServerDir();
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      return { port, dir, child: await spawnRedis(port, dir, clusterArgs) };
    } catch (err) {
      // Somebody may have taken the port between freePort() and the bind: try another.
      if (attempt >= 4) {
        removeServerDir(dir);
        throw err;
      }
    }
  }
}

/** Starts a three-master cluster on loopback and waits until it serves every slot. */
export async function startRedisCluster(): Promise<RedisClusterHandle> {
  if (!redisClusterSupport.available) throw new Error(redisClusterSupport.reason);
  const nodes = await Promise.all([spawnNode(), spawnNode(), spawnNode()]);
  const stop = async () => {
    await Promise.all(nodes.map((n) => killAndWait(n.child, 'SIGKILL')));
    for (const n of nodes) {
      n.child = undefined;
      removeServerDir(n.dir);
    }
  };
  const waitForState = async (state: 'ok' | 'fail', deadlineMs = 20_000) => {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const live = nodes.filter((n) => n.child);
      const states = await Promise.all(live.map((n) => clusterState(n.port)));
      if (states.every((s) => s === state)) return;
      if (Date.now() > end) {
        throw new Error(`Redis Cluster did not reach cluster_state:${state} (${states.join(', ')})`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await run(
      cliBinary as string,
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    await waitForState('ok');
  } catch (err) {
    await stop();
    throw err;
  }
  const at = (index: number): Node => {
    const node = nodes[index];
    if (!node) throw new Error(`no cluster node #${index}`);
    return node;
  };
  return {
    nodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    nodesEnv: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    async nodeOf(key) {
      const port = nodes.find((n) => n.child)?.port as number;
      const slot = Number((await cli(port, 'CLUSTER', 'KEYSLOT', key)).trim());
      // CLUSTER SHARDS is Redis 7+; CLUSTER NODES works everywhere: `<id> <ip:port@bus> <flags> … <slot ranges>`.
      for (const line of (await cli(port, 'CLUSTER', 'NODES')).split('\n')) {
        const fields = line.trim().split(' ');
        const nodePort = Number(/:(\d+)@/.exec(fields[1] ?? '')?.[1]);
        for (const range of fields.slice(8)) {
          const [lo, hi = lo] = range.split('-').map(Number);
          if (lo !== undefined && hi !== undefined && slot >= lo && slot <= hi) {
            return nodes.findIndex((n) => n.port === nodePort);
          }
        }
      }
      throw new Error(`no node serves slot ${slot}`);
    },
    async kill(index) {
      const node = at(index);
      await killAndWait(node.child, 'SIGKILL');
      node.child = undefined;
    },
    async restart(index) {
      const node = at(index);
      await killAndWait(node.child, 'SIGKILL');
      // Same port, same nodes.conf: the node rejoins with its slots, as a restarted pod would.
      node.child = await spawnRedis(node.port, node.dir, clusterArgs);
      await waitForState('ok');
    },
    waitForState,
    stop,
  };
}
