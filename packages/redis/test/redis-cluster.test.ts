import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Cluster, Redis } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore, RedisStoreError, createRedisStore, keyOfCommand } from '@basiq-token/redis';
import type { RedisCommand } from '@basiq-token/redis';
import {
  noteRedisClusterSkip,
  redisClusterSupport,
  startRedisCluster,
} from '../../../test/support/redis-cluster.js';
import type { RedisClusterHandle } from '../../../test/support/redis-cluster.js';
import { codeBlocks } from '../../../test/docs/markdown.js';
import { compareAndDelete, takeSlot } from '../src/scripts.js';
import { storeContract } from './store-contract.js';

noteRedisClusterSkip('RedisStore on Redis Cluster');

interface Connection {
  store(opts?: { prefix?: string; commandTimeoutMs?: number }): RedisStore;
  close(): Promise<void>;
}

type Flavour = { name: string; connect(cluster: RedisClusterHandle): Promise<Connection> };

function ioredisCluster(cluster: RedisClusterHandle): Cluster {
  const client = new Cluster([...cluster.nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
  client.on('error', () => {});
  return client;
}

async function nodeRedisCluster(cluster: RedisClusterHandle) {
  const client = createCluster({
    rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })),
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

const flavours: Flavour[] = [
  {
    name: 'ioredis Cluster',
    async connect(cluster) {
      const client = ioredisCluster(cluster);
      await client.ping();
      return { store: (o) => new RedisStore({ client, ...o }), close: async () => client.disconnect() };
    },
  },
  {
    name: 'node-redis createCluster',
    async connect(cluster) {
      const client = await nodeRedisCluster(cluster);
      return { store: (o) => createRedisStore({ client, ...o }), close: async () => client.destroy() };
    },
  },
  {
    name: 'sendCommand function over node-redis createCluster (keyOfCommand routes)',
    async connect(cluster) {
      const client = await nodeRedisCluster(cluster);
      const sendCommand: RedisCommand = (args) => client.sendCommand(keyOfCommand(args), false, args);
      return { store: (o) => new RedisStore({ sendCommand, ...o }), close: async () => client.destroy() };
    },
  },
];

describe.skipIf(!redisClusterSupport.available)('RedisStore on a real three-master Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  /** A plain client, to look at what the nodes hold. */
  let raw: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    raw = ioredisCluster(cluster);
    await raw.ping();
  }, 60_000);
  afterAll(async () => {
    raw?.disconnect();
    await cluster?.stop();
  }, 30_000);

  /** Keys (under `prefix`) served by node 0, 1 and 2 in turn: the store's keys spread over the masters. */
  async function keysOnEveryNode(prefix: string): Promise<string[]> {
    const found: (string | undefined)[] = [undefined, undefined, undefined];
    for (let i = 0; found.includes(undefined); i++) {
      const name = `spread-${i}`;
      const node = await cluster.nodeOf(prefix + name);
      if (found[node] === undefined) found[node] = name;
    }
    return found as string[];
  }

  /** Runs `fn` on a direct connection to one node (not routed by slot). */
  async function onNode<T>(node: number, fn: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis({ ...cluster.nodes[node], maxRetriesPerRequest: 1 });
    try {
      return await fn(redis);
    } finally {
      redis.disconnect();
    }
  }

  async function scriptKnownOn(node: number, sha: string): Promise<boolean> {
    const [known] = (await onNode(node, (r) => r.script('EXISTS', sha))) as number[];
    return known === 1;
  }

  for (const flavour of flavours) {
    describe(flavour.name, () => {
      const connections: Connection[] = [];
      const prefix = `test:${randomUUID()}:`;
      const open = async (o: { prefix?: string; commandTimeoutMs?: number } = {}) => {
        const c = await flavour.connect(cluster);
        connections.push(c);
        return c.store({ prefix, ...o });
      };
      afterAll(async () => {
        await Promise.all(connections.map((c) => c.close()));
      });

      // The whole contract, with keys spread over the three masters. A script or command
      // whose keys crossed slots would fail here: the cluster answers CROSSSLOT.
      storeContract(() => open());

      it('reaches every master, and loads its scripts on each node that lacks them (NOSCRIPT per node)', async () => {
        const store = await open();
        const names = await keysOnEveryNode(prefix);
        for (const node of [0, 1, 2]) {
          await onNode(node, (r) => r.script('FLUSH'));
          expect(await scriptKnownOn(node, takeSlot.sha)).toBe(false);
        }
        for (const [node, name] of names.entries()) {
          expect((await store.takeSlot(name, { now: Date.now(), windowMs: 30_000 })).added).toBe(true);
          expect(await raw.type(prefix + name)).toBe('zset');
          // The node that owns the key now knows the script; EVALSHA works there from now on.
          expect(await scriptKnownOn(node, takeSlot.sha)).toBe(true);
          expect((await store.takeSlot(name, { now: Date.now(), windowMs: 30_000 })).count).toBe(2);
        }
        for (const name of names) {
          const owner = await store.acquireLock(`lock-${name}`, 30_000);
          const lockNode = await cluster.nodeOf(`${prefix}lock-${name}`);
          await store.releaseLock(`lock-${name}`, owner as string);
          expect(await raw.exists(`${prefix}lock-${name}`)).toBe(0);
          expect(await scriptKnownOn(lockNode, compareAndDelete.sha)).toBe(true);
        }
      });

      it('a master killed: its keys reject promptly with RedisStoreError; back after a restart', async () => {
        const store = await open({ commandTimeoutMs: 300 });
        const names = await keysOnEveryNode(prefix);
        for (const name of names) await store.set(name, 'v', 60_000);
        await cluster.kill(1);
        try {
          const started = Date.now();
          const err = await store.get(names[1] as string).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(RedisStoreError);
          // Upper bound only: far above commandTimeoutMs, far below a hung request.
          expect(Date.now() - started).toBeLessThan(5_000);
        } finally {
          await cluster.restart(1);
        }
        // The restarted master is empty (no persistence in the tests) but serves its slots again.
        let value: string | undefined | Error;
        const until = Date.now() + 15_000;
        do {
          value = await store.set(names[1] as string, 'again', 60_000).then(
            () => store.get(names[1] as string),
            (e: unknown) => e as Error,
          );
          if (value === 'again') break;
          await new Promise((r) => setTimeout(r, 100));
        } while (Date.now() < until);
        expect(value).toBe('again');
        // The other masters kept their keys.
        expect(await store.get(names[0] as string)).toBe('v');
        expect(await store.get(names[2] as string)).toBe('v');
      }, 40_000);
    });
  }

  it('a hash tag in the prefix keeps every key of the store on one node', async () => {
    const prefix = `{basiq-${randomUUID()}}:`;
    const store = new RedisStore({ client: raw, prefix });
    const names = ['server', 'lock:server', 'budget', 'client:a', 'client:b', 'probe'];
    for (const name of names) await store.set(name, 'v', 60_000);
    const nodes = new Set(await Promise.all(names.map((n) => cluster.nodeOf(prefix + n))));
    expect(nodes.size).toBe(1);
  });

  describe("the README's cluster snippets, run as written", () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const start = readme.indexOf('### Redis Cluster');
    const snippets = codeBlocks(readme.slice(start, readme.indexOf('\n### ', start + 1)), ['ts']);

    it('there are three: ioredis Cluster, node-redis createCluster, sendCommand with keyOfCommand', () => {
      expect(snippets).toHaveLength(3);
      expect(snippets[0]).toContain("from 'ioredis'");
      expect(snippets[1]).toContain("from 'redis'");
      expect(snippets[2]).toContain('keyOfCommand(args)');
    });

    for (const [n, snippet] of snippets.entries()) {
      it(`snippet #${n + 1} gives a store that works on every master`, async () => {
        // The README's example addresses (10.0.0.1…3, port 6379) become the test cluster's nodes.
        const code = snippet.replace(/10\.0\.0\.([1-3])(', port: |:)6379/g, (_, i: string, sep: string) => {
          return `127.0.0.1${sep}${cluster.nodes[Number(i) - 1]?.port}`;
        });
        expect(code).not.toContain('10.0.0.');
        // Next to this file, so that its imports resolve as the README's reader's would.
        const file = fileURLToPath(new URL(`./.readme-snippet-${randomUUID()}.ts`, import.meta.url));
        writeFileSync(file, `${code}\nexport { cluster, store };\n`);
        let mod: {
          store: RedisStore;
          cluster: { disconnect?(): void; destroy?(): void; connect?(): Promise<unknown> };
        };
        try {
          mod = (await import(/* @vite-ignore */ file)) as typeof mod;
        } finally {
          rmSync(file, { force: true });
        }
        try {
          if (mod.cluster instanceof Cluster) await mod.cluster.ping();
          const prefix = `readme-${n}:${randomUUID()}:`;
          // The snippets keep the default prefix: pick names whose full keys land on each master.
          const names = await keysOnEveryNode(`basiq-token:${prefix}`);
          for (const name of names) {
            await mod.store.set(prefix + name, 'sealed', 60_000);
            expect(await mod.store.get(prefix + name)).toBe('sealed');
            const owner = await mod.store.acquireLock(`${prefix}${name}:lock`, 60_000);
            await mod.store.releaseLock(`${prefix}${name}:lock`, owner as string);
            expect(
              (await mod.store.takeSlot(`${prefix}${name}:slots`, { now: Date.now(), windowMs: 60_000 }))
                .added,
            ).toBe(true);
          }
          for (const name of names) expect(await raw.get(`basiq-token:${prefix}${name}`)).toBe('sealed');
        } finally {
          if (mod.cluster instanceof Cluster) mod.cluster.disconnect();
          else mod.cluster.destroy?.();
        }
      });
    }
  });
});
