import { Hono } from 'hono';
import type { Context } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import type { BasiqApi } from '@basiq-token/core';
import { basiq } from '@basiq-token/hono';
import type { BasiqEnv } from '@basiq-token/hono';
import { expectAccountsRelay, useEmulatorClient } from '../../../test/support/emulator-client.js';

const world = useEmulatorClient();

describe('@basiq-token/hono: c.var.basiq.api', () => {
  it('is typed as the client’s BasiqApi', () => {
    expectTypeOf<Context<BasiqEnv>['var']['basiq']['api']>().toEqualTypeOf<BasiqApi>();
  });

  it("calls Basiq with the server token and relays Basiq's status and JSON (client or factory)", async () => {
    for (const mw of [basiq(world.client), basiq(() => world.client)]) {
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
      const get = async (path: string) => {
        const answer = await app.request(path);
        return { status: answer.status, body: await answer.json() };
      };
      await expectAccountsRelay(get, seen, world.client);
    }
  });
});
