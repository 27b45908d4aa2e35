import Koa from 'koa';
import type { Context } from 'koa';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqApi, BasiqClient } from '@basiq-token/core';
import { SEED_ACCOUNT_IDS, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { basiq } from '@basiq-token/koa';

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

describe('@basiq-token/koa: ctx.state.basiq.api', () => {
  it('is typed as the client’s BasiqApi', () => {
    expectTypeOf<Context['state']['basiq']['api']>().toEqualTypeOf<BasiqApi>();
  });

  it("calls Basiq with the server token and relays Basiq's status and JSON", async () => {
    const app = new Koa();
    const seen: unknown[] = [];
    app.use(basiq(client));
    app.use(async (ctx) => {
      const userId = /^\/users\/([^/]+)\/accounts$/.exec(ctx.path)?.[1];
      if (!userId) return;
      seen.push(ctx.state.basiq.api);
      const { data, error, response } = await ctx.state.basiq.api.GET('/users/{userId}/accounts', {
        params: { path: { userId } },
      });
      ctx.status = response.status;
      ctx.body = data ?? error;
    });
    const ok = await request(app.callback()).get(`/users/${SEED_USER_ID}/accounts`).expect(200);
    expect((ok.body as { data: { id: string }[] }).data.map((a) => a.id)).toEqual([...SEED_ACCOUNT_IDS]);
    const missing = await request(app.callback())
      .get('/users/00000000-0000-4000-8000-000000000000/accounts')
      .expect(404);
    expect((missing.body as { data: { code: string }[] }).data[0]?.code).toBe('resource-not-found');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(client.api);
    expect(seen[1]).toBe(client.api);
  });
});
