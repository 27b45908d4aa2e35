import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@basiq-token/core';
import type { TokenStore } from '@basiq-token/core';
import { createSafeLogger } from '../src/logger.js';
import { SafeStore } from '../src/safe-store.js';
import { Sealer } from '../src/sealing.js';
import { eventually, RecordingStore, useEngineHarness } from './support/engine.js';

const { h, clock } = useEngineHarness({ tokenLifetimeSec: 3600, manualClock: true });

describe('a failing store', () => {
  it('degrades to memory with one warning, keeps serving, and recovers after a probe', async () => {
    const store = new RecordingStore(clock.now);
    store.failing = true;
    const client = h.client({ clock, store });

    const token = await client.getServerToken();
    const clientToken = await client.getClientToken('user-a');
    expect(typeof token).toBe('string');
    expect(typeof clientToken.accessToken).toBe('string');
    expect(await client.getServerToken()).toBe(token);
    expect(h.eventsOf('store:degraded')).toHaveLength(1);
    expect(h.lines.filter((l) => l.includes('token store'))).toHaveLength(1);
    expect(client.toJSON().store).toEqual({ kind: 'custom', degraded: true });

    // Requests do not wait on a store known to be down: no further calls until the probe is due.
    const callsWhileDown = store.calls.length;
    await client.getClientToken('user-b');
    expect(store.calls.length).toBe(callsWhileDown);

    store.failing = false;
    clock.advance(5_000);
    await client.getClientToken('user-c'); // due: probes in the background
    await eventually(() => h.eventsOf('store:recovered').length === 1);
    expect(client.toJSON().store.degraded).toBe(false);
    const writtenBefore = store.written.length;
    await client.getClientToken('user-d');
    expect(store.written.slice(writtenBefore).some((w) => w.key.includes(':client:'))).toBe(true);
    expect(h.eventsOf('store:degraded')).toHaveLength(1);
  });

  it('treats a hung store as down', async () => {
    const hung: TokenStore = {
      get: () => new Promise(() => {}),
      set: () => new Promise(() => {}),
      delete: () => new Promise(() => {}),
      acquireLock: () => new Promise(() => {}),
      releaseLock: () => new Promise(() => {}),
      takeSlot: () => new Promise(() => {}),
    };
    const degraded: string[] = [];
    const safe = new SafeStore(hung, {
      clock,
      logger: createSafeLogger(h.logger),
      opTimeoutMs: 20,
      onDegraded: (info) => degraded.push(info.message),
    });
    await safe.set('k', 'v', 1_000);
    expect(await safe.get('k')).toBe('v');
    expect(safe.degraded).toBe(true);
    expect(degraded).toHaveLength(1);
    expect(degraded[0]).toContain('did not answer within 20 ms');
  });

  it('treats a store that throws synchronously as down', async () => {
    const memory = new MemoryStore();
    const throwing = Object.assign(Object.create(memory) as TokenStore, {
      get: () => {
        throw new Error('sync boom');
      },
    });
    const safe = new SafeStore(throwing, { clock, logger: createSafeLogger(false) });
    expect(await safe.get('anything')).toBeUndefined();
    expect(safe.degraded).toBe(true);
  });

  it('does not close a store it was given', async () => {
    let closed = 0;
    const store = Object.assign(new MemoryStore(), { close: async () => void closed++ });
    const client = h.client({ store });
    await client.close();
    expect(closed).toBe(0);
  });
});

describe('sealing', () => {
  it('namespaces keys by a hash of the key and opens only what it sealed, where it sealed it', async () => {
    const apiKey = h.emulator.apiKey;
    const sealer = new Sealer(apiKey);
    const key = await sealer.key('server');
    expect(key).toMatch(/^basiq:[0-9a-f]{24}:server$/);
    const sealed = await sealer.seal(key, { t: 'secret-token', e: 1 });
    expect(sealed).not.toContain('secret-token');
    expect(await sealer.unseal(key, sealed)).toEqual({ t: 'secret-token', e: 1 });
    expect(await sealer.seal(key, { t: 'secret-token' })).not.toBe(
      await sealer.seal(key, { t: 'secret-token' }),
    );

    expect(await sealer.unseal(await sealer.key('client:x'), sealed)).toBeUndefined(); // moved
    expect(await new Sealer(`${apiKey}x`).unseal(key, sealed)).toBeUndefined(); // another key
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(await sealer.unseal(key, tampered)).toBeUndefined();
    expect(await sealer.unseal(key, 'plain text')).toBeUndefined();
    expect(await sealer.unseal(key, 'v1.not*base64')).toBeUndefined();
    expect(JSON.stringify(sealer)).not.toContain(apiKey);
  });

  it('keeps the sealed format of the node:crypto implementation (AES-256-GCM, HKDF-SHA-256 key, key as AAD)', async () => {
    // The same construction written with node:crypto in the test: values stored before the move
    // to Web Crypto still open, and what Web Crypto seals opens with it.
    const apiKey = h.emulator.apiKey;
    const sealer = new Sealer(apiKey);
    const key = await sealer.key('server');
    const aesKey = Buffer.from(hkdfSync('sha256', apiKey, 'basiq-token/store', 'basiq-token seal v1', 32));
    const nameKey = Buffer.from(hkdfSync('sha256', apiKey, 'basiq-token/store', 'basiq-token names v1', 32));
    expect(key).toBe(`basiq:${createHash('sha256').update(apiKey).digest('hex').slice(0, 24)}:server`);
    expect(await sealer.pseudonym('user-a')).toBe(
      createHmac('sha256', nameKey).update('user-a').digest('base64url').slice(0, 32),
    );

    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
    cipher.setAAD(Buffer.from(key));
    const body = Buffer.concat([cipher.update(JSON.stringify({ t: 'old' })), cipher.final()]);
    const old = `v1.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    expect(await sealer.unseal(key, old)).toEqual({ t: 'old' });

    const raw = Buffer.from((await sealer.seal(key, { t: 'new' })).slice(3), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', aesKey, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(key));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    expect(JSON.parse(plain.toString())).toEqual({ t: 'new' });
  });
});

describe('what a store sees', () => {
  it('neither the API key, nor a token, nor a Basiq userId in any key or value', async () => {
    const store = new RecordingStore(clock.now);
    const client = h.client({ clock, store });
    const userId = 'a1b2c3d4-0000-4000-8000-00000000beef';
    const serverToken = await client.getServerToken();
    const clientToken = await client.getClientToken(userId);
    // The same user maps to the same key, so instances sharing a store share the token.
    const again = h.client({ clock, store });
    expect((await again.getClientToken(userId)).accessToken).toBe(clientToken.accessToken);
    await again.close();

    expect(store.written.length).toBeGreaterThanOrEqual(2);
    for (const { key, value } of store.written) {
      for (const secret of [h.emulator.apiKey, serverToken, clientToken.accessToken, userId]) {
        expect(key).not.toContain(secret);
        expect(value).not.toContain(secret);
      }
    }
  });
});
