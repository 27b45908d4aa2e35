import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { BasiqApi } from '@basiq-token/core';
import { SEED_ACCOUNT_IDS, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { closeBasiqClients, getBasiqClient } from '@basiq-token/next';

let emulator: BasiqEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterEach(async () => {
  await closeBasiqClients();
});

afterAll(async () => {
  await emulator?.stop();
});

describe('@basiq-token/next: getBasiqClient().api', () => {
  it('is typed as BasiqApi', () => {
    expectTypeOf(getBasiqClient).returns.toHaveProperty('api').toEqualTypeOf<BasiqApi>();
  });

  it("is the process's one typed client, calling Basiq with the server token", async () => {
    const options = { apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false as const };
    const api = getBasiqClient(options).api;
    expect(getBasiqClient(options).api).toBe(api);
    const { data, response } = await api.GET('/users/{userId}/accounts', {
      params: { path: { userId: SEED_USER_ID } },
    });
    expect(response.status).toBe(200);
    expect(data?.data.map((a) => a.id)).toEqual([...SEED_ACCOUNT_IDS]);
    const missing = await api.GET('/users/{userId}/accounts', {
      params: { path: { userId: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.data).toBeUndefined();
    expect(emulator.counters.serverTokens).toBe(1);
  });
});
