import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BasiqApiError } from '@basiq-token/core';
import { basiqAxios } from '@basiq-token/core/axios';
import { SEED_USER_ID } from '@basiq-token/emulator';
import { useEngineHarness } from './support/engine.js';

// Basiq's own answer to a token it does not accept.
const invalidToken = JSON.parse(
  readFileSync(
    new URL('../../../test/basiq-reference/fixtures/getInstitutionsUnauthorized.json', import.meta.url),
    'utf8',
  ),
) as unknown;

const { h, clock } = useEngineHarness({ tokenLifetimeSec: 3600, manualClock: true });

// Issue 11.2: every refused data call used to invalidate the token and fetch a new one, and
// server-token refreshes pass the budget, so a Basiq that refuses every token drew a /token
// flood (100 requests → 101 calls).
describe('repeated token refusals', () => {
  const refuseEveryToken = () =>
    h.emulator.injectFault({ path: '/users', status: 401, body: invalidToken, times: Infinity });

  it.each(['http', 'fetch'] as const)(
    '100 %s requests that all meet 401 cost at most a handful of /token calls, and each answers Basiq’s error',
    async (via) => {
      const client = h.client({ clock, budget: { limit: 20, serverReserve: 5 } });
      refuseEveryToken();
      for (let i = 0; i < 100; i++) {
        clock.advance(100);
        if (via === 'http') {
          const error = await h.failure(basiqAxios(client).get(`/users/${SEED_USER_ID}`));
          expect(error).toBeInstanceOf(BasiqApiError);
          expect(error).toMatchObject({ status: 401, basiqCode: 'invalid-authorization-token' });
        } else {
          const res = await client.fetch(`/users/${SEED_USER_ID}`);
          expect(res.status).toBe(401);
          await res.body?.cancel();
        }
      }
      // The first token, and one forced refresh when it was refused: the fresh one being
      // refused too within the window is Basiq's answer, not a reason to ask again.
      expect(h.emulator.counters.tokenCalls).toBeLessThanOrEqual(3);
      // Said once to the operator, not once per request.
      const warned = h.lines.filter(
        (l) => l.startsWith('warn') && l.includes('refused a fresh server token'),
      );
      expect(warned).toHaveLength(1);
    },
  );

  it('allows one forced refresh per window: a refusal after the window refreshes again', async () => {
    const client = h.client({ clock });
    await client.getServerToken();
    refuseEveryToken();
    await h.failure(basiqAxios(client).get(`/users/${SEED_USER_ID}`));
    expect(h.emulator.counters.tokenCalls).toBe(2);
    for (let i = 0; i < 10; i++) {
      clock.advance(2_000);
      await h.failure(basiqAxios(client).get(`/users/${SEED_USER_ID}`));
    }
    expect(h.emulator.counters.tokenCalls).toBe(2);
    clock.advance(10_000); // 30 s after the forced refresh
    await h.failure(basiqAxios(client).get(`/users/${SEED_USER_ID}`));
    expect(h.emulator.counters.tokenCalls).toBe(3);
  });

  it('a token refused once, long after it was issued, is still replaced at once', async () => {
    const client = h.client({ clock });
    const first = await client.getServerToken();
    clock.advance(60_000);
    h.emulator.injectFault({ path: '/users', status: 401, body: invalidToken, times: 1 });
    const res = await basiqAxios(client).get(`/users/${SEED_USER_ID}`);
    expect(res.status).toBe(200);
    expect(await client.getServerToken()).not.toBe(first);
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });
});
