import express from 'express';
import type { Request } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqApi, BasiqClient } from '@basiq-token/core';
import { SEED_ACCOUNT_IDS, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { basiq } from '@basiq-token/express';

let emulator: BasiqEmulator;
let client: BasiqClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});

describe('@basiq-token/express: req.basiq.api', () => {
  it('is typed as the client’s BasiqApi', () => {
    expectTypeOf<Request['basiq']['api']>().toEqualTypeOf<BasiqApi>();
  });

  it("calls Basiq with the server token and relays Basiq's status and JSON", async () => {
    const app = express();
    const seen: unknown[] = [];
    app.use(basiq(client));
    app.get('/users/:userId/accounts', async (req, res) => {
      seen.push(req.basiq.api);
      const { data, error, response } = await req.basiq.api.GET('/users/{userId}/accounts', {
        params: { path: { userId: req.params.userId } },
      });
      res.status(response.status).json(data ?? error);
    });
    const ok = await request(app).get(`/users/${SEED_USER_ID}/accounts`).expect(200);
    expect((ok.body as { data: { id: string }[] }).data.map((a) => a.id)).toEqual([...SEED_ACCOUNT_IDS]);
    const missing = await request(app)
      .get('/users/00000000-0000-4000-8000-000000000000/accounts')
      .expect(404);
    expect((missing.body as { data: { code: string }[] }).data[0]?.code).toBe('resource-not-found');
    expect(seen[0]).toBe(client.api);
    expect(seen[1]).toBe(client.api);
  });
});
