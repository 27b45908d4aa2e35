import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqEvents, BasiqOptions } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { createRedisStore } from '@basiq-token/redis';
import { KeyRecorder } from '../../packages/core/test/support/key-rotation.js';
import { noteRedisSkip, redisSupport, startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';
import { apiKeySecrets, dumpRedis, findLeaks } from './secrets-scan.js';

noteRedisSkip('fleet: key rotation across instances sharing Redis');

/**
 * Two instances (two clients, each with its own Redis connection, as two processes would have)
 * share one Redis. Their `apiKey` functions read one shared variable: the secret manager.
 */
describe.skipIf(!redisSupport.available)('key rotation across instances sharing a RedisStore', () => {
  let redis: RedisServerHandle;
  let raw: Redis;
  let emulator: BasiqEmulator;
  const cleanups: Array<() => Promise<void> | void> = [];
  const lines: string[] = [];
  const logger = {
    debug: (m: string) => lines.push(m),
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    raw.on('error', () => {});
    emulator = await startEmulator({ tokenLifetimeSec: 3600 });
  }, 30_000);
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await emulator?.stop();
    raw?.disconnect();
    await redis?.stop();
  });

  function instance(
    prefix: string,
    apiKey: BasiqOptions['apiKey'],
  ): {
    client: BasiqClient;
    recorder: KeyRecorder;
    rotated: BasiqEvents['key:rotated'][0][];
  } {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    connection.on('error', () => {});
    const recorder = new KeyRecorder();
    const client = createBasiqClient({
      apiKey,
      baseUrl: emulator.url,
      store: createRedisStore({ client: connection, prefix }),
      fetch: recorder.fetch,
      logger,
    });
    const rotated: BasiqEvents['key:rotated'][0][] = [];
    client.on('key:rotated', (info) => rotated.push(info));
    cleanups.push(
      () => client.close(),
      () => connection.disconnect(),
    );
    return { client, recorder, rotated };
  }

  /** A user request on an instance: Basiq's GET /users/{id} through the client. */
  async function userRequest(client: BasiqClient): Promise<number> {
    const res = await client.fetch(`/users/${SEED_USER_ID}`);
    await res.arrayBuffer();
    return res.status;
  }

  it('after instance A rotates and Basiq revokes the old key, instance B follows without a restart or a failed request', async () => {
    const prefix = `rotation:${randomUUID()}:`;
    // An application of its own, so that revoking its key touches no other test.
    const { apiKey: oldKey, applicationId } = emulator.addApiKey();
    let secret = oldKey;
    const a = instance(prefix, () => secret);
    const b = instance(prefix, async () => secret);

    // Both serve: one server token for the two, and B holds a user's client token.
    expect(await userRequest(a.client)).toBe(200);
    expect(await userRequest(b.client)).toBe(200);
    const oldServer = await b.client.getServerToken();
    expect(await a.client.getServerToken()).toBe(oldServer);
    await b.client.getClientToken('user-1');
    const sentBefore = b.recorder.sent.length;

    // Steady traffic on B from here to the end: not one request may fail.
    let traffic = true;
    const statuses: number[] = [];
    const running = (async () => {
      while (traffic) {
        statuses.push(await userRequest(b.client));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    // The secret manager gets the application's next key; A is told; Basiq revokes the old key
    // and, as a revoked key's tokens may be, the server token it issued.
    const newKey = emulator.addApiKey({ applicationId }).apiKey;
    secret = newKey;
    await expect(a.client.rotateApiKey()).resolves.toBe(true);
    expect(a.rotated).toEqual([{ reason: 'rotateApiKey', generation: 1 }]);
    emulator.revokeApiKey(oldKey);
    emulator.revoke(oldServer);

    // B meets the revoked token, refreshes, reads the store, finds its key retired and follows.
    await expect.poll(() => b.rotated, { timeout: 10_000 }).toEqual([{ reason: 'retired', generation: 1 }]);
    const bServer = await b.client.getServerToken();
    expect(bServer).not.toBe(oldServer);
    expect(a.recorder.keyOf.get(bServer) ?? b.recorder.keyOf.get(bServer)).toBe(newKey);
    const user = await b.client.getClientToken('user-1');
    expect(b.recorder.keyOf.get(user.accessToken) ?? a.recorder.keyOf.get(user.accessToken)).toBe(newKey);
    const before = statuses.length;
    await expect.poll(() => statuses.length, { timeout: 10_000 }).toBeGreaterThan(before + 5);
    traffic = false;
    await running;

    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // B was never refused at /token: it followed the marker, not a refusal.
    expect(b.recorder.sent.slice(sentBefore)).not.toContain(oldKey);
    expect(b.client.health().backoff.open).toBe(false);
    // Both instances now send the new key's tokens.
    expect(a.recorder.keyOf.get(bServer) ?? b.recorder.keyOf.get(bServer)).toBe(newKey);
    expect(await a.client.getServerToken()).toBe(bServer);

    // Neither key, in any encoding, anywhere in Redis or in a log line.
    const dump = await dumpRedis(raw);
    expect(dump.keys.some((k) => k.startsWith(prefix) && k.endsWith(':retired'))).toBe(true);
    const secrets = [...apiKeySecrets(oldKey), ...apiKeySecrets(newKey)];
    expect(findLeaks(dump.texts, secrets)).toEqual([]);
    expect(findLeaks(lines, secrets)).toEqual([]);
  }, 30_000);

  it('an instance with a string key cannot follow: it warns and keeps serving until restarted', async () => {
    const prefix = `rotation:${randomUUID()}:`;
    const { apiKey: oldKey, applicationId } = emulator.addApiKey();
    let secret = oldKey;
    const a = instance(prefix, () => secret);
    const b = instance(prefix, oldKey);
    await a.client.getServerToken();
    expect(await userRequest(b.client)).toBe(200);
    secret = emulator.addApiKey({ applicationId }).apiKey;
    await a.client.rotateApiKey();
    // B's next store read (a new user) finds the marker; it cannot follow and says so.
    lines.length = 0;
    await b.client.getClientToken('user-string');
    expect(lines.some((l) => l.includes('cannot follow'))).toBe(true);
    expect(b.rotated).toEqual([]);
    expect(await userRequest(b.client)).toBe(200);
    // The app can still rotate it without a restart.
    await expect(b.client.rotateApiKey(secret)).resolves.toBe(true);
    expect(await b.client.getServerToken()).toBe(await a.client.getServerToken());
  }, 30_000);
});
