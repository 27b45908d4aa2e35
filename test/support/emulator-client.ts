/**
 * What the adapters' `api` tests share: an emulator and a client on it for the calling file, and
 * the checks of an app that relays Basiq's accounts through its request's `api`.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
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

/** A key shaped like Basiq's that the emulator does not know: `/token` answers 404. */
export const WRONG_API_KEY = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');

/** An emulator for the calling file, and clients on it that are closed after each test. */
export interface EmulatorClients extends UsedEmulator {
  /** A new client on the emulator (with another `apiKey` when given), closed after the test. */
  client(apiKey?: string): BasiqClient;
}

/** Starts an emulator for the calling file; each test's clients are closed after it. */
export function useEmulatorClients(): EmulatorClients {
  const used = useEmulator();
  const open: BasiqClient[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });
  return {
    get emulator() {
      return used.emulator;
    },
    client(apiKey) {
      const made = emulatorClient(used.emulator, apiKey ? { apiKey } : {});
      open.push(made);
      return made;
    },
  };
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
