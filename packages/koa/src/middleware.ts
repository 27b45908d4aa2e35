import type { Middleware } from 'koa';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { useClient } from '@basiq-token/core/adapter';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { clientTokenRoute } from './client-token-route.js';
import type { ClientTokenRouteOptions } from './client-token-route.js';
import { answerBasiqError } from './respond.js';

/** What `basiq()` adds to `ctx.state`; use it when your middleware types name their state. */
export interface BasiqState {
  /** The Basiq client for this request (`http`, `fetch`, `getServerToken`, `getClientToken`). */
  basiq: BasiqRequestContext;
}

declare module 'koa' {
  // Koa's documented way to type what middleware adds to `ctx.state`.
  interface DefaultState {
    /** The Basiq client for this request, set by `basiq()`. */
    basiq: BasiqRequestContext;
  }
}

/** The middleware `basiq()` returns, with the client and the client-token route attached. */
export interface BasiqMiddleware extends Middleware {
  /** The client behind `ctx.state.basiq`. */
  readonly client: BasiqClient;
  /** The client-token route middleware for this client (with a router, or with `path` on a plain app). */
  clientTokenRoute(options: ClientTokenRouteOptions): Middleware;
  /** Closes the client if `basiq()` created it from options; a client handed in stays the app's to close. */
  close(): Promise<void>;
}

/**
 * Koa middleware that puts the Basiq client on `ctx.state.basiq`. Give it a `BasiqClient`, or
 * `BasiqOptions` to have it create (and own) one. Mount it before your routes (app-wide or on a
 * router): a Basiq error thrown by what follows it is answered as the client-token route answers
 * errors, with core's `errorResponse` (its status, JSON `{error:{code,message}}` with a fixed
 * public message, `Cache-Control: no-store`, `Retry-After` where waiting helps; a data call Basiq
 * refused is 502), logged through the client's logger, and emitted on `app.on('error')` for the
 * listeners the app added (with Koa's `status` and `expose`). Other errors pass on untouched.
 */
export function basiq(clientOrOptions: BasiqClient | BasiqOptions): BasiqMiddleware {
  const { client, close } = useClient(clientOrOptions);
  const context = basiqRequestContext(client);
  const middleware: Middleware = async (ctx, next) => {
    ctx.state.basiq = context;
    try {
      await next();
    } catch (error) {
      // Here rather than in a separate error middleware: this one already wraps every route that
      // can reach Basiq, so no app can forget to mount it. Only Basiq's own errors: the app's
      // errors are the app's to shape.
      if (!answerBasiqError(ctx, client, error)) throw error;
    }
  };
  return Object.assign(middleware, {
    client,
    clientTokenRoute: (options: ClientTokenRouteOptions) => clientTokenRoute(client, options),
    close,
  });
}
