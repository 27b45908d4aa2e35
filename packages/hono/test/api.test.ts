import { Hono } from 'hono';
import type { Context } from 'hono';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqApi, BasiqClient } from '@basiq-token/core';
import { SEED_ACCOUNT_IDS, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { basiq } from '@basiq-token/hono';
import type { BasiqEnv } from '@basiq-token/hono';

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

describe('@basiq-token/hono: c.var.basiq.api', () => {
  it('is typed as the client’s BasiqApi', () => {
    expectTypeOf<Context<BasiqEnv>['var']['basiq']['api']>().toEqualTypeOf<BasiqApi>();
  });

  it("calls Basiq with the server token and relays Basiq's status and JSON (client or factory)", async () => {
    for (const mw of [basiq(client), basiq(() => client)]) {
      const app = new Hono<BasiqEnv>();
      const seen: unknown[] = [];
      app.use(mw);
      app.get('/users/:userId/accounts', async (c) => {
        seen.push(c.var.basiq.api);
        const { data, error, response } = await c.var.basiq.api.GET('/users/{userId}/accounts', {
          params: { path: { userId: c.req.param('userId') } },
        });
        return c.json(data ?? error, response.status as 200);
      });
      const ok = await app.request(`/users/${SEED_USER_ID}/accounts`);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { data: { id: string }[] }).data.map((a) => a.id)).toEqual([
        ...SEED_ACCOUNT_IDS,
      ]);
      const missing = await app.request('/users/00000000-0000-4000-8000-000000000000/accounts');
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { data: { code: string }[] }).data[0]?.code).toBe(
        'resource-not-found',
      );
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBe(client.api);
      expect(seen[1]).toBe(client.api);
    }
  });
});
