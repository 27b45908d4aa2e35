import { describe, expect, it } from 'vitest';
import { BasiqConfigError, BasiqError } from '@basiq-token/core';
import { RecordingStore, useEngineHarness } from './support/engine.js';
import { SEED_USER_ID } from '@basiq-token/emulator';

const LIFETIME_SEC = 3600;
const { h, clock } = useEngineHarness({ tokenLifetimeSec: LIFETIME_SEC, manualClock: true });

const wrongKey = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');

describe('client.health()', () => {
  it('before any token: not ready, phase none, and reading it makes no /token call and no store call', () => {
    const store = new RecordingStore(clock.now);
    const client = h.client({ clock, store });
    for (let i = 0; i < 50; i++) client.health();
    expect(client.health()).toEqual({
      ready: false,
      closed: false,
      serverToken: { held: false, phase: 'none', refreshing: false },
      backoff: { open: false, remainingMs: 0 },
      store: { kind: 'custom', degraded: false },
    });
    expect(h.emulator.counters.tokenCalls).toBe(0);
    expect(store.calls).toEqual([]);
  });

  it('follows the token through its phases to expiry, without calling /token itself', async () => {
    const client = h.client({ clock });
    await client.getServerToken();
    const issuedAt = clock.now();
    const fresh = client.health();
    expect(fresh).toMatchObject({
      ready: true,
      serverToken: {
        held: true,
        phase: 'fresh',
        expiresAt: issuedAt + LIFETIME_SEC * 1000,
        expiresInMs: LIFETIME_SEC * 1000,
        refreshing: false,
      },
      store: { kind: 'memory', degraded: false },
      budget: { limit: expect.any(Number), windowMs: expect.any(Number), used: 1, at: issuedAt },
    });
    expect(fresh.budget!.left).toBe(fresh.budget!.limit - 1);
    expect(fresh.serverToken.lastFailure).toBeUndefined();

    clock.advance((LIFETIME_SEC - 100) * 1000);
    expect(client.health()).toMatchObject({
      ready: true,
      serverToken: { phase: 'refresh-soon', expiresInMs: 100_000 },
    });
    clock.advance(80_000);
    expect(client.health()).toMatchObject({ ready: true, serverToken: { phase: 'refresh-due' } });
    clock.advance(20_001);
    expect(client.health()).toMatchObject({
      ready: false,
      serverToken: { held: true, phase: 'expired', expiresInMs: 0 },
    });
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });

  it('reports a failed fetch and the back-off window for a wrong key, and clears the failure once a fetch succeeds', async () => {
    const bad = h.client({ clock, apiKey: wrongKey });
    await h.failure(bad.getServerToken());
    const health = bad.health();
    expect(health.ready).toBe(false);
    expect(health.serverToken).toEqual({
      held: false,
      phase: 'none',
      refreshing: false,
      lastFailure: { code: 'basiq_configuration', at: clock.now() },
    });
    expect(health.backoff.open).toBe(true);
    expect(health.backoff.remainingMs).toBeGreaterThan(0);
    clock.advance(health.backoff.remainingMs);
    expect(bad.health().backoff).toEqual({ open: false, remainingMs: 0 });

    const good = h.client({ clock, retry: { retries: 0 } });
    h.emulator.injectFault({ path: '/token', status: 503 });
    await h.failure(good.getServerToken());
    expect(good.health().serverToken.lastFailure).toEqual({ code: 'basiq_unavailable', at: clock.now() });
    await good.getServerToken();
    expect(good.health().serverToken.lastFailure).toBeUndefined();
    expect(good.health().ready).toBe(true);
  });

  it('says when the store is failing', async () => {
    const store = new RecordingStore(clock.now);
    const client = h.client({ clock, store });
    store.failing = true;
    await client.getServerToken();
    expect(client.health()).toMatchObject({ ready: true, store: { kind: 'custom', degraded: true } });
  });

  it('holds no key, token or user id', async () => {
    const client = h.client({ clock });
    const token = await client.getServerToken();
    const clientToken = await client.getClientToken('user-secret-42');
    const text = JSON.stringify(client.health());
    for (const secret of [h.emulator.apiKey, token, clientToken.accessToken, 'user-secret-42']) {
      expect(text.includes(secret)).toBe(false);
    }
    const bad = h.client({ clock, apiKey: wrongKey });
    await h.failure(bad.warmUp());
    expect(JSON.stringify(bad.health()).includes(wrongKey)).toBe(false);
  });

  it('after close: closed and not ready', async () => {
    const client = h.client({ clock });
    await client.warmUp();
    await client.close();
    expect(client.health()).toMatchObject({ ready: false, closed: true });
  });
});

describe('client.warmUp()', () => {
  it('fetches the server token and resolves with the health; the next request needs no /token call', async () => {
    const client = h.client({ clock });
    const health = await client.warmUp();
    expect(health).toEqual(client.health());
    expect(health).toMatchObject({ ready: true, serverToken: { phase: 'fresh' } });
    expect(h.emulator.counters.tokenCalls).toBe(1);
    await client.fetch(`/users/${SEED_USER_ID}`);
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });

  it('calls made at once share one /token call', async () => {
    const client = h.client({ clock });
    h.emulator.injectFault({ path: '/token', delayMs: 50 });
    const results = await Promise.all(Array.from({ length: 10 }, () => client.warmUp()));
    expect(results.every((r) => r.ready)).toBe(true);
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });

  it('rejects with the BasiqError for a wrong key, and again at once without a /token call during the back-off window', async () => {
    const client = h.client({ clock, apiKey: wrongKey });
    const first = await h.failure(client.warmUp());
    expect(first).toBeInstanceOf(BasiqConfigError);
    expect(first).toMatchObject({ code: 'basiq_configuration' });
    const calls = h.emulator.counters.tokenCalls;
    for (let i = 0; i < 20; i++) {
      const again = await h.failure(client.warmUp());
      expect(again).toBeInstanceOf(BasiqError);
      clock.advance(100);
    }
    expect(h.emulator.counters.tokenCalls).toBe(calls);
  });

  it('rejects with client_closed after close()', async () => {
    const client = h.client({ clock });
    await client.close();
    expect(await h.failure(client.warmUp())).toMatchObject({ code: 'client_closed' });
  });
});
