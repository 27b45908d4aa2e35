import Fastify from 'fastify';
import type { FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import type { BasiqApi } from '@basiq-token/core';
import { basiqFastify } from '@basiq-token/fastify';
import { expectAccountsRelay, useEmulatorClient } from '../../../test/support/emulator-client.js';

const world = useEmulatorClient();

describe('@basiq-token/fastify: request.basiq.api', () => {
  it('is typed as the client’s BasiqApi', () => {
    expectTypeOf<FastifyRequest['basiq']['api']>().toEqualTypeOf<BasiqApi>();
  });

  it("calls Basiq with the server token and relays Basiq's status and JSON", async () => {
    const app = Fastify();
    try {
      const seen: unknown[] = [];
      await app.register(basiqFastify, { client: world.client });
      app.get<{ Params: { userId: string } }>('/users/:userId/accounts', async (request, reply) => {
        seen.push(request.basiq.api);
        const { data, error, response } = await request.basiq.api.GET('/users/{userId}/accounts', {
          params: { path: { userId: request.params.userId } },
        });
        return reply.code(response.status).send(data ?? error);
      });
      const get = async (path: string) => {
        const answer = await app.inject(path);
        return { status: answer.statusCode, body: answer.json() };
      };
      await expectAccountsRelay(get, seen, world.client);
    } finally {
      await app.close();
    }
  });
});
