import { describe, expect, it } from 'vitest';
import { BasiqRateLimitError, MemoryStore } from '@basiq-token/core';
import { useEngineHarness } from './support/engine.js';

const { h, clock } = useEngineHarness({ tokenLifetimeSec: 3600, manualClock: true });

describe('token budget', () => {
  it('refuses client tokens past limit - serverReserve, fast and without calling Basiq', async () => {
    const client = h.client({ clock, budget: { limit: 5, serverReserve: 2, windowMs: 60_000 } });
    for (const user of ['user-1', 'user-2', 'user-3']) await client.getClientToken(user);
    expect(h.emulator.counters.tokenCalls).toBe(3);

    const error = await h.failure(client.getClientToken('user-4'));
    expect(error).toBeInstanceOf(BasiqRateLimitError);
    expect(error.code).toBe('token_budget_exhausted');
    expect(error.retryAfterMs).toBe(60_000);
    expect(h.emulator.counters.tokenCalls).toBe(3);
    expect(h.eventsOf('budget:exhausted')).toEqual([{ retryAfterMs: 60_000 }]);
    // Not a Basiq failure: no token:error.
    expect(h.eventsOf('token:error')).toEqual([]);

    // Cached client tokens are still served: the budget only gates /token calls.
    expect(typeof (await client.getClientToken('user-1')).accessToken).toBe('string');
  });

  it('always lets server-token refreshes through, even past the limit', async () => {
    const client = h.client({ clock, budget: { limit: 3, serverReserve: 1, windowMs: 300_000 } });
    await client.getClientToken('user-1');
    await client.getClientToken('user-2');
    expect((await h.failure(client.getClientToken('user-3'))).code).toBe('token_budget_exhausted');

    for (let i = 0; i < 4; i++) {
      const token = await client.getServerToken();
      await client.invalidateServerToken(token);
      clock.advance(30_000); // one forced refresh per 30 s
    }
    expect(h.emulator.counters.serverTokens).toBe(4);
    expect(h.emulator.counters.tokenCalls).toBe(6);
    expect(h.lines.some((l) => l.startsWith('warn') && l.includes('over the budget'))).toBe(true);
  });

  it('counts every attempt, retries included', async () => {
    const client = h.client({ clock, budget: { limit: 4, serverReserve: 1 }, retry: { retries: 1 } });
    h.emulator.injectFault({ path: '/token', status: 503 });
    await client.getServerToken(); // two attempts, two slots
    await client.getClientToken('user-1'); // third slot: the last one for clients
    expect((await h.failure(client.getClientToken('user-2'))).code).toBe('token_budget_exhausted');
    expect(h.emulator.counters.tokenCalls).toBe(3);
  });

  it('frees slots as the window slides', async () => {
    const client = h.client({ clock, budget: { limit: 2, serverReserve: 1, windowMs: 10_000 } });
    await client.getClientToken('user-1');
    clock.advance(4_000);
    const error = await h.failure(client.getClientToken('user-2'));
    expect(error.retryAfterMs).toBe(6_000);
    clock.advance(6_000);
    expect(typeof (await client.getClientToken('user-2')).accessToken).toBe('string');
  });

  it('is shared by instances through the store', async () => {
    const store = new MemoryStore({ now: clock.now });
    const a = h.client({ clock, store, budget: { limit: 3, serverReserve: 1 } });
    const b = h.client({ clock, store, budget: { limit: 3, serverReserve: 1 } });
    await a.getClientToken('user-1');
    await b.getClientToken('user-2');
    expect((await h.failure(a.getClientToken('user-3'))).code).toBe('token_budget_exhausted');
    expect((await h.failure(b.getClientToken('user-4'))).code).toBe('token_budget_exhausted');
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });

  it('makes the route answer 429 with Retry-After', async () => {
    const client = h.client({ clock, budget: { limit: 2, serverReserve: 1, windowMs: 30_000 } });
    expect((await client.handleClientTokenRequest('user-1')).status).toBe(200);
    const refused = await client.handleClientTokenRequest('user-2');
    expect(refused.status).toBe(429);
    expect(refused.headers['Retry-After']).toBe('30');
    expect(refused.body).toEqual({ error: { code: 'token_budget_exhausted', message: expect.any(String) } });
  });
});
