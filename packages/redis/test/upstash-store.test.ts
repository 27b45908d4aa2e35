import { randomUUID } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { Redis as Upstash } from '@upstash/redis';
import type { RedisConfigNodejs as UpstashConfig } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BasiqConfigError } from '@basiq-token/core';
import { RedisStore, RedisStoreError, createRedisStore } from '@basiq-token/redis';
import { noteRedisSkip, redisSupport, startRedisServer } from '../../../test/support/redis-server.js';
import type { RedisServerHandle } from '../../../test/support/redis-server.js';
import { startUpstashRest } from '../../../test/support/upstash-rest.js';
import type { UpstashRestHandle } from '../../../test/support/upstash-rest.js';
import { storeContract } from './store-contract.js';

noteRedisSkip('RedisStore through @upstash/redis');

// Both encodings the client can ask for: base64 (its default) and plain JSON strings.
const encodings: Array<{ name: string; config: Partial<UpstashConfig> }> = [
  { name: 'base64 responses (the default)', config: {} },
  { name: 'plain responses', config: { responseEncoding: false } },
];

describe.skipIf(!redisSupport.available)(
  'RedisStore through @upstash/redis (REST, real redis-server)',
  () => {
    let server: RedisServerHandle;
    let rest: UpstashRestHandle;
    let raw: IORedis;
    beforeAll(async () => {
      server = await startRedisServer();
      rest = await startUpstashRest(server.url);
      raw = new IORedis(server.url, { maxRetriesPerRequest: 1 });
    });
    afterAll(async () => {
      raw?.disconnect();
      await rest?.close();
      await server?.stop();
    });

    const upstash = (config: Partial<UpstashConfig> = {}) =>
      new Upstash({
        url: rest.url,
        token: rest.token,
        automaticDeserialization: false,
        enableTelemetry: false,
        retry: false,
        ...config,
      } as UpstashConfig);

    for (const encoding of encodings) {
      describe(encoding.name, () => {
        const prefix = `upstash:${randomUUID()}:`;
        const open = (o: { commandTimeoutMs?: number } = {}) =>
          createRedisStore({ client: upstash(encoding.config), prefix, ...o });

        storeContract(() => open());

        it('reads back values that look like JSON exactly as written (no decoding)', async () => {
          const store = open();
          for (const value of [
            '123',
            '1e3',
            'null',
            'true',
            '"quoted"',
            '{"a":1}',
            '[1,"2"]',
            'OK',
            '  7 ',
          ]) {
            const k = `json:${randomUUID()}`;
            await store.set(k, value, 30_000);
            const back = await store.get(k);
            expect(back).toBe(value);
            expect(await raw.get(`${prefix}${k}`)).toBe(value);
          }
        });

        it('stores under the prefix with a Redis expiry, and goes through the REST endpoint', async () => {
          const before = rest.counts.commands;
          const store = open();
          await store.set('k', 'sealed', 30_000);
          expect(await raw.get(`${prefix}k`)).toBe('sealed');
          const pttl = await raw.pttl(`${prefix}k`);
          expect(pttl).toBeGreaterThan(0);
          expect(pttl).toBeLessThanOrEqual(30_000);
          const owner = await store.acquireLock('lock', 30_000);
          expect(await raw.get(`${prefix}lock`)).toBe(owner);
          await store.takeSlot('budget', { now: Date.now(), windowMs: 30_000 });
          expect(await raw.type(`${prefix}budget`)).toBe('zset');
          expect(rest.counts.commands - before).toBeGreaterThanOrEqual(3);
          // One request per command: the client's auto-pipelining (on here) never batches exec.
          expect(rest.counts.pipelines).toBe(0);
        });

        it('loads its scripts again after Redis forgot them (NOSCRIPT over REST)', async () => {
          const store = open();
          await store.set('cad', 'v', 30_000);
          await raw.script('FLUSH');
          await store.delete('cad', 'v');
          expect(await raw.get(`${prefix}cad`)).toBeNull();
          await raw.script('FLUSH');
          expect((await store.takeSlot('after-flush', { now: Date.now(), windowMs: 30_000 })).added).toBe(
            true,
          );
        });
      });
    }

    it('shares one lock and one budget with a TCP client on the same Redis', async () => {
      const prefix = `mixed:${randomUUID()}:`;
      const overHttp = createRedisStore({ client: upstash(), prefix });
      const overTcp = createRedisStore({ client: raw, prefix });
      const owner = await overHttp.acquireLock('lock', 30_000);
      expect(owner).toBeDefined();
      expect(await overTcp.acquireLock('lock', 30_000)).toBeUndefined();
      await overTcp.releaseLock('lock', 'not-the-owner');
      expect(await overHttp.acquireLock('lock', 30_000)).toBeUndefined();
      // The owner id written over HTTP is what the TCP client's compare-and-delete reads.
      await overTcp.releaseLock('lock', owner as string);
      expect(await overTcp.acquireLock('lock', 30_000)).toBeDefined();

      const now = Date.now();
      await overHttp.takeSlot('budget', { now, windowMs: 30_000, max: 2 });
      await overTcp.takeSlot('budget', { now, windowMs: 30_000, max: 2 });
      expect((await overHttp.takeSlot('budget', { now, windowMs: 30_000, max: 2 })).added).toBe(false);
    });

    it('rejects promptly with a timeout while Redis behind the endpoint hangs, and works again after', async () => {
      const store = createRedisStore({
        client: upstash(),
        prefix: `hang:${randomUUID()}:`,
        commandTimeoutMs: 150,
      });
      await store.set('before-hang', 'v', 30_000);
      await server.pause();
      try {
        const outcome = await Promise.race([
          store.get('before-hang').then(
            () => 'answered',
            (err: unknown) => err,
          ),
          new Promise((r) => setTimeout(() => r('still hanging'), 5_000)),
        ]);
        expect(outcome).toBeInstanceOf(RedisStoreError);
        expect((outcome as RedisStoreError).reason).toBe('timeout');
      } finally {
        await server.resume();
      }
      expect(await store.get('before-hang')).toBe('v');
    });

    it("wraps a command error without echoing the key or value (the client's message quotes the command)", async () => {
      const prefix = `wrongtype:${randomUUID()}:`;
      const store = new RedisStore({ client: upstash(), prefix });
      // A set in place of a string: GET answers WRONGTYPE, and so does the Lua GET of compare-and-delete.
      await raw.sadd(`${prefix}key-7f3a`, 'member');
      const wrong = await store.get('key-7f3a').catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(RedisStoreError);
      expect((wrong as RedisStoreError).reason).toBe('command');
      expect((wrong as Error).message).toMatch(/^RedisStore: get failed: WRONGTYPE/);
      const everything = [
        (wrong as Error).message,
        JSON.stringify(wrong),
        String((wrong as Error).cause),
        (wrong as Error).stack ?? '',
      ].join('\n');
      expect(everything).not.toContain('key-7f3a');
      expect(everything).not.toContain(prefix);

      // Compare-and-delete on the same key: the value (a sealed token in real use) is an argument.
      const cad = await store.delete('key-7f3a', 'v1.sealed-value-9c1e').catch((e: unknown) => e);
      expect(cad).toBeInstanceOf(RedisStoreError);
      const cadText = [(cad as Error).message, String((cad as Error).cause)].join('\n');
      expect(cadText).not.toContain('v1.sealed-value-9c1e');
      expect(cadText).not.toContain('key-7f3a');
    });

    it('answers a wrong token as a command error, and never sends the store anything it did not ask', async () => {
      const store = createRedisStore({
        client: new Upstash({
          url: rest.url,
          token: 'not-the-token',
          automaticDeserialization: false,
          enableTelemetry: false,
          retry: false,
        }),
      });
      const before = rest.counts.unauthorized;
      await expect(store.get('x')).rejects.toMatchObject({ reason: 'command' });
      expect(rest.counts.unauthorized).toBe(before + 1);
    });

    it('refuses an Upstash client that JSON-decodes replies, with BasiqConfigError', () => {
      const decoding = new Upstash({ url: rest.url, token: rest.token, enableTelemetry: false });
      expect(() => createRedisStore({ client: decoding })).toThrow(BasiqConfigError);
      expect(() => createRedisStore({ client: decoding })).toThrow(/automaticDeserialization: false/);
      expect(() => createRedisStore({ client: upstash() })).not.toThrow();
    });
  },
);
