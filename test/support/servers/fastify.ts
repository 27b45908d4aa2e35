import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { basiqFastify } from '@basiq-token/fastify';
import type { BasiqPluginOptions } from '@basiq-token/fastify';
import { isBasiqClient } from '@basiq-token/core/adapter';
import { APP_ERROR, statusOf, userPath } from './server.js';
import type { ServerFactory } from './server.js';

/** Where the app registers the plugin. */
export interface FastifyServerOptions {
  /**
   * `'scope'`: inside a scope of its own (prefixed when asked), with the app's own error handler
   * at the root; `'root'`: at the root, with no error handler of the app's, so what the plugin's
   * handler passes on reaches Fastify's default handler.
   */
  register: 'scope' | 'root';
}

/**
 * The app on `@basiq-token/fastify`, with an `onError` hook at the root where every error
 * surfaces. The plugin's error handler answers Basiq errors; the others go on to the parent's
 * handler (the app's, or Fastify's default).
 */
export function fastifyServer({ register }: FastifyServerOptions = { register: 'scope' }): ServerFactory {
  return {
    async start({ client, resolveUserId, prefix, onError, bodyLimit }) {
      const app = Fastify(bodyLimit !== undefined ? { bodyLimit } : {});
      app.addHook('onError', async (_request, _reply, error) => {
        onError?.(error);
      });
      const clientTokenRoute = (path: string) => ({
        path: `${path}/client-token`,
        resolveUserId: (request: FastifyRequest) => resolveUserId(request),
      });
      const routes = async (scope: FastifyInstance, path: string) => {
        // The plugin closes a client it made from options on app.close().
        const plugin: BasiqPluginOptions = isBasiqClient(client)
          ? { client, clientTokenRoute: clientTokenRoute(path) }
          : { ...client, clientTokenRoute: clientTokenRoute(path) };
        await scope.register(basiqFastify, plugin);
        scope.get<{ Params: { userId: string } }>(`${path}/users/:userId`, async (request) => {
          const answer = await request.basiq.http.get(userPath(request.params.userId));
          return answer.data;
        });
        scope.get<{ Params: { userId: string } }>(`${path}/fetch/users/:userId`, async (request, reply) => {
          const answer = await request.basiq.fetch(userPath(request.params.userId));
          void reply.code(answer.status);
          return answer.json();
        });
      };
      if (register === 'root') {
        await routes(app, prefix ?? '');
      } else {
        app.setErrorHandler((error: FastifyError, _request, reply) => {
          // Fastify's own refusals (body parsers, prototype poisoning) carry `statusCode`.
          void reply.code(error.statusCode ?? statusOf(error) ?? 500).send(APP_ERROR);
        });
        await app.register((scope) => routes(scope, ''), { prefix: prefix || '' });
      }
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  };
}
