import type Koa from 'koa';
import Router from '@koa/router';
import { basiq } from '@basiq-token/koa';
import type { BasiqAxiosRequestContext } from '@basiq-token/core/axios';
import { parseJsonBody, running, userPath } from './server.js';
import type { ServerFactory } from './server.js';

/** How the app routes. */
export interface KoaServerOptions {
  /** `true`: `@koa/router` with the prefix; `false`: a plain app where the route matches its own path and method. */
  router: boolean;
}

/**
 * The app on one Koa major (`koa2` or `koa3`, same adapter). `basiq()` answers Basiq errors
 * thrown after it; Koa's default handling answers the rest (the error's own status, else 500).
 */
export function koaServer(KoaApp: typeof Koa, { router }: KoaServerOptions): ServerFactory {
  return {
    async start({ client, resolveUserId, prefix = '', onError, bodyLimit }) {
      const app = new KoaApp();
      app.silent = true;
      if (bodyLimit !== undefined) {
        app.use(async (ctx, next) => {
          (ctx.request as { body?: unknown }).body = await readBody(ctx, bodyLimit);
          await next();
        });
      }
      const middleware = basiq(client);
      // Inside basiq(), so every error is recorded as thrown before basiq() answers Basiq's and
      // Koa's default handling the rest.
      const record: Koa.Middleware = async (_ctx, next) => {
        try {
          await next();
        } catch (error) {
          onError?.(error);
          throw error;
        }
      };
      if (router) {
        const routes = new Router({ prefix });
        routes.use(middleware, record);
        routes.post('/client-token', middleware.clientTokenRoute({ resolveUserId }));
        routes.get('/users/:userId', async (ctx) => {
          ctx.body = (await getUser(ctx.state.basiq, ctx.params.userId ?? '')).data;
        });
        routes.get('/fetch/users/:userId', async (ctx) => {
          const answer = await fetchUser(ctx.state.basiq, ctx.params.userId ?? '');
          ctx.status = answer.status;
          ctx.body = await answer.json();
        });
        // The router answers other methods on its paths (405, 501, OPTIONS) as real Koa apps have it.
        app.use(routes.routes()).use(routes.allowedMethods());
      } else {
        app.use(middleware);
        app.use(record);
        app.use(middleware.clientTokenRoute({ resolveUserId, path: `${prefix}/client-token` }));
        const users = new RegExp(`^${prefix}(/fetch)?/users/([^/]+)$`);
        app.use(async (ctx, next) => {
          const match = ctx.method === 'GET' ? users.exec(ctx.path) : null;
          if (!match) return next();
          const userId = decodeURIComponent(match[2] ?? '');
          if (match[1]) {
            const answer = await fetchUser(ctx.state.basiq, userId);
            ctx.status = answer.status;
            ctx.body = await answer.json();
          } else {
            ctx.body = (await getUser(ctx.state.basiq, userId)).data;
          }
        });
      }
      return running(app.listen(0, '127.0.0.1'), () => middleware.close());
    },
  };
}

function getUser(basiqContext: BasiqAxiosRequestContext, userId: string) {
  return basiqContext.http.get(userPath(userId));
}

function fetchUser(basiqContext: BasiqAxiosRequestContext, userId: string) {
  return basiqContext.fetch(userPath(userId));
}

/** A small JSON/form body reader, as Koa apps add one (koa-bodyparser and the like). */
async function readBody(ctx: Koa.Context, limit: number): Promise<unknown> {
  const type = ctx.is('json', 'urlencoded');
  if (!type) return undefined;
  const length = ctx.request.length;
  if (length !== undefined && length > limit) ctx.throw(413, 'Payload too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) ctx.throw(413, 'Payload too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (type === 'urlencoded') return Object.fromEntries(new URLSearchParams(text));
  return parseJsonBody(text, () => ctx.throw(400, 'Malformed JSON'));
}
