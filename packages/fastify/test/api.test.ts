import Fastify from 'fastify';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqApi, BasiqClient } from '@basiq-token/core';
import { SEED_ACCOUNT_IDS, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { basiqFastify } from '@basiq-token/fastify';

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

describe('@basiq-token/fastify: request.basiq.api', () => {
  it('is typed as the client’s BasiqApi', () => {
    expectTypeOf<FastifyRequest['basiq']['api']>().toEqualTypeOf<BasiqApi>();
  });

  it("calls Basiq with the server token and relays Basiq's status and JSON", async () => {
    const app = Fastify();
    try {
      const seen: unknown[] = [];
      await app.register(basiqFastify, { client });
      app.get<{ Params: { userId: string } }>('/users/:userId/accounts', async (request, reply) => {
        seen.push(request.basiq.api);
        const { data, error, response } = await request.basiq.api.GET('/users/{userId}/accounts', {
          params: { path: { userId: request.params.userId } },
        });
        return reply.code(response.status).send(data ?? error);
      });
      const ok = await app.inject(`/users/${SEED_USER_ID}/accounts`);
      expect(ok.statusCode).toBe(200);
      expect(ok.json<{ data: { id: string }[] }>().data.map((a) => a.id)).toEqual([...SEED_ACCOUNT_IDS]);
      const missing = await app.inject('/users/00000000-0000-4000-8000-000000000000/accounts');
      expect(missing.statusCode).toBe(404);
      expect(missing.json<{ data: { code: string }[] }>().data[0]?.code).toBe('resource-not-found');
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBe(client.api);
      expect(seen[1]).toBe(client.api);
    } finally {
      await app.close();
    }
  });
});
