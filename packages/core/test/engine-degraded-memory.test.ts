import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@basiq-token/core';
import { createSafeLogger } from '../src/logger.js';
import { SafeStore } from '../src/safe-store.js';
import { ManualClock, RecordingStore, useEngineHarness } from './support/engine.js';

// Issue 11.5: with a custom store down, every user's sealed client token went into the
// fallback store, which nothing bounded and which dropped an entry only when it was read.

const { h, clock } = useEngineHarness({ tokenLifetimeSec: 3600, manualClock: true });

function downStore(): RecordingStore {
  const store = new RecordingStore(clock.now);
  store.failing = true;
  return store;
}

describe('the fallback store while the real one is down', () => {
  it('holds at most maxFallbackEntries values, dropping the least recently used', async () => {
    const safe = new SafeStore(downStore(), {
      clock,
      logger: createSafeLogger(false),
      maxFallbackEntries: 100,
    });
    for (let i = 0; i < 3_000; i++) await safe.set(`client:${i}`, `sealed-${i}`, 3_600_000);
    expect(safe.degraded).toBe(true);
    expect(safe.fallbackEntries).toBe(100);
    expect(await safe.get('client:2999')).toBe('sealed-2999');
    expect(await safe.get('client:0')).toBeUndefined();
  });

  it('sweeps expired entries even when nobody reads them', async () => {
    const safe = new SafeStore(downStore(), {
      clock,
      logger: createSafeLogger(false),
      maxFallbackEntries: 1_000,
    });
    for (let i = 0; i < 500; i++) await safe.set(`client:${i}`, 'v', 10_000);
    expect(safe.fallbackEntries).toBe(500);
    clock.advance(120_000);
    await safe.set('client:late', 'v', 10_000);
    expect(safe.fallbackEntries).toBe(1);
  });

  it('a client bounds it by clientTokens.maxEntries: an early user’s token is gone from memory', async () => {
    const client = h.client({ clock, store: downStore(), clientTokens: { maxEntries: 2 } });
    const users = Array.from({ length: 150 }, (_, i) => `user-${i}`);
    for (const id of users) await client.getClientToken(id);
    expect(client.toJSON().store.degraded).toBe(true);
    expect(h.emulator.counters.tokenCalls).toBe(150);
    // Neither the LRU (2 users) nor the fallback store (bounded likewise) still holds user-0.
    await client.getClientToken('user-0');
    expect(h.emulator.counters.tokenCalls).toBe(151);
    // The most recent user is still served from memory.
    await client.getClientToken('user-149');
    expect(h.emulator.counters.tokenCalls).toBe(151);
  });
});

describe('MemoryStore', () => {
  it('is unbounded unless told, and counts its entries', async () => {
    const now = new ManualClock();
    const store = new MemoryStore({ now: now.now });
    for (let i = 0; i < 50; i++) await store.set(`k${i}`, 'v', 1_000);
    expect(store.size).toBe(50);
    const bounded = new MemoryStore({ now: now.now, maxEntries: 10 });
    for (let i = 0; i < 50; i++) await bounded.set(`k${i}`, 'v', 1_000);
    expect(bounded.size).toBe(10);
    expect(await bounded.get('k49')).toBe('v');
    expect(await bounded.get('k0')).toBeUndefined();
  });
});
