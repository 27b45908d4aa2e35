import { Hono } from 'hono';
import type { Context } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { basiq } from '@basiq-token/hono';
import type { BasiqEnv } from '@basiq-token/hono';
import type { AdapterDriver } from './suite.js';
import { running, statusOf } from './support/listen.js';

/** How the driver mounts the client-token route. */
export interface HonoDriverOptions {
  /**
   * `'route'`: `api.post('/client-token', …)`, the router matches; `'use'`: `api.use(…)` with the
   * route's own `path` option, the route matches its path and passes the rest on.
   */
  mount: 'route' | 'use';
}

/**
 * A conformance driver for `@basiq-token/hono` on `@hono/node-server`: the adapter's routes on a
 * sub-app mounted at the prefix (`app.route(prefix, api)`), and `app.onError` with the adapter's
 * error handler, the app's own answer for other errors.
 */
export function honoDriver({ mount }: HonoDriverOptions = { mount: 'route' }): AdapterDriver {
  return {
    async start({ client, resolveUserId, prefix, onError }) {
      const middleware = basiq(client);
      const api = new Hono<BasiqEnv>();
      api.use(middleware);
      const resolveFromContext = (c: Context) => resolveUserId({ headers: c.req.header() });
      if (mount === 'route') {
        api.post('/client-token', middleware.clientTokenRoute({ resolveUserId: resolveFromContext }));
      } else {
        api.use(
          middleware.clientTokenRoute({
            resolveUserId: resolveFromContext,
            path: `${prefix ?? ''}/client-token`,
          }),
        );
      }
      api.get('/users/:userId', async (c) => {
        const answer = await c.var.basiq.http.get(`/users/${encodeURIComponent(c.req.param('userId'))}`);
        return c.json(answer.data);
      });
      api.get('/fetch/users/:userId', async (c) => {
        const answer = await c.var.basiq.fetch(`/users/${encodeURIComponent(c.req.param('userId'))}`);
        return c.json(await answer.json(), answer.status as 200);
      });
      const app = new Hono();
      app.route(prefix || '/', api);
      const answer = middleware.onError({
        otherwise: (_error, c) =>
          c.json(
            { error: { code: 'app_error', message: 'The app failed' } },
            (statusOf(_error) ?? 500) as 500,
          ),
      });
      app.onError((error, c) => {
        onError(error);
        return answer(error, c);
      });
      const server = createAdaptorServer({ fetch: app.fetch }) as Server;
      return running(server.listen(0, '127.0.0.1'));
    },
  };
}
