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
  it('namespaces keys by a hash of the key and opens only what it sealed, where it sealed it', () => {
    const apiKey = h.emulator.apiKey;
    const sealer = new Sealer(apiKey);
    const key = sealer.key('server');
    expect(key).toMatch(/^basiq:[0-9a-f]{24}:server$/);
    const sealed = sealer.seal(key, { t: 'secret-token', e: 1 });
    expect(sealed).not.toContain('secret-token');
    expect(sealer.unseal(key, sealed)).toEqual({ t: 'secret-token', e: 1 });
    expect(sealer.seal(key, { t: 'secret-token' })).not.toBe(sealer.seal(key, { t: 'secret-token' }));

    expect(sealer.unseal(sealer.key('client:x'), sealed)).toBeUndefined(); // moved
    expect(new Sealer(`${apiKey}x`).unseal(key, sealed)).toBeUndefined(); // another key
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(sealer.unseal(key, tampered)).toBeUndefined();
    expect(sealer.unseal(key, 'plain text')).toBeUndefined();
    expect(JSON.stringify(sealer)).not.toContain(apiKey);
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
