import Fastify from 'fastify';
import type { FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { basiqFastify } from '@basiq-token/fastify';
import type { AdapterDriver } from './suite.js';
import { statusOf } from './support/listen.js';

/**
 * A conformance driver for `@basiq-token/fastify`: the plugin registered inside a scope of its
 * own (prefixed when the suite asks), the app's error handler and an `onError` hook at the root.
 * The plugin's error handler answers Basiq errors; the others go on to the root's.
 */
export function fastifyDriver(): AdapterDriver {
  return {
    async start({ client, resolveUserId, prefix, onError }) {
      const app = Fastify();
      app.addHook('onError', async (_request, _reply, error) => {
        onError(error);
      });
      app.setErrorHandler((error, _request, reply) => {
        void reply
          .code(statusOf(error) ?? 500)
          .send({ error: { code: 'app_error', message: 'The app failed' } });
      });
      await app.register(
        async (scope) => {
          await scope.register(basiqFastify, {
            client,
            clientTokenRoute: {
              path: '/client-token',
              resolveUserId: (request: FastifyRequest) => resolveUserId(request),
            },
          });
          scope.get<{ Params: { userId: string } }>('/users/:userId', async (request) => {
            const answer = await request.basiq.http.get(
              `/users/${encodeURIComponent(request.params.userId)}`,
            );
            return answer.data;
          });
          scope.get<{ Params: { userId: string } }>('/fetch/users/:userId', async (request, reply) => {
            const answer = await request.basiq.fetch(`/users/${encodeURIComponent(request.params.userId)}`);
            void reply.code(answer.status);
            return answer.json();
          });
        },
        { prefix: prefix || '' },
      );
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  };
}
