import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasiqConfigError } from '@basiq-token/core';
import { RedisStore, RedisStoreError, createRedisStore } from '@basiq-token/redis';
import type { RedisCommand } from '@basiq-token/redis';
import { noteRedisSkip, redisSupport, startRedisServer } from '../../../test/support/redis-server.js';
import type { RedisServerHandle } from '../../../test/support/redis-server.js';
import { storeContract } from './store-contract.js';

noteRedisSkip('RedisStore');

interface Connection {
  store(opts?: { prefix?: string; commandTimeoutMs?: number }): RedisStore;
  close(): Promise<void>;
}

type Flavour = { name: string; connect(url: string): Promise<Connection> };

const flavours: Flavour[] = [
  {
    name: 'ioredis client',
    async connect(url) {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      await client.ping();
      return { store: (o) => new RedisStore({ client, ...o }), close: async () => void client.disconnect() };
    },
  },
  {
    name: 'node-redis client',
    async connect(url) {
      const client = createClient({ url });
      client.on('error', () => {});
      await client.connect();
      return { store: (o) => createRedisStore({ client, ...o }), close: async () => client.destroy() };
    },
  },
  {
    name: 'sendCommand function (node-redis underneath)',
    async connect(url) {
      const client = createClient({ url });
      client.on('error', () => {});
      await client.connect();
      const sendCommand: RedisCommand = (args) => client.sendCommand(args);
      return { store: (o) => new RedisStore({ sendCommand, ...o }), close: async () => client.destroy() };
    },
  },
];

describe.skipIf(!redisSupport.available)('RedisStore against a real redis-server', () => {
  let server: RedisServerHandle;
  let raw: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    raw = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    raw?.disconnect();
    await server?.stop();
  });

  for (const flavour of flavours) {
    describe(flavour.name, () => {
      const connections: Connection[] = [];
      // A fresh prefix per flavour, so the suites never see each other's keys.
      const prefix = `test:${randomUUID()}:`;
      const open = async (o: { prefix?: string; commandTimeoutMs?: number } = {}) => {
        const c = await flavour.connect(server.url);
        connections.push(c);
        return c.store({ prefix, ...o });
      };
      afterAll(async () => {
        await Promise.all(connections.map((c) => c.close()));
      });

      storeContract(() => open());

      it('stores under the prefix with a Redis expiry, and keeps nothing else', async () => {
        const store = await open();
        await store.set('k', 'sealed', 30_000);
        expect(await raw.get(`${prefix}k`)).toBe('sealed');
        const pttl = await raw.pttl(`${prefix}k`);
        expect(pttl).toBeGreaterThan(0);
        expect(pttl).toBeLessThanOrEqual(30_000);
        const lockOwner = await store.acquireLock('lock', 30_000);
        expect(await raw.get(`${prefix}lock`)).toBe(lockOwner);
        await store.takeSlot('budget', { now: Date.now(), windowMs: 30_000 });
        expect(await raw.type(`${prefix}budget`)).toBe('zset');
        expect(await raw.pttl(`${prefix}budget`)).toBeGreaterThan(0);
      });

      it('loads its scripts again after Redis forgot them (NOSCRIPT)', async () => {
        const store = await open();
        await store.set('cad', 'v', 30_000);
        await raw.script('FLUSH');
        await store.delete('cad', 'v');
        expect(await store.get('cad')).toBeUndefined();
        await raw.script('FLUSH');
        expect((await store.takeSlot('slot-after-flush', { now: Date.now(), windowMs: 30_000 })).added).toBe(
          true,
        );
      });

      it('rejects promptly with a timeout while Redis hangs, and works again after', async () => {
        const store = await open({ commandTimeoutMs: 150 });
        await store.set('before-hang', 'v', 30_000);
        await server.pause();
        try {
          const outcome = await Promise.race([
            store.get('before-hang').then(
              () => 'answered',
              (err: unknown) => err,
            ),
            // Upper bound only: far above the timeout, far below a hung request.
            new Promise((r) => setTimeout(() => r('still hanging'), 5_000)),
          ]);
          expect(outcome).toBeInstanceOf(RedisStoreError);
          expect((outcome as RedisStoreError).reason).toBe('timeout');
          await expect(store.acquireLock('hung-lock', 1_000)).rejects.toMatchObject({ reason: 'timeout' });
        } finally {
          await server.resume();
        }
        expect(await store.get('before-hang')).toBe('v');
      });

      it('close() rejects its own operations but leaves the handed-in client open', async () => {
        const conn = await flavour.connect(server.url);
        connections.push(conn);
        const store = conn.store({ prefix });
        await store.set('after-close', 'v', 30_000);
        await store.close();
        await expect(store.get('after-close')).rejects.toMatchObject({ reason: 'closed' });
        // The same client still works for the app: a second store over it answers.
        expect(await conn.store({ prefix }).get('after-close')).toBe('v');
      });
    });
  }

  it('wraps a Redis error without echoing keys or values, and serialises safely', async () => {
    const store = new RedisStore({ client: raw, prefix: `test:${randomUUID()}:` });
    // A set in place of a string: Redis answers WRONGTYPE.
    const prefix = (store.toJSON() as { prefix: string }).prefix;
    await raw.sadd(`${prefix}key-7f3a`, 'member');
    const err = await store.get('key-7f3a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisStoreError);
    expect((err as RedisStoreError).reason).toBe('command');
    expect((err as Error).message).toMatch(/^RedisStore: get failed: WRONGTYPE/);
    expect(JSON.stringify(err)).not.toContain('key-7f3a');
    expect(JSON.stringify(err)).not.toContain(prefix);
    expect(inspect(store)).toMatch(/^RedisStore \{ prefix: "test:/);
  });

  it('refuses missing, doubled or malformed options with BasiqConfigError', () => {
    expect(() => new RedisStore({})).toThrow(BasiqConfigError);
    expect(() => new RedisStore({ client: raw, sendCommand: async () => null })).toThrow(BasiqConfigError);
    expect(() => new RedisStore({ client: {} as never })).toThrow(/neither `call`.*nor `sendCommand`/);
    expect(() => new RedisStore({ client: raw, commandTimeoutMs: 0 })).toThrow(BasiqConfigError);
    expect(() => new RedisStore({ client: raw, prefix: 5 as never })).toThrow(BasiqConfigError);
  });
});
