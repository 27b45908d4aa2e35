import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { TokenStore } from '@basiq-token/core';

/**
 * The behaviour every TokenStore must have, whatever holds the data. Run against core's
 * MemoryStore too, so that Redis and the in-process default are proven to agree.
 * `makeStore()` may be called several times: each call is a separate connection.
 */
export function storeContract(makeStore: () => TokenStore | Promise<TokenStore>): void {
  const key = (name: string) => `${name}:${randomUUID()}`;

  async function eventually(check: () => Promise<boolean>, what: string, deadlineMs = 5_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error(`never happened: ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('get answers undefined for a missing key, and what set stored', async () => {
    const store = await makeStore();
    const k = key('value');
    expect(await store.get(k)).toBeUndefined();
    await store.set(k, 'sealed-1', 60_000);
    expect(await store.get(k)).toBe('sealed-1');
    await store.set(k, 'sealed-2', 60_000);
    expect(await store.get(k)).toBe('sealed-2');
  });

  it('shares values between connections', async () => {
    const a = await makeStore();
    const b = await makeStore();
    const k = key('shared');
    await a.set(k, 'from-a', 60_000);
    expect(await b.get(k)).toBe('from-a');
  });

  it('keeps values byte-exact (base64url, unicode, long)', async () => {
    const store = await makeStore();
    const values = ['v1.AbC-_x9.zz', 'é✓ unicode', 'x'.repeat(20_000), ' spaces and\nnewlines '];
    for (const v of values) {
      const k = key('exact');
      await store.set(k, v, 60_000);
      expect(await store.get(k)).toBe(v);
    }
  });

  it('forgets a value after its ttl', async () => {
    const store = await makeStore();
    const k = key('ttl');
    await store.set(k, 'short-lived', 40);
    await eventually(async () => (await store.get(k)) === undefined, 'value expired');
  });

  it('treats a ttl of zero or less as already expired', async () => {
    const store = await makeStore();
    const k = key('ttl0');
    await store.set(k, 'old', 60_000);
    await store.set(k, 'stale', 0);
    expect(await store.get(k)).toBeUndefined();
  });

  it('deletes unconditionally, and compare-and-deletes only a matching value', async () => {
    const store = await makeStore();
    const k = key('del');
    await store.set(k, 'current', 60_000);
    await store.delete(k, 'older');
    expect(await store.get(k)).toBe('current');
    await store.delete(k, 'current');
    expect(await store.get(k)).toBeUndefined();

    await store.set(k, 'again', 60_000);
    await store.delete(k);
    expect(await store.get(k)).toBeUndefined();
    // Deleting what is not there is not an error.
    await store.delete(k);
    await store.delete(k, 'nothing');
  });

  it('gives a lock to one taker at a time, with distinct owner ids', async () => {
    const a = await makeStore();
    const b = await makeStore();
    const k = key('lock');
    const owner = await a.acquireLock(k, 60_000);
    expect(typeof owner).toBe('string');
    expect(await b.acquireLock(k, 60_000)).toBeUndefined();
    expect(await a.acquireLock(k, 60_000)).toBeUndefined();

    // Only the owner can release it.
    await b.releaseLock(k, 'not-the-owner');
    expect(await b.acquireLock(k, 60_000)).toBeUndefined();
    await b.releaseLock(k, owner as string);
    const next = await b.acquireLock(k, 60_000);
    expect(typeof next).toBe('string');
    expect(next).not.toBe(owner);

    // A stale owner releasing late does not free the new holder's lock.
    await a.releaseLock(k, owner as string);
    expect(await a.acquireLock(k, 60_000)).toBeUndefined();
    await b.releaseLock(k, next as string);
  });

  it('hands exactly one lock to many concurrent takers', async () => {
    const stores = await Promise.all(Array.from({ length: 8 }, () => makeStore()));
    const k = key('lock-race');
    const results = await Promise.all(
      stores.flatMap((s) => Array.from({ length: 5 }, () => s.acquireLock(k, 60_000))),
    );
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
  });

  it('lets a lock expire when its holder never releases it', async () => {
    const a = await makeStore();
    const b = await makeStore();
    const k = key('lock-ttl');
    // Long enough that the second taker's command lands while it is held, on a loaded machine
    // too (40 ms was not, for node-redis on a cluster at load 30).
    expect(await a.acquireLock(k, 500)).toBeDefined();
    expect(await b.acquireLock(k, 60_000)).toBeUndefined();
    let taken: string | undefined;
    await eventually(async () => (taken = await b.acquireLock(k, 60_000)) !== undefined, 'lock expired');
    expect(taken).toBeDefined();
  });

  it('takeSlot counts a sliding window, stops at max, and says when the oldest event leaves', async () => {
    const store = await makeStore();
    const k = key('slots');
    const windowMs = 60_000;
    const t0 = 1_700_000_000_000;
    expect(await store.takeSlot(k, { now: t0, windowMs, max: 2 })).toEqual({
      added: true,
      count: 1,
      retryAfterMs: windowMs,
    });
    expect(await store.takeSlot(k, { now: t0 + 1_000, windowMs, max: 2 })).toEqual({
      added: true,
      count: 2,
      retryAfterMs: windowMs - 1_000,
    });
    expect(await store.takeSlot(k, { now: t0 + 2_000, windowMs, max: 2 })).toEqual({
      added: false,
      count: 2,
      retryAfterMs: windowMs - 2_000,
    });
    // The first event leaves the window exactly windowMs after it happened.
    expect(await store.takeSlot(k, { now: t0 + windowMs, windowMs, max: 2 })).toEqual({
      added: true,
      count: 2,
      retryAfterMs: 1_000,
    });
    // Without max every event is recorded.
    const free = await store.takeSlot(k, { now: t0 + windowMs + 1, windowMs });
    expect(free).toEqual({ added: true, count: 3, retryAfterMs: 999 });
  });

  it('takeSlot records two events at the same millisecond as two', async () => {
    const a = await makeStore();
    const b = await makeStore();
    const k = key('same-ms');
    const now = 1_700_000_000_000;
    await a.takeSlot(k, { now, windowMs: 60_000 });
    expect((await b.takeSlot(k, { now, windowMs: 60_000 })).count).toBe(2);
  });

  it('takeSlot with max 0 records nothing', async () => {
    const store = await makeStore();
    const k = key('zero');
    expect(await store.takeSlot(k, { now: 1_700_000_000_000, windowMs: 60_000, max: 0 })).toEqual({
      added: false,
      count: 0,
      retryAfterMs: 0,
    });
  });

  it('takeSlot never lets concurrent takers from many connections exceed max', async () => {
    const stores = await Promise.all(Array.from({ length: 10 }, () => makeStore()));
    const k = key('slot-race');
    const max = 25;
    const results = await Promise.all(
      stores.flatMap((s) =>
        Array.from({ length: 10 }, () => s.takeSlot(k, { now: Date.now(), windowMs: 60_000, max })),
      ),
    );
    expect(results.filter((r) => r.added)).toHaveLength(max);
    expect(Math.max(...results.map((r) => r.count))).toBe(max);
    for (const r of results.filter((x) => !x.added)) expect(r.retryAfterMs).toBeGreaterThan(0);
  });
}
