import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@basiq-token/core';
import { eventually, RecordingStore, useEngineHarness } from './support/engine.js';

const { h } = useEngineHarness({ tokenLifetimeSec: 60 });

describe('single flight', () => {
  it('1,000 concurrent cold callers cause exactly one /token call', async () => {
    const store = new RecordingStore();
    const client = h.client({ store });
    const tokens = await Promise.all(Array.from({ length: 1_000 }, () => client.getServerToken()));
    expect(h.emulator.counters.tokenCalls).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    // One flight in this process: the refresh lock was asked for once, not by 1,000 callers (and
    // once more by the /token call itself: a key's first call in the fleet goes alone).
    expect(store.calls.filter((c) => c === 'acquireLock')).toHaveLength(2);
  });

  it('rejects every waiter on failure, caches nothing, and the next call tries again', async () => {
    const client = h.client({ retry: { retries: 0 } });
    h.emulator.injectFault({ path: '/token', status: 500 });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => client.getServerToken()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    for (const r of results) h.errors.push((r as PromiseRejectedResult).reason);
    expect((results[0] as PromiseRejectedResult).reason.code).toBe('basiq_unavailable');
    expect(h.emulator.counters.tokenCalls).toBe(1);
    expect(client.toJSON().serverToken).toMatchObject({ phase: 'none', refreshing: false });

    const token = await client.getServerToken();
    expect(typeof token).toBe('string');
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });
});

describe('refresh lock across clients sharing a store', () => {
  it('two instances, 200 cold callers: one /token call, the other instance reads the result', async () => {
    const store = new MemoryStore();
    const a = h.client({ store });
    const b = h.client({ store });
    const tokens = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).getServerToken()),
    );
    expect(h.emulator.counters.tokenCalls).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('a waiting instance takes over when the lock holder vanishes (lock expires)', async () => {
    const store = new RecordingStore();
    const namespace = `basiq:${createHash('sha256').update(h.emulator.apiKey).digest('hex').slice(0, 24)}:`;
    // A crashed instance's lock: held, never released, expires after 300 ms.
    expect(await store.inner.acquireLock(`${namespace}lock:server`, 300)).toBeDefined();

    const client = h.client({ store });
    const token = await client.getServerToken();
    expect(typeof token).toBe('string');
    expect(h.emulator.counters.tokenCalls).toBe(1);
    // It polled the store (and retried the lock) while the lock was held.
    expect(store.calls.filter((c) => c === 'acquireLock').length).toBeGreaterThan(1);
    expect(store.calls.filter((c) => c === 'get').length).toBeGreaterThan(2);
  });

  it('a waiting instance adopts the token another instance stored', async () => {
    const store = new MemoryStore();
    const a = h.client({ store });
    const b = h.client({ store });
    h.emulator.injectFault({ path: '/token', delayMs: 300 }); // a's fetch is slow; b must wait for it
    const fromA = a.getServerToken();
    await eventually(() => h.emulator.counters.tokenCalls === 1); // a holds the lock and is fetching
    const fromB = await b.getServerToken();
    expect(fromB).toBe(await fromA);
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });
});
