// The hostile-input suite (test/hostile) against the Fastify plugin's client-token route, with
// Fastify's own JSON parser (and its prototype-poisoning checks) in front of it.
import Fastify from 'fastify';
import type { FastifyError } from 'fastify';
import type { AddressInfo } from 'node:net';
import { basiqFastify } from '@basiq-token/fastify';
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';
import { BODY_LIMIT_BYTES, CLIENT_TOKEN_PATH } from '../hostile/support/apps.js';
import type { HostileTarget } from '../hostile/support/apps.js';
import { runHostileSuite } from '../hostile/support/suite.js';
import { statusOf } from './support/listen.js';

const fastifyTarget: HostileTarget = {
  name: 'fastify',
  async start(client) {
    const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES });
    app.setErrorHandler((error: FastifyError, _request, reply) => {
      // Fastify's own refusals (body parsers, prototype poisoning) carry `statusCode`.
      void reply
        .code(error.statusCode ?? statusOf(error) ?? 500)
        .send({ error: { code: 'app_error', message: 'The request was refused' } });
    });
    await app.register(async (scope) => {
      await scope.register(basiqFastify, {
        client,
        clientTokenRoute: {
          path: CLIENT_TOKEN_PATH,
          resolveUserId: (request) => demoUserId(request.headers[DEMO_USER_HEADER]),
        },
      });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  },
};

runHostileSuite(fastifyTarget);
