import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit as limitBody } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { basiq } from '@basiq-token/hono';
import type { BasiqEnv } from '@basiq-token/hono';
import { APP_ERROR, parseJsonBody, running, statusOf, userPath } from './server.js';
import type { ServerFactory } from './server.js';

/** How the app mounts the client-token route. */
export interface HonoServerOptions {
  /**
   * `'route'`: `api.post('/client-token', …)`, the router matches; `'use'`: `api.use(…)` with the
   * route's own `path` option, the route matches its path and passes the rest on.
   */
  mount: 'route' | 'use';
}

/**
 * The app on `@basiq-token/hono` over `@hono/node-server`: the adapter's routes on a sub-app
 * mounted at the prefix (`app.route(prefix, api)`), and `app.onError` with the adapter's error
 * handler, the app's own answer for other errors.
 */
export function honoServer({ mount }: HonoServerOptions = { mount: 'route' }): ServerFactory {
  return {
    async start({ client, resolveUserId, prefix, onError, bodyLimit }) {
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
        const answer = await c.var.basiq.http.get(userPath(c.req.param('userId')));
        return c.json(answer.data);
      });
      api.get('/fetch/users/:userId', async (c) => {
        const answer = await c.var.basiq.fetch(userPath(c.req.param('userId')));
        return c.json(await answer.json(), answer.status as 200);
      });
      const app = new Hono<{ Variables: { body: unknown } }>();
      if (bodyLimit !== undefined) {
        app.use(
          limitBody({
            maxSize: bodyLimit,
            onError: () => {
              throw new HTTPException(413, { message: 'Payload too large' });
            },
          }),
        );
        app.use(async (c, next) => {
          c.set('body', await readBody(c));
          await next();
        });
      }
      app.route(prefix || '/', api);
      const answer = middleware.onError({
        otherwise: (error, c) => c.json(APP_ERROR, (statusOf(error) ?? 500) as 500),
      });
      app.onError((error, c) => {
        onError?.(error);
        return answer(error, c);
      });
      const server = createAdaptorServer({ fetch: app.fetch }) as Server;
      return running(server.listen(0, '127.0.0.1'), () => middleware.close());
    },
  };
}

/** JSON and form bodies parsed before any route, as Express's parsers do. */
async function readBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (/^application\/x-www-form-urlencoded/i.test(type)) return c.req.parseBody();
  if (!/^application\/(.+\+)?json/i.test(type)) {
    // Read and dropped, as Node does for Express and Koa: @hono/node-server gives an unread body
    // only 500 ms to arrive after the answer before it cuts the connection, which a loaded
    // machine can miss (EPIPE on the sender).
    if (c.req.raw.body) await c.req.arrayBuffer();
    return undefined;
  }
  return parseJsonBody(await c.req.text(), () => {
    throw new HTTPException(400, { message: 'Malformed JSON' });
  });
}
