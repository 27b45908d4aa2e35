import { describe, expect, it, vi } from 'vitest';
import { BasiqConfigError, createBasiqClient, MemoryStore } from '@basiq-token/core';
import { SEED_USER_ID } from '@basiq-token/emulator';
import { Sealer } from '../src/sealing.js';
import { RecordingStore, useEngineHarness } from './support/engine.js';
import { KeyRecorder, rotations, scanClient, scanStore } from './support/key-rotation.js';

const { h, clock } = useEngineHarness({ tokenLifetimeSec: 3600, manualClock: true });

const HOUR = 3_600_000;

/** The emulator's application gets its next key (both are accepted until the old one is revoked). */
function nextKey(): string {
  return h.emulator.addApiKey({ applicationId: h.emulator.applicationId }).apiKey;
}

describe('apiKey as a function', () => {
  it('is accepted at construction; anything but a string or a function is a clear BasiqConfigError', () => {
    expect(() => createBasiqClient({ apiKey: () => 'k', logger: false })).not.toThrow();
    expect(() => createBasiqClient({ apiKey: async () => 'k', logger: false })).not.toThrow();
    for (const bad of [42, {}, ['k'], true]) {
      const error = (() => {
        try {
          createBasiqClient({ apiKey: bad as never, logger: false });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(BasiqConfigError);
      expect(error).toMatchObject({ code: 'invalid_options', option: 'apiKey' });
      expect((error as Error).message).toMatch(/a function/);
    }
  });

  it('is called once for many concurrent requests, and not again while the key works', async () => {
    let calls = 0;
    const provider = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return h.emulator.apiKey;
    };
    const client = h.client({ clock, apiKey: provider, store: new RecordingStore(clock.now) });
    const users = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    await Promise.all([
      ...Array.from({ length: 30 }, () => client.getServerToken()),
      ...users.map((u) => client.getClientToken(u)),
    ]);
    expect(calls).toBe(1);
    clock.advance(HOUR); // the server token expires: a refresh, same key
    await client.getServerToken();
    await client.getClientToken('user-late');
    expect(calls).toBe(1);
  });

  it('is read at warmUp()', async () => {
    const provider = vi.fn(() => h.emulator.apiKey);
    const client = h.client({ clock, apiKey: provider });
    expect(provider).not.toHaveBeenCalled();
    await client.warmUp();
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('that throws or answers an unusable value fails with a BasiqConfigError that never holds the value', async () => {
    const secret = 'vault-said-this-is-the-key-0123456789';
    const answers: (() => unknown)[] = [
      () => {
        throw new Error(`permission denied reading ${secret}`);
      },
      () => Promise.reject(new Error(secret)),
      () => `Basic ${secret}`,
      () => `${secret}\n`,
      () => '',
      () => 42,
      () => undefined,
    ];
    let answer = answers[0]!;
    const client = h.client({ clock, apiKey: () => answer() as string });
    for (const a of answers) {
      answer = a;
      const error = await h.failure(client.getServerToken());
      expect(error).toBeInstanceOf(BasiqConfigError);
      expect(error).toMatchObject({ code: 'basiq_configuration', option: 'apiKey' });
      expect(error.message).toMatch(/`apiKey` function/);
      for (const text of [error.message, JSON.stringify(error), String(error)]) {
        expect(text).not.toContain(secret);
      }
      expect(error.cause).toBeUndefined();
    }
    // Nothing was sent to Basiq and no back-off window opened: fixing the source is enough.
    expect(h.emulator.counters.tokenCalls).toBe(0);
    expect(h.eventsOf('token:backoff')).toHaveLength(0);
    answer = () => h.emulator.apiKey;
    await expect(client.getServerToken()).resolves.toEqual(expect.any(String));
    h.scan([secret]);
    expect(h.lines.join('\n')).not.toContain(secret);
  });
});

describe('rotateApiKey()', () => {
  it('rotateApiKey(next) drops the old tokens: the next data request carries a token of the new key', async () => {
    const recorder = new KeyRecorder();
    const store = new RecordingStore(clock.now);
    const oldKey = h.emulator.apiKey;
    const client = h.client({ clock, fetch: recorder.fetch, store });
    const seen = rotations(client);
    const oldServer = await client.getServerToken();
    const oldClient = await client.getClientToken('user-a');
    expect(recorder.keyOf.get(oldServer)).toBe(oldKey);

    const newKey = nextKey();
    await expect(client.rotateApiKey(newKey)).resolves.toBe(true);
    expect(seen).toEqual([{ reason: 'rotateApiKey', generation: 1 }]);
    expect(client.toJSON().serverToken.phase).toBe('none');
    expect(client.toJSON().clientTokensCached).toBe(0);

    const res = await client.fetch(`/users/${SEED_USER_ID}`);
    expect(res.status).toBe(200);
    const bearer = recorder.bearers.at(-1)!;
    expect(bearer).not.toBe(oldServer);
    expect(recorder.keyOf.get(bearer)).toBe(newKey);
    const fresh = await client.getClientToken('user-a');
    expect(fresh.accessToken).not.toBe(oldClient.accessToken);
    expect(recorder.keyOf.get(fresh.accessToken)).toBe(newKey);

    // In the store: the old key's server token and user-a's client token are gone, and its
    // namespace is marked retired (sealed with the old key).
    const old = new Sealer(oldKey);
    expect(await store.inner.get(await old.key('server'))).toBeUndefined();
    expect(await store.inner.get(await old.key(`client:${await old.pseudonym('user-a')}`))).toBeUndefined();
    const marker = await store.inner.get(await old.key('retired'));
    expect(await old.unseal(await old.key('retired'), marker!)).toMatchObject({ retired: true });
    // The new key's records are in its own namespace.
    const next = new Sealer(newKey);
    expect(await store.inner.get(await next.key('server'))).toEqual(expect.any(String));

    h.scan([newKey]);
    scanStore(store, [oldKey, newKey]);
    scanClient(client, [oldKey, newKey]);
  });

  it('the same key changes nothing; a bad key or no function to read is a BasiqConfigError without the value', async () => {
    const client = h.client({ clock });
    const token = await client.getServerToken();
    await expect(client.rotateApiKey(h.emulator.apiKey)).resolves.toBe(false);
    expect(await client.getServerToken()).toBe(token);

    const secret = 'c2VjcmV0LWtleS1zaG91bGQtbm90LWxlYWs=';
    for (const bad of [`Basic ${secret}`, ` ${secret}`, '', 42]) {
      const error = await h.failure(client.rotateApiKey(bad as string));
      expect(error).toBeInstanceOf(BasiqConfigError);
      expect(error).toMatchObject({ code: 'invalid_options', option: 'apiKey' });
      expect(error.message).not.toContain(secret);
    }
    const none = await h.failure(client.rotateApiKey());
    expect(none).toMatchObject({ code: 'invalid_options', option: 'apiKey' });
    expect(await client.getServerToken()).toBe(token);
    await client.close();
    await expect(client.rotateApiKey('another-key-entirely')).rejects.toMatchObject({
      code: 'client_closed',
    });
    h.scan([secret]);
  });

  it('rotateApiKey() re-reads the function', async () => {
    const recorder = new KeyRecorder();
    let current = h.emulator.apiKey;
    const provider = vi.fn(() => current);
    const client = h.client({ clock, apiKey: provider, fetch: recorder.fetch });
    await client.getServerToken();
    await expect(client.rotateApiKey()).resolves.toBe(false);
    current = nextKey();
    await expect(client.rotateApiKey()).resolves.toBe(true);
    expect(provider).toHaveBeenCalledTimes(3);
    expect(recorder.keyOf.get(await client.getServerToken())).toBe(current);
    h.scan([current]);
  });

  it('a /token flight of the old key that answers after the rotation is not cached; no call after it gets an old token', async () => {
    const recorder = new KeyRecorder();
    const store = new RecordingStore(clock.now);
    const oldKey = h.emulator.apiKey;
    const client = h.client({ clock, fetch: recorder.fetch, store });
    recorder.hold();
    const during = client.getServerToken();
    const duringUser = client.getClientToken('user-r');
    await vi.waitFor(() => expect(recorder.sent.length).toBe(1));
    const newKey = nextKey();
    await client.rotateApiKey(newKey);
    recorder.release();
    // In flight during the rotation: a token of either key (here: the new one, the flight follows).
    const [s, c] = await Promise.all([during, duringUser]);
    expect([oldKey, newKey]).toContain(recorder.keyOf.get(s));
    expect([oldKey, newKey]).toContain(recorder.keyOf.get(c.accessToken));
    // After rotateApiKey resolved: only the new key's tokens, in memory and in the store.
    for (let i = 0; i < 5; i++) {
      expect(recorder.keyOf.get(await client.getServerToken())).toBe(newKey);
      expect(recorder.keyOf.get((await client.getClientToken('user-r')).accessToken)).toBe(newKey);
    }
    const next = new Sealer(newKey);
    for (const name of ['server', `client:${await next.pseudonym('user-r')}`]) {
      const key = await next.key(name);
      const record = (await next.unseal(key, (await store.inner.get(key))!)) as { t: string };
      expect(recorder.keyOf.get(record.t)).toBe(newKey);
    }
    // Nothing of the old key's answers was stored anywhere.
    const oldTokens = [...recorder.keyOf].filter(([, k]) => k === oldKey).map(([t]) => t);
    expect(oldTokens.length).toBeGreaterThan(0);
    const old = new Sealer(oldKey);
    for (const w of store.written) {
      const opened = (await old.unseal(w.key, w.value)) ?? (await next.unseal(w.key, w.value));
      expect(oldTokens).not.toContain((opened as { t?: string } | undefined)?.t);
    }
    h.scan([newKey]);
  });
});

describe('a key Basiq refuses at /token', () => {
  it('with a function that now answers a new key: recovers at once, no back-off window, no restart', async () => {
    const recorder = new KeyRecorder();
    const oldKey = h.emulator.apiKey;
    let current = oldKey;
    const provider = vi.fn(async () => current);
    const store = new RecordingStore(clock.now);
    const client = h.client({ clock, apiKey: provider, fetch: recorder.fetch, store });
    const seen = rotations(client);
    await client.getServerToken();
    await client.getClientToken('user-b');

    current = nextKey();
    h.emulator.revokeApiKey(oldKey);
    clock.advance(HOUR); // every token expires: the refresh meets the revoked key first
    const token = await client.getServerToken();
    expect(recorder.keyOf.get(token)).toBe(current);
    expect(recorder.sent.slice(-2)).toEqual([oldKey, current]);
    expect(provider).toHaveBeenCalledTimes(2);
    expect(seen).toEqual([{ reason: 'refused', generation: 1 }]);
    expect(h.eventsOf('token:backoff')).toHaveLength(0);
    expect(client.health().backoff.open).toBe(false);
    const user = await client.getClientToken('user-b');
    expect(recorder.keyOf.get(user.accessToken)).toBe(current);
    const res = await client.fetch(`/users/${SEED_USER_ID}`);
    expect(res.status).toBe(200);

    h.scan([current]);
    scanStore(store, [oldKey, current]);
    scanClient(client, [oldKey, current]);
  });

  it('a 403 (the application refused) with a function that answers a new key: tried at once, no cool-down', async () => {
    const recorder = new KeyRecorder();
    let current = h.emulator.apiKey;
    const client = h.client({ clock, apiKey: () => current, fetch: recorder.fetch });
    const seen = rotations(client);
    await client.getServerToken();
    current = nextKey();
    h.emulator.injectFault({ path: '/token', status: 403, times: 1 });
    clock.advance(HOUR);
    const token = await client.getServerToken();
    expect(recorder.keyOf.get(token)).toBe(current);
    expect(seen).toEqual([{ reason: 'refused', generation: 1 }]);
    expect(h.eventsOf('token:backoff')).toHaveLength(0);
    h.scan([current]);
  });

  it('with a function that answers the same refused key: the back-off window, as with a string', async () => {
    const provider = vi.fn(() => h.emulator.apiKey);
    const client = h.client({ clock, apiKey: provider });
    await client.getServerToken();
    h.emulator.revokeApiKey(h.emulator.apiKey);
    clock.advance(HOUR);
    const refused = await h.failure(client.getServerToken());
    expect(refused).toMatchObject({ code: 'basiq_configuration', option: 'apiKey', upstreamStatus: 404 });
    expect(provider).toHaveBeenCalledTimes(2); // the first read, and once after the refusal
    expect(h.eventsOf('token:backoff')).toHaveLength(1);
    const calls = h.emulator.counters.tokenCalls;
    const during = await h.failure(client.getClientToken('user-c'));
    expect(during).toMatchObject({ code: 'basiq_configuration', upstreamStatus: 404 });
    expect(h.emulator.counters.tokenCalls).toBe(calls);
    expect(provider).toHaveBeenCalledTimes(2);
  });

  it('with a function that fails when asked again: Basiq refusal stands, the window opens, nothing leaks', async () => {
    let fail = false;
    const secret = 'the-vault-error-quotes-a-secret-0123';
    const client = h.client({
      clock,
      apiKey: () => {
        if (fail) throw new Error(secret);
        return h.emulator.apiKey;
      },
    });
    await client.getServerToken();
    fail = true;
    h.emulator.revokeApiKey(h.emulator.apiKey);
    clock.advance(HOUR);
    const refused = await h.failure(client.getServerToken());
    expect(refused).toMatchObject({ code: 'basiq_configuration', upstreamStatus: 404 });
    expect(h.eventsOf('token:backoff')).toHaveLength(1);
    expect(h.lines.some((l) => l.includes('`apiKey` function could not give a key'))).toBe(true);
    h.scan([secret]);
  });

  it('a string key refused: the window as before (a string cannot follow by itself)', async () => {
    const client = h.client({ clock });
    await client.getServerToken();
    h.emulator.revokeApiKey(h.emulator.apiKey);
    clock.advance(HOUR);
    await h.failure(client.getServerToken());
    expect(h.eventsOf('token:backoff')).toHaveLength(1);
    // The app can still rotate it without a restart.
    const newKey = nextKey();
    await client.rotateApiKey(newKey);
    expect(client.health().backoff.open).toBe(false);
    await expect(client.getServerToken()).resolves.toEqual(expect.any(String));
    h.scan([newKey]);
  });
});

describe('secrets across a rotation', () => {
  it('no log line, event, error, client rendering or store record holds either key', async () => {
    const store = new RecordingStore(clock.now);
    const oldKey = h.emulator.apiKey;
    let current = oldKey;
    const client = h.client({ clock, apiKey: async () => current, store });
    await client.getServerToken();
    await client.getClientToken('user-s');
    await h.failure(client.getClientToken('x'.repeat(1000)));
    const newKey = nextKey();
    current = newKey;
    h.emulator.revokeApiKey(oldKey);
    clock.advance(HOUR);
    await client.getServerToken();
    await client.getClientToken('user-s');
    // A listener that throws with both keys in its message: the log line is redacted, as the
    // redactor knows every key the client used, the rotated-out one included.
    client.on('token:fetched', () => {
      throw new Error(`listener saw ${oldKey} and ${newKey}`);
    });
    await client.getClientToken('user-t');
    expect(h.lines.some((l) => l.includes('listener saw [redacted] and [redacted]'))).toBe(true);
    await client.rotateApiKey(newKey);
    expect(h.lines.length).toBeGreaterThan(0);
    h.scan([oldKey, newKey]);
    scanStore(store, [oldKey, newKey]);
    scanClient(client, [oldKey, newKey]);
  });
});

describe('instances sharing a store', () => {
  it('follow the retired marker at their next store read; one whose function still answers the old key keeps it and asks again only later', async () => {
    const store = new MemoryStore({ now: clock.now });
    const recorder = new KeyRecorder();
    const oldKey = h.emulator.apiKey;
    let secret = oldKey;
    const a = h.client({ clock, store, apiKey: () => secret, fetch: recorder.fetch });
    const b = h.client({ clock, store, apiKey: () => secret, fetch: recorder.fetch });
    const stale = vi.fn(() => oldKey); // a secret source not yet updated
    const c = h.client({ clock, store, apiKey: stale, fetch: recorder.fetch });
    const seenB = rotations(b);
    await Promise.all([a, b, c].flatMap((x) => [x.getServerToken(), x.getClientToken('user-1')]));
    expect(stale).toHaveBeenCalledTimes(1);

    secret = nextKey();
    await a.rotateApiKey();
    // B's server token is fresh in its memory: no store read, nothing to follow yet.
    expect(recorder.keyOf.get(await b.getServerToken())).toBe(oldKey);
    // A user B has not served: a store read, the marker, the key read again.
    const user = await b.getClientToken('user-2');
    expect(seenB).toEqual([{ reason: 'retired', generation: 1 }]);
    expect(recorder.keyOf.get(user.accessToken)).toBe(secret);
    expect(recorder.keyOf.get(await b.getServerToken())).toBe(secret);

    await c.getClientToken('user-3');
    await c.getClientToken('user-4');
    expect(stale).toHaveBeenCalledTimes(2); // once for the marker, not once per store read
    expect(h.lines.filter((l) => l.includes('still answers it'))).toHaveLength(1);
    h.scan([secret]);
  });
});
