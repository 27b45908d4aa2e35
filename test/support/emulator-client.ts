/**
 * What the adapters' `api` tests share: an emulator and a client on it for the calling file, and
 * the checks of an app that relays Basiq's accounts through its request's `api`.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { SEED_ACCOUNT_IDS, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';

/** An emulator for the calling file's (or `describe`'s) tests; read it inside them. */
export interface UsedEmulator {
  readonly emulator: BasiqEmulator;
}

/** Starts an emulator before the calling file's (or `describe`'s) tests; stops it after them. */
export function useEmulator(): UsedEmulator {
  const world = {} as { emulator: BasiqEmulator };
  beforeAll(async () => {
    world.emulator = await startEmulator();
  });
  afterAll(async () => {
    await world.emulator?.stop();
  });
  return world;
}

/** A client on `emulator` that logs nothing, with `more` options. */
export function emulatorClient(emulator: BasiqEmulator, more: Partial<BasiqOptions> = {}): BasiqClient {
  return createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false, ...more });
}

/** The emulator and a client on it; read inside tests (set before the file's first test runs). */
export interface EmulatorClient extends UsedEmulator {
  readonly client: BasiqClient;
}

/** Starts an emulator and a client on it before the calling file's tests; closes both after them. */
export function useEmulatorClient(): EmulatorClient {
  const used = useEmulator();
  const world = {
    get emulator() {
      return used.emulator;
    },
  } as { emulator: BasiqEmulator; client: BasiqClient };
  beforeAll(() => {
    world.client = emulatorClient(used.emulator);
  });
  afterAll(async () => {
    await world.client?.close();
  });
  return world;
}

/** One answer of the app under test. */
export interface RelayAnswer {
  status: number;
  body: unknown;
}

/**
 * Checks an app that answers `GET /users/:userId/accounts` by calling Basiq's
 * `GET /users/{userId}/accounts` through its request's `api` and relaying the status and JSON:
 * the seed user's accounts, Basiq's 404 for an unknown user, and on both requests `api` was the
 * client's own (`seen`: what each request's `api` was).
 */
export async function expectAccountsRelay(
  get: (path: string) => Promise<RelayAnswer>,
  seen: readonly unknown[],
  client: BasiqClient,
): Promise<void> {
  const ok = await get(`/users/${SEED_USER_ID}/accounts`);
  expect(ok.status).toBe(200);
  expect((ok.body as { data: { id: string }[] }).data.map((a) => a.id)).toEqual([...SEED_ACCOUNT_IDS]);
  const missing = await get('/users/00000000-0000-4000-8000-000000000000/accounts');
  expect(missing.status).toBe(404);
  expect((missing.body as { data: { code: string }[] }).data[0]?.code).toBe('resource-not-found');
  expect(seen).toHaveLength(2);
  expect(seen[0]).toBe(client.api);
  expect(seen[1]).toBe(client.api);
}
