import type { RequestListener } from 'node:http';
import Router from '@koa/router';
import axios from 'axios';
import Koa from 'koa';

/**
 * The Koa example's `GET /users/:userId` without basiq-token: an axios instance with a
 * constant `Authorization` header (and core's default 30 s timeout), relaying Basiq's status and body the same way.
 */
export function koaBaseline(baseUrl: string, token: string): RequestListener {
  const http = axios.create({
    baseURL: baseUrl,
    timeout: 30_000,
    headers: { authorization: `Bearer ${token}` },
  });
  const app = new Koa();
  const router = new Router();
  router.get('/users/:userId', async (ctx) => {
    const answer = await http.get(`/users/${encodeURIComponent(ctx.params.userId ?? '')}`);
    ctx.status = answer.status;
    ctx.body = answer.data;
  });
  app.use(router.routes());
  return app.callback();
}
