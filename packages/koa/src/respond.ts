import type { ParameterizedContext } from 'koa';
import { BasiqError } from '@basiq-token/core';
import type { BasiqClient, RouteResponse } from '@basiq-token/core';
import { toKoaError } from './koa-error.js';

/** Writes core's answer (`{status, headers, body}`) onto the context as is. */
export function respond(ctx: ParameterizedContext, answer: RouteResponse): void {
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = answer.body;
}

/**
 * Answers a Basiq error with core's `errorResponse`, where Koa's own error handling would answer
 * text (and, for a 4xx, the error's own message). It otherwise does what Koa's handling does:
 * headers the failed middleware set are dropped, and the error is emitted on `app.on('error')`
 * (with the `status` and `expose` of {@link toKoaError}) so the app's error logging still sees it.
 * Returns `false`, having written nothing, for any other error or once the response has started.
 */
export function answerBasiqError(ctx: ParameterizedContext, client: BasiqClient, error: unknown): boolean {
  if (!(error instanceof BasiqError) || ctx.headerSent || !ctx.writable) return false;
  toKoaError(error);
  for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
  respond(ctx, client.errorResponse(error));
  // Emitting with no listener would throw; Koa adds its own when it serves (app.callback()).
  if (ctx.app.listenerCount('error') > 0) ctx.app.emit('error', error, ctx);
  return true;
}
