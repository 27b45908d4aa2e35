import { describe, expect, it } from 'vitest';
import { BasiqError } from '@basiq-token/core';
import type { FetchLike } from '@basiq-token/core';
import { eventually, jwtExp, RecordingStore, settled, useEngineHarness } from './support/engine.js';

const { h, clock } = useEngineHarness({ tokenLifetimeSec: 60, manualClock: true });

describe('server token cache', () => {
  it('fetches once, then answers from memory without any I/O', async () => {
    const store = new RecordingStore(clock.now);
    const client = h.client({ store, clock });
    const first = await client.getServerToken();
    expect(h.emulator.counters.tokenCalls).toBe(1);
    const storeCalls = store.calls.length;
    expect(storeCalls).toBeGreaterThan(0);

    const again = await Promise.all(Array.from({ length: 100 }, () => client.getServerToken()));
    expect(new Set(again)).toEqual(new Set([first]));
    expect(h.emulator.counters.tokenCalls).toBe(1);
    expect(store.calls.length).toBe(storeCalls);
  });

  it('counts the expiry from when the request was sent, not when the answer came', async () => {
    const slow: FetchLike = async (input, init) => {
      clock.advance(7_000); // the answer "takes" 7 s
      return fetch(input, init);
    };
    const client = h.client({ clock, fetch: slow });
    const sentAt = clock.now();
    await client.getServerToken();
    expect(client.toJSON().serverToken.expiresAt).toBe(sentAt + 60_000);
  });

  it('keeps the token in a store only as sealed ciphertext under a namespaced key', async () => {
    const store = new RecordingStore(clock.now);
    const client = h.client({ store, clock });
    const token = await client.getServerToken();
    expect(store.written.length).toBeGreaterThan(0);
    for (const { key, value } of store.written) {
      expect(key).toMatch(/^basiq:[0-9a-f]{24}:/);
      expect(key).not.toContain(h.emulator.apiKey);
      expect(value).not.toContain(token);
      expect(value).not.toContain(token.split('.')[1]);
      expect(value).not.toContain(h.emulator.apiKey);
    }
  });
});

describe('soft window', () => {
  it('serves the cached token at once and refreshes once in the background', async () => {
    const client = h.client({ clock });
    const old = await client.getServerToken();
    // 60 s token: soft window = min(5 min, 30 s) = 30 s, hard = min(30 s, 15 s) = 15 s.
    clock.advance(35_000);
    expect(client.toJSON().serverToken.phase).toBe('refresh-soon');

    const during = await Promise.all(Array.from({ length: 50 }, () => client.getServerToken()));
    expect(new Set(during)).toEqual(new Set([old]));
    await settled(client);
    expect(h.emulator.counters.tokenCalls).toBe(2);

    const fresh = await client.getServerToken();
    expect(fresh).not.toBe(old);
    expect(client.toJSON().serverToken.phase).toBe('fresh');
  });

  it('logs a failed background refresh, never rejects, and keeps serving the valid token', async () => {
    const client = h.client({ clock, retry: { retries: 1 } });
    const old = await client.getServerToken();
    clock.advance(35_000);
    h.emulator.injectFault({ path: '/token', status: 503, times: 2 });

    expect(await client.getServerToken()).toBe(old);
    await eventually(() => h.eventsOf('token:error').length === 1);
    await settled(client);
    expect(h.eventsOf('token:error')[0]).toMatchObject({ scope: 'SERVER_ACCESS', code: 'basiq_unavailable' });
    expect(h.lines.some((l) => l.startsWith('warn') && l.includes('background refresh'))).toBe(true);
    expect(await client.getServerToken()).toBe(old);
    expect(h.emulator.counters.tokenCalls).toBe(3);
  });
});

describe('hard window', () => {
  it('makes callers wait for the refresh', async () => {
    const client = h.client({ clock });
    const old = await client.getServerToken();
    clock.advance(50_000); // 10 s left, inside the 15 s hard window
    expect(client.toJSON().serverToken.phase).toBe('refresh-due');
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getServerToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(old);
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });

  it('serves the still-valid token when the refresh fails, and fails only once it has expired', async () => {
    const client = h.client({ clock, retry: { retries: 1 } });
    const old = await client.getServerToken();
    clock.advance(50_000);
    h.emulator.injectFault({ path: '/token', status: 500, times: Infinity });
    expect(await client.getServerToken()).toBe(old);

    clock.advance(10_000); // now expired
    const error = await h.failure(client.getServerToken());
    expect(error).toBeInstanceOf(BasiqError);
    expect(error.code).toBe('basiq_unavailable');
  });
});

describe('short lifetimes', () => {
  it('works with a 10-second token: refreshes before expiry and never serves an expired token', async () => {
    h.emulator.setTokenLifetime(10);
    const client = h.client({ clock });
    const seen = new Set<string>();
    for (let step = 0; step < 120; step++) {
      const token = await client.getServerToken();
      expect(jwtExp(token) * 1000).toBeGreaterThan(clock.now());
      seen.add(token);
      await settled(client);
      clock.advance(500);
    }
    // 60 simulated seconds, refresh when 5 s (half the lifetime) are left: about every 5 s.
    expect(h.emulator.counters.tokenCalls).toBeGreaterThanOrEqual(10);
    expect(h.emulator.counters.tokenCalls).toBeLessThanOrEqual(14);
    expect(seen.size).toBe(h.emulator.counters.tokenCalls);
    // No refresh failed and no stale token was served.
    expect(h.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });
});

describe('invalidation', () => {
  it('drops the token only if it is still the cached one', async () => {
    const client = h.client({ clock });
    const first = await client.getServerToken();
    await client.invalidateServerToken('not-the-current-token');
    expect(await client.getServerToken()).toBe(first);
    expect(h.emulator.counters.tokenCalls).toBe(1);

    await client.invalidateServerToken(first);
    const second = await client.getServerToken();
    expect(second).not.toBe(first);
    expect(h.emulator.counters.tokenCalls).toBe(2);
    await client.invalidateServerToken(first); // stale: no effect
    expect(await client.getServerToken()).toBe(second);
  });
});
