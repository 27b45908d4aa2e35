import { describe, expect, it } from 'vitest';
import { BasiqConfigError, createBasiqClient, MemoryStore } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { useEngineHarness } from './support/engine.js';

const { h, clock } = useEngineHarness({ tokenLifetimeSec: 3600, manualClock: true });

const wrongKey = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');

/** Steady traffic on every path that needs a token: `seconds` of it, one round every 100 ms. */
async function traffic(client: BasiqClient, seconds: number): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (let t = 0; t < seconds * 10; t++) {
    const results = await Promise.allSettled([
      client.getServerToken(),
      client.getClientToken(`user-${t % 7}`),
      client.handleClientTokenRequest(`user-${t % 5}`).then((r) => {
        if (r.status !== 200) throw Object.assign(new Error('route'), { answer: r });
      }),
    ]);
    for (const r of results) if (r.status === 'rejected') failures.push(r.reason);
    clock.advance(100);
  }
  return failures;
}

describe('a rejected key does not storm Basiq', () => {
  it('one instance with a wrong key under steady traffic makes at most 2 /token calls in 10 s', async () => {
    const client = h.client({ clock, apiKey: wrongKey });
    const failures = await traffic(client, 10);
    expect(h.emulator.counters.tokenCalls).toBeLessThanOrEqual(2);
    expect(h.emulator.counters.tokenCalls).toBeGreaterThanOrEqual(1);
    // Every caller got the same answer at once: the configuration error, the route its 502 JSON.
    expect(failures).toHaveLength(300);
    for (const f of failures) {
      const answer = (f as { answer?: { status: number; body: unknown } }).answer;
      if (answer) {
        expect(answer.status).toBe(502);
        expect(answer.body).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
      } else {
        expect(f).toBeInstanceOf(BasiqConfigError);
        expect(f).toMatchObject({ code: 'basiq_configuration', option: 'apiKey', upstreamStatus: 404 });
      }
    }
    // Said once per window, not once per request.
    const windows = h.eventsOf('token:backoff');
    expect(windows.length).toBe(h.emulator.counters.tokenCalls);
    expect(h.lines.filter((l) => l.includes('not calling POST /token'))).toHaveLength(windows.length);
    h.scan([wrongKey]);
  });

  it('the window grows from backoffMs to maxBackoffMs, and the error says how long is left', async () => {
    const client = h.client({ clock, apiKey: wrongKey, refresh: { backoffMs: 5_000, maxBackoffMs: 40_000 } });
    const windows: number[] = [];
    for (let i = 0; i < 6; i++) {
      await h.failure(client.getServerToken());
      const during = await h.failure(client.getClientToken('user-a'));
      windows.push(during.retryAfterMs);
      clock.advance(during.retryAfterMs);
    }
    expect(windows).toEqual([5_000, 10_000, 20_000, 40_000, 40_000, 40_000]);
    expect(h.emulator.counters.tokenCalls).toBe(6);
    expect(h.eventsOf('token:backoff').map((e) => [e.windowMs, e.refusals, e.upstreamStatus])).toEqual([
      [5_000, 1, 404],
      [10_000, 2, 404],
      [20_000, 3, 404],
      [40_000, 4, 404],
      [40_000, 5, 404],
      [40_000, 6, 404],
    ]);
    h.scan([wrongKey]);
  });

  it('honours Retry-After on a 429 (up to maxBackoffMs), and starts a 403 at cooldownMs', async () => {
    const client = h.client({ clock, retry: { retries: 0 }, refresh: { cooldownMs: 20_000 } });
    h.emulator.injectFault({ path: '/token', status: 429, headers: { 'retry-after': '120' } });
    await h.failure(client.getServerToken());
    expect((await h.failure(client.getServerToken())).retryAfterMs).toBe(120_000);
    clock.advance(120_000);
    h.emulator.injectFault({ path: '/token', status: 403 });
    await h.failure(client.getServerToken());
    // The second refusal in a row: the 403's cool-down, doubled.
    const during = await h.failure(client.getServerToken());
    expect(during).toMatchObject({ code: 'basiq_access_denied', retryAfterMs: 40_000 });
    expect(client.toJSON().serverToken.cooldownMs).toBe(40_000);
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });

  it('keeps serving a still-valid token through the window, then tries again', async () => {
    const client = h.client({ clock, retry: { retries: 0 } });
    const token = await client.getServerToken();
    clock.advance(3_600_000 - 20_000); // hard window: callers wait for the refresh
    h.emulator.injectFault({ path: '/token', status: 429, times: Infinity });
    for (let i = 0; i < 40; i++) {
      expect(await client.getServerToken()).toBe(token);
      clock.advance(100);
    }
    expect(h.emulator.counters.tokenCalls).toBe(2);
    h.emulator.clearFaults();
    clock.advance(1_000); // past the first 5 s window
    const fresh = await client.getServerToken();
    expect(fresh).not.toBe(token);
    expect(h.emulator.counters.tokenCalls).toBe(3);
  });

  it('a success ends the run of refusals: the next refusal starts again at backoffMs', async () => {
    const client = h.client({ clock, retry: { retries: 0 } });
    h.emulator.injectFault({ path: '/token', status: 429, times: 2 });
    await h.failure(client.getServerToken());
    clock.advance(5_000);
    await h.failure(client.getServerToken());
    expect((await h.failure(client.getServerToken())).retryAfterMs).toBe(10_000);
    clock.advance(10_000);
    await client.getClientToken('user-a');
    h.emulator.injectFault({ path: '/token', status: 429 });
    await h.failure(client.getClientToken('user-b'));
    expect((await h.failure(client.getClientToken('user-c'))).retryAfterMs).toBe(5_000);
  });

  it('a 400 about one userId is that user’s problem, not a window for everyone', async () => {
    const client = h.client({ clock });
    h.emulator.injectFault({
      path: '/token',
      status: 400,
      body: {
        type: 'list',
        data: [{ code: 'parameter-not-valid', detail: 'userId is invalid', source: { parameter: 'userId' } }],
      },
    });
    expect((await h.failure(client.getClientToken('user-a'))).code).toBe('basiq_configuration');
    expect(typeof (await client.getClientToken('user-b')).accessToken).toBe('string');
    expect(h.eventsOf('token:backoff')).toEqual([]);
  });
});

describe('a key not yet known to work', () => {
  it('goes first alone: five users asked at once with a wrong key cost one /token call', async () => {
    const client = h.client({ clock, apiKey: wrongKey });
    const asks = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5'].map((u) => client.getClientToken(u));
    const results = await Promise.allSettled([client.getServerToken(), ...asks]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    for (const r of results)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'basiq_configuration' });
    expect(h.emulator.counters.tokenCalls).toBe(1);
    h.scan([wrongKey]);
  });

  it('with a good key, the others go as soon as the first call succeeds, side by side after it', async () => {
    const client = h.client({ clock });
    const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const tokens = await Promise.all([
      client.getServerToken(),
      ...users.map((u) => client.getClientToken(u)),
    ]);
    expect(tokens).toHaveLength(21);
    expect(h.emulator.counters.tokenCalls).toBe(21);
  });
});

describe('with a shared store, the window is the fleet’s', () => {
  it('instances make at most one /token call per window together, and one probes after it', async () => {
    const store = new MemoryStore({ now: clock.now });
    const fleet = Array.from({ length: 4 }, () => h.client({ clock, store, apiKey: wrongKey }));
    await h.failure(fleet[0]!.getServerToken());
    expect(h.emulator.counters.tokenCalls).toBe(1);
    for (const c of fleet) {
      const error = await h.failure(c.getClientToken('user-a'));
      expect(error).toMatchObject({ code: 'basiq_configuration', retryAfterMs: 5_000 });
    }
    expect(h.emulator.counters.tokenCalls).toBe(1);
    clock.advance(5_000);
    // All at once when the window ends: one of them asks Basiq, the others are told to come back.
    await Promise.allSettled(
      fleet.flatMap((c, i) => [
        c.getServerToken(),
        c.getClientToken(`user-${i}`),
        c.getClientToken('user-x'),
      ]),
    );
    expect(h.emulator.counters.tokenCalls).toBe(2);
    // The second window is the fleet's second refusal: twice as long.
    expect((await h.failure(fleet[3]!.getServerToken())).retryAfterMs).toBe(10_000);
    expect(h.emulator.counters.tokenCalls).toBe(2);
    h.scan([wrongKey]);
  });

  it('a key corrected by a restart works at once, on the same store', async () => {
    const store = new MemoryStore({ now: clock.now });
    const wrong = h.client({ clock, store, apiKey: wrongKey });
    await h.failure(wrong.getServerToken());
    await wrong.close();
    const fixed = h.client({ clock, store });
    expect(typeof (await fixed.getServerToken())).toBe('string');
    expect(typeof (await fixed.getClientToken('user-a')).accessToken).toBe('string');
    expect(h.emulator.counters.tokenCalls).toBe(3);
    h.scan([wrongKey]);
  });

  it('stores the window sealed: no key, no message in clear', async () => {
    const store = new MemoryStore({ now: clock.now });
    const written: string[] = [];
    const set = store.set.bind(store);
    store.set = (key, value, ttl) => {
      written.push(`${key}=${value}`);
      return set(key, value, ttl);
    };
    await h.failure(h.client({ clock, store, apiKey: wrongKey }).getServerToken());
    expect(written.some((w) => w.includes(':refusal='))).toBe(true);
    for (const w of written) {
      expect(w).not.toContain(wrongKey);
      expect(w).not.toContain('Unable to authenticate');
      expect(w).not.toContain('basiq_configuration');
    }
  });
});

describe('the window options', () => {
  it.each([
    ['a zero backoffMs', { backoffMs: 0 }, 'refresh.backoffMs'],
    ['a negative maxBackoffMs', { maxBackoffMs: -1 }, 'refresh.maxBackoffMs'],
    ['a maxBackoffMs below backoffMs', { backoffMs: 10_000, maxBackoffMs: 5_000 }, 'refresh.maxBackoffMs'],
  ])('rejects %s at construction', (_name, refresh, option) => {
    expect(() => createBasiqClient({ apiKey: 'a2V5', refresh })).toThrow(BasiqConfigError);
    try {
      createBasiqClient({ apiKey: 'a2V5', refresh });
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_options', option });
    }
  });
});
