import type Koa from 'koa';
import Router from '@koa/router';
import { basiq } from '@basiq-token/koa';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import type { AdapterDriver } from '../suite.js';
import { running } from './listen.js';

/**
 * A conformance driver for one Koa major (`koa2` or `koa3`, same adapter), either with
 * `@koa/router` or as a plain app where the route matches its own path and method.
 */
export function koaDriver(KoaApp: typeof Koa, { router }: { router: boolean }): AdapterDriver {
  return {
    async start({ client, resolveUserId, prefix = '', onError }) {
      const app = new KoaApp();
      app.silent = true;
      const middleware = basiq(client);
      // Inside basiq(), so every error is recorded as thrown before basiq() answers Basiq's and
      // Koa's default handling the rest.
      const record: Koa.Middleware = async (_ctx, next) => {
        try {
          await next();
        } catch (error) {
          onError(error);
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
        app.use(routes.routes());
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
      return running(app.listen(0, '127.0.0.1'));
    },
  };
}

function getUser(basiqContext: BasiqRequestContext, userId: string) {
  return basiqContext.http.get(`/users/${encodeURIComponent(userId)}`);
}

function fetchUser(basiqContext: BasiqRequestContext, userId: string) {
  return basiqContext.fetch(`/users/${encodeURIComponent(userId)}`);
}
