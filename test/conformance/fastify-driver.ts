import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { basiqFastify } from '@basiq-token/fastify';
import type { AdapterDriver } from './suite.js';
import { statusOf } from './support/listen.js';

/** Where the driver registers the plugin. */
export interface FastifyDriverOptions {
  /**
   * `'scope'`: inside a scope of its own (prefixed when the suite asks), with the app's own error
   * handler at the root; `'root'`: at the root, with no error handler of the app's, so what the
   * plugin's handler passes on reaches Fastify's default handler.
   */
  register: 'scope' | 'root';
}

/**
 * A conformance driver for `@basiq-token/fastify`, with an `onError` hook at the root where
 * every error surfaces. The plugin's error handler answers Basiq errors; the others go on to the
 * parent's handler (the app's, or Fastify's default).
 */
export function fastifyDriver({ register }: FastifyDriverOptions = { register: 'scope' }): AdapterDriver {
  return {
    async start({ client, resolveUserId, prefix, onError }) {
      const app = Fastify();
      app.addHook('onError', async (_request, _reply, error) => {
        onError(error);
      });
      const routes = async (scope: FastifyInstance, path: string) => {
        await scope.register(basiqFastify, {
          client,
          clientTokenRoute: {
            path: `${path}/client-token`,
            resolveUserId: (request: FastifyRequest) => resolveUserId(request),
          },
        });
        scope.get<{ Params: { userId: string } }>(`${path}/users/:userId`, async (request) => {
          const answer = await request.basiq.http.get(`/users/${encodeURIComponent(request.params.userId)}`);
          return answer.data;
        });
        scope.get<{ Params: { userId: string } }>(`${path}/fetch/users/:userId`, async (request, reply) => {
          const answer = await request.basiq.fetch(`/users/${encodeURIComponent(request.params.userId)}`);
          void reply.code(answer.status);
          return answer.json();
        });
      };
      if (register === 'root') {
        await routes(app, prefix ?? '');
      } else {
        app.setErrorHandler((error, _request, reply) => {
          void reply
            .code(statusOf(error) ?? 500)
            .send({ error: { code: 'app_error', message: 'The app failed' } });
        });
        await app.register((scope) => routes(scope, ''), { prefix: prefix || '' });
      }
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  };
}
