import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BasiqClient } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { apiAnswer } from '@basiq-token/example-shared';
import { emulatorClient } from '../../../test/support/emulator-client.js';

let emulator: BasiqEmulator;
let client: BasiqClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = emulatorClient(emulator);
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});

describe('apiAnswer', () => {
  it("gives Basiq's status and JSON body, success or error", async () => {
    const ok = await apiAnswer(
      client.api.GET('/users/{userId}', { params: { path: { userId: SEED_USER_ID } } }),
    );
    expect(ok.status).toBe(200);
    expect(ok.data).toMatchObject({ type: 'user', id: SEED_USER_ID });
    const created = await apiAnswer(client.api.POST('/users', { body: { email: 'answer@example.com' } }));
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ email: 'answer@example.com' });
    const missing = await apiAnswer(
      client.api.GET('/users/{userId}', {
        params: { path: { userId: '00000000-0000-4000-8000-000000000000' } },
      }),
    );
    expect(missing.status).toBe(404);
    expect(missing.data).toMatchObject({ type: 'list', data: [{ code: 'resource-not-found' }] });
  });

  it('rejects when no answer came, for the app to handle', async () => {
    const closed = emulatorClient(emulator);
    await closed.close();
    await expect(
      apiAnswer(closed.api.GET('/users/{userId}', { params: { path: { userId: SEED_USER_ID } } })),
    ).rejects.toMatchObject({ code: 'client_closed' });
  });
});
