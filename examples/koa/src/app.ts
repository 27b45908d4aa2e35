import Koa from 'koa';
import Router from '@koa/router';
import { DEFAULT_CLIENT_TOKEN_PATH, errorResponse } from '@basiq-token/core';
import type { BasiqClient, Logger } from '@basiq-token/core';
import { basiq, probeMiddleware } from '@basiq-token/koa';
import { DEMO_USER_HEADER, PROBES, apiAnswer, basiqAnswerOf } from '@basiq-token/example-shared';
import { demoUserId, localHostOnlyKoa } from '@basiq-token/example-shared';
import type { NewBasiqUser } from '@basiq-token/example-shared';

import { BodyError, readJson } from './read-json.js';

/** What the demo app is made of. */
export interface AppOptions {
  /** The Basiq client the app uses (the caller creates and closes it). */
  client: BasiqClient;
  /** Where failures are logged (default `console`). */
  logger?: Logger;
}

/** The demo app (the examples' HTTP contract), not yet listening. */
export function createApp({ client, logger = console }: AppOptions): Koa {
  const app = new Koa();
  const basiqMiddleware = basiq(client);
  const router = new Router();

  // Liveness (always 200, with the client's health) and readiness (503 while no server token can be had).
  for (const [path, probe] of PROBES) router.get(path, probeMiddleware(client, probe));

  // A real app resolves the user from its session; the demo trusts the x-demo-user header.
  router.post(
    DEFAULT_CLIENT_TOKEN_PATH,
    basiqMiddleware.clientTokenRoute({ resolveUserId: (ctx) => demoUserId(ctx.headers[DEMO_USER_HEADER]) }),
  );

  // Basiq through the typed client: openapi-fetch encodes the path parameters.
  router.get('/users/:userId', async (ctx) => {
    const path = { userId: ctx.params.userId ?? '' };
    relay(ctx, await answerOf(apiAnswer(ctx.state.basiq.api.GET('/users/{userId}', { params: { path } }))));
  });
  router.get('/users/:userId/accounts', async (ctx) => {
    const path = { userId: ctx.params.userId ?? '' };
    relay(
      ctx,
      await answerOf(apiAnswer(ctx.state.basiq.api.GET('/users/{userId}/accounts', { params: { path } }))),
    );
  });
  router.post('/users', async (ctx) => {
    const fields = (await readJson(ctx)) as NewBasiqUser;
    relay(ctx, await answerOf(apiAnswer(ctx.state.basiq.api.POST('/users', { body: fields }))));
  });

  // Before everything else: only requests addressed to this server's own address (DNS rebinding).
  app.use(localHostOnlyKoa);
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `No route for ${ctx.method} ${ctx.path}` } };
      }
    } catch (error) {
      if (error instanceof BodyError) {
        ctx.status = error.status;
        ctx.body = { error: { code: 'invalid_body', message: error.message } };
        return;
      }
      // Basiq errors never get here: basiq() answers them with core's JSON. Anything else is a
      // 500 internal_error in the same shape, its details kept for the log.
      const route = errorResponse(error, logger);
      ctx.status = route.status;
      ctx.set(route.headers);
      ctx.body = route.body;
    }
  });
  app.use(basiqMiddleware);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/** Basiq's status and JSON body, from its answer or from the error it answered with. */
async function answerOf(
  call: Promise<{ status: number; data: unknown }>,
): Promise<{ status: number; body: unknown }> {
  try {
    const answer = await call;
    return { status: answer.status, body: answer.data };
  } catch (error) {
    // Not an answer from Basiq (no token, timeout, …): the error handler maps it.
    const answer = basiqAnswerOf(error);
    if (!answer) throw error;
    return answer;
  }
}

function relay(ctx: Koa.Context, answer: { status: number; body: unknown }): void {
  ctx.status = answer.status;
  ctx.body = answer.body;
}
