import express from 'express';
import type { Request } from 'express';
import request from 'supertest';
import { describe, expectTypeOf, it } from 'vitest';
import type { BasiqApi } from '@basiq-token/core';
import { basiq } from '@basiq-token/express';
import { expectAccountsRelay, useEmulatorClient } from '../../../test/support/emulator-client.js';

const world = useEmulatorClient();

describe('@basiq-token/express: req.basiq.api', () => {
  it('is typed as the client’s BasiqApi', () => {
    expectTypeOf<Request['basiq']['api']>().toEqualTypeOf<BasiqApi>();
  });

  it("calls Basiq with the server token and relays Basiq's status and JSON", async () => {
    const app = express();
    const seen: unknown[] = [];
    app.use(basiq(world.client));
    app.get('/users/:userId/accounts', async (req, res) => {
      seen.push(req.basiq.api);
      const { data, error, response } = await req.basiq.api.GET('/users/{userId}/accounts', {
        params: { path: { userId: req.params.userId } },
      });
      res.status(response.status).json(data ?? error);
    });
    await expectAccountsRelay((path) => request(app).get(path), seen, world.client);
  });
});
