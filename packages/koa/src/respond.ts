import type { ParameterizedContext } from 'koa';
import { BasiqError, routeBodyText } from '@basiq-token/core';
import type { BasiqClient, ClientTokenBodyForm, RouteResponse } from '@basiq-token/core';

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

/**
 * Answers a Basiq error with core's `errorResponse`, where Koa's own error handling would answer
 * text (and, for a 4xx, the error's own message). As Koa's handling does, headers the failed
 * middleware set are dropped. The error is not emitted on `app.on('error')`: core has logged it
 * through the client's logger, as Express's `errorHandler()` and Nest's filter leave it, and Koa's
 * default listener would print its stack again, `logger: false` or not.
 * Returns `false`, having written nothing, for any other error or once the response has started.
 */
export function answerBasiqError(ctx: ParameterizedContext, client: BasiqClient, error: unknown): boolean {
  if (!(error instanceof BasiqError) || ctx.headerSent || !ctx.writable) return false;
  for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
  respond(ctx, client.errorResponse(error));
  return true;
}
