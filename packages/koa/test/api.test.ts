import Koa from 'koa';
import type { Context } from 'koa';
import request from 'supertest';
import { describe, expectTypeOf, it } from 'vitest';
import type { BasiqApi } from '@basiq-token/core';
import { basiq } from '@basiq-token/koa';
import { expectAccountsRelay, useEmulatorClient } from '../../../test/support/emulator-client.js';

const world = useEmulatorClient();

describe('@basiq-token/koa: ctx.state.basiq.api', () => {
  it('is typed as the client’s BasiqApi', () => {
    expectTypeOf<Context['state']['basiq']['api']>().toEqualTypeOf<BasiqApi>();
  });

  it("calls Basiq with the server token and relays Basiq's status and JSON", async () => {
    const app = new Koa();
    const seen: unknown[] = [];
    app.use(basiq(world.client));
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
    await expectAccountsRelay((path) => request(app.callback()).get(path), seen, world.client);
  });
});
