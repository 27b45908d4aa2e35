import type { Context, Middleware } from 'koa';
import type { BasiqClient } from '@basiq-token/core';
import { toKoaError } from './koa-error.js';
import { answerBasiqError, respond } from './respond.js';

/** Options of the client-token route middleware. */
export interface ClientTokenRouteOptions {
  /**
   * Who is signed in, from the app's own authentication (`ctx.state.user`, a session, …): the
   * Basiq user id, or `undefined`/`null`/`''` for nobody (the route answers 401). May return a
   * promise. Never trust a user id the browser sends unless your app means to. A throw reaches
   * Koa's error handling with `status` 500 and `expose: false` unless it carries its own.
   */
  resolveUserId(ctx: Context): unknown;
  /**
   * Without a router: the path this middleware answers (e.g. `/basiq/client-token`); other
   * requests pass through. Leave it out when a router (`@koa/router`) already matched the path.
   */
  path?: string;
  /** With `path`: the method answered (default `POST`). */
  method?: string;
}

/**
 * The ready-made `CLIENT_ACCESS` token route: resolves the user, then answers exactly what
 * core's `handleClientTokenRequest` says (`200` token with `Cache-Control: no-store`, or a
 * JSON `{error:{code,message}}` with 400/401/429/502/503/504).
 */
export function clientTokenRoute(client: BasiqClient, options: ClientTokenRouteOptions): Middleware {
  if (typeof options?.resolveUserId !== 'function') {
    throw new TypeError('clientTokenRoute needs a resolveUserId(ctx) function');
  }
  const { path, resolveUserId } = options;
  const method = (options.method ?? 'POST').toUpperCase();
  return async (ctx, next) => {
    if (path !== undefined && (ctx.path !== path || ctx.method !== method)) return next();
    let userId: unknown;
    try {
      userId = await resolveUserId(ctx);
    } catch (error) {
      if (answerBasiqError(ctx, client, error)) return;
      throw toKoaError(error);
    }
    respond(ctx, await client.handleClientTokenRequest(userId));
  };
}
