import { describe, expect, it } from 'vitest';
import { BasiqInputError, MemoryStore } from '@basiq-token/core';
import { Sealer } from '../src/sealing.js';
import { EngineHarness, RecordingStore, useEngineHarness } from './support/engine.js';

const { h, clock } = useEngineHarness({ tokenLifetimeSec: 3600, manualClock: true });

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    scope: string;
    userId: string;
  };

describe('client tokens', () => {
  it.each([
    ['a number', 42],
    ['undefined', undefined],
    ['null', null],
    ['an object', { id: 'abc' }],
    ['an empty string', ''],
    ['65 characters', 'a'.repeat(65)],
    ['a slash', 'abc/def'],
    ['a space', 'abc def'],
    ['an underscore', 'abc_def'],
    ['a newline', 'abc\n'],
    ['a path traversal', '../token'],
    ['a unicode letter', 'usér'],
  ])('rejects a userId that is %s before any upstream call', async (_name, userId) => {
    const client = h.client({ clock });
    const error = await h.failure(client.getClientToken(userId as string));
    expect(error).toBeInstanceOf(BasiqInputError);
    expect(error.code).toBe('invalid_user_id');
    expect(h.emulator.counters.tokenCalls).toBe(0);
  });

  it('issues a CLIENT_ACCESS token bound to the user, with expiresIn the remaining whole seconds', async () => {
    const client = h.client({ clock });
    const token = await client.getClientToken('ea3a81-user-1');
    expect(token).toMatchObject({ tokenType: 'Bearer', userId: 'ea3a81-user-1', expiresIn: 3600 });
    expect(token.expiresAt).toBe(clock.now() + 3_600_000);
    expect(claims(token.accessToken)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: 'ea3a81-user-1' });

    clock.advance(10_500);
    const again = await client.getClientToken('ea3a81-user-1');
    expect(again.accessToken).toBe(token.accessToken);
    expect(again.expiresIn).toBe(3589);
    expect(h.emulator.counters.tokenCalls).toBe(1);
    expect(h.emulator.counters.clientTokens).toBe(1);
  });

  it('reuses a token only while minRemainingMs is left', async () => {
    const client = h.client({ clock, clientTokens: { minRemainingMs: 600_000 } });
    const first = await client.getClientToken('user-a');
    clock.advance(3_000_000); // 600 s left: still enough
    expect((await client.getClientToken('user-a')).accessToken).toBe(first.accessToken);
    clock.advance(1_000); // 599 s left
    const second = await client.getClientToken('user-a');
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.expiresIn).toBe(3600);
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });

  it('shrinks minRemainingMs for short lifetimes so short tokens are still reused', async () => {
    h.emulator.setTokenLifetime(10);
    const client = h.client({ clock });
    const first = await client.getClientToken('user-a');
    clock.advance(4_000);
    expect((await client.getClientToken('user-a')).accessToken).toBe(first.accessToken);
    clock.advance(2_000); // 4 s left, under half the lifetime
    expect((await client.getClientToken('user-a')).accessToken).not.toBe(first.accessToken);
  });

  it('keeps one token per user and at most maxEntries users (LRU)', async () => {
    const client = h.client({ clock, clientTokens: { maxEntries: 2 } });
    const a = await client.getClientToken('user-a');
    await client.getClientToken('user-b');
    expect((await client.getClientToken('user-a')).accessToken).toBe(a.accessToken); // a is now most recent
    await client.getClientToken('user-c'); // evicts b
    expect(client.toJSON().clientTokensCached).toBe(2);
    expect(h.emulator.counters.tokenCalls).toBe(3);
    expect((await client.getClientToken('user-a')).accessToken).toBe(a.accessToken);
    await client.getClientToken('user-b');
    expect(h.emulator.counters.tokenCalls).toBe(4);
  });

  it('makes one /token call per user however many ask at once', async () => {
    const client = h.client({ clock });
    const users = ['user-a', 'user-b', 'user-c'];
    const tokens = await Promise.all(
      Array.from({ length: 300 }, (_, i) => client.getClientToken(users[i % 3]!)),
    );
    expect(h.emulator.counters.tokenCalls).toBe(3);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(3);
    for (const t of tokens) expect(claims(t.accessToken).userId).toBe(t.userId);
  });

  it('shares client tokens through the store, sealed', async () => {
    const store = new RecordingStore(clock.now);
    const a = h.client({ clock, store });
    const b = h.client({ clock, store });
    const fromA = await a.getClientToken('user-a');
    clock.advance(60_000);
    const fromB = await b.getClientToken('user-a');
    expect(fromB.accessToken).toBe(fromA.accessToken);
    expect(fromB.expiresIn).toBe(3540);
    expect(h.emulator.counters.tokenCalls).toBe(1);
    const written = store.written.map((w) => `${w.key}=${w.value}`).join('\n');
    expect(written).not.toContain(fromA.accessToken);
    expect(written).not.toContain(fromA.accessToken.split('.')[1]);
    expect(written).not.toContain(h.emulator.apiKey);
  });

  it('ignores a store value sealed under another API key', async () => {
    const store = new MemoryStore({ now: clock.now });
    const mine = h.client({ clock, store });
    await mine.getClientToken('user-a');
    // Copy every value to where another key's client would look: it must not open there.
    const other = await EngineHarness.start({ now: clock.now });
    try {
      const theirs = other.client({ clock, store });
      const token = await theirs.getClientToken('user-a');
      expect(other.emulator.counters.tokenCalls).toBe(1);
      expect(other.emulator.issuedTokens()).toContain(token.accessToken);
    } finally {
      other.scan();
      await other.stop();
    }
  });

  it('does not cache a failure', async () => {
    const client = h.client({ clock, retry: { retries: 0 } });
    h.emulator.injectFault({ path: '/token', status: 500 });
    const error = await h.failure(client.getClientToken('user-a'));
    expect(error.code).toBe('basiq_unavailable');
    expect(h.eventsOf('token:error')).toEqual([expect.objectContaining({ scope: 'CLIENT_ACCESS' })]);
    expect(typeof (await client.getClientToken('user-a')).accessToken).toBe('string');
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });
});

describe('the client-token route through the client', () => {
  it('answers 200 with the remaining lifetime, 401 without a user, 400 for a bad id', async () => {
    const client = h.client({ clock });
    const ok = await client.handleClientTokenRequest('user-a');
    expect(ok.status).toBe(200);
    expect(ok.headers['Cache-Control']).toBe('no-store');
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect((await client.handleClientTokenRequest(undefined)).status).toBe(401);
    expect((await client.handleClientTokenRequest('no/slashes')).status).toBe(400);
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });
});

describe('client tokens across instances sharing a store', () => {
  it('one /token call per user however many instances ask at once', async () => {
    const store = new MemoryStore({ now: clock.now });
    const fleet = Array.from({ length: 8 }, () => h.client({ clock, store }));
    const one = await Promise.all(fleet.map((c) => c.getClientToken('user-a')));
    expect(h.emulator.counters.tokenCalls).toBe(1);
    expect(new Set(one.map((t) => t.accessToken)).size).toBe(1);

    const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const many = await Promise.all(fleet.flatMap((c) => users.map((u) => c.getClientToken(u))));
    expect(h.emulator.counters.tokenCalls).toBe(21);
    for (const u of users) {
      expect(new Set(many.filter((t) => t.userId === u).map((t) => t.accessToken)).size).toBe(1);
    }
  });

  it('different users never wait on each other', async () => {
    const store = new MemoryStore({ now: clock.now });
    const [a, b] = [h.client({ clock, store }), h.client({ clock, store })];
    // Once the key is known to work (a cold key's very first call goes alone: see engine-refusal-window).
    await a.getClientToken('user-first');
    h.emulator.injectFault({ path: '/token', delayMs: 1_500 });
    const order: string[] = [];
    const slow = a.getClientToken('user-slow').then(() => order.push('slow'));
    await new Promise((r) => setTimeout(r, 50)); // the slow one holds its user's lock
    const fast = b.getClientToken('user-fast').then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('takes over a lock whose holder vanished, once the lock expires', async () => {
    // The store's own clock runs: the dead holder's lock must expire in real time.
    const store = new RecordingStore();
    const client = h.client({ clock, store, tokenTimeoutMs: 300, retry: { maxDelayMs: 5 } });
    const sealer = new Sealer(h.emulator.apiKey);
    const ghost = await store.acquireLock(
      await sealer.key(`lock:client:${await sealer.pseudonym('user-a')}`),
      400,
    );
    expect(ghost).toBeDefined();
    const token = await client.getClientToken('user-a');
    expect(typeof token.accessToken).toBe('string');
    expect(h.emulator.counters.tokenCalls).toBe(1);
    // It waited for the lock rather than fetching beside its holder.
    expect(store.calls.filter((c) => c === 'acquireLock').length).toBeGreaterThan(2);
  });

  it('names a user’s lock by its pseudonym, never by the userId', async () => {
    const store = new RecordingStore(clock.now);
    const locks: string[] = [];
    const acquire = store.acquireLock.bind(store);
    store.acquireLock = (key, ttl) => {
      locks.push(key);
      return acquire(key, ttl);
    };
    const userId = 'a1b2c3d4-0000-4000-8000-00000000beef';
    await h.client({ clock, store }).getClientToken(userId);
    expect(locks.some((k) => k.includes(':lock:client:'))).toBe(true);
    for (const k of locks) expect(k).not.toContain(userId);
  });
});
