import type { ParameterizedContext } from 'koa';
import { BasiqError } from '@basiq-token/core';
import { routeBodyText } from '@basiq-token/core/adapter';
import type { BasiqClient, ClientTokenBodyForm, RouteResponse } from '@basiq-token/core';
import { toKoaError } from './koa-error.js';

/** Writes core's answer (`{status, headers, body}`) onto the context, the body in the app's form. */
export function respond(
  ctx: ParameterizedContext,
  answer: RouteResponse,
  form: ClientTokenBodyForm = 'object',
): void {
  ctx.status = answer.status;
  ctx.set(answer.headers);
  // Text with core's JSON Content-Type already set: Koa keeps that type for a string body.
  ctx.body = routeBodyText(answer, form);
}

/** Whose `errorResponse` answers (and logs) an error: a client, or a registry of them. */
export type ErrorAnswerer = Pick<BasiqClient, 'errorResponse'>;

/**
 * Answers a Basiq error with core's `errorResponse`, where Koa's own error handling would answer
 * text (and, for a 4xx, the error's own message). As Koa's handling does, headers the failed
 * middleware set are dropped, and the error (given Koa's `status`, `expose` and `headers` by
 * {@link toKoaError}) is emitted on `app.on('error')` for the listeners the app added, its
 * monitoring say. Not for Koa's default listener alone: core has already logged the error through
 * the client's logger, and that listener would print its stack again, `logger: false` or not.
 * Returns `false`, having written nothing, for any other error or once the response has started.
 */
export function answerBasiqError(ctx: ParameterizedContext, errors: ErrorAnswerer, error: unknown): boolean {
  if (!(error instanceof BasiqError) || ctx.headerSent || !ctx.writable) return false;
  for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
  respond(ctx, errors.errorResponse(error));
  const app = ctx.app;
  if (app.listeners('error').some((listener) => listener !== app.onerror)) {
    app.emit('error', toKoaError(error), ctx);
  }
  return true;
}
