import type { Middleware } from 'koa';
import { BasiqError, useClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions, BasiqRequestContext } from '@basiq-token/core';
import { clientTokenRoute } from './client-token-route.js';
import type { ClientTokenRouteOptions } from './client-token-route.js';
import { toKoaError } from './koa-error.js';

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
 * `BasiqOptions` to have it create (and own) one. Basiq errors thrown by later middleware get
 * the `status`, `expose` and `headers` of core's `errorResponse`, which Koa's error handling
 * reads (see `toKoaError`).
 */
export function basiq(clientOrOptions: BasiqClient | BasiqOptions): BasiqMiddleware {
  const { client, owned } = useClient(clientOrOptions);
  const context = client.context();
  const middleware: Middleware = async (ctx, next) => {
    ctx.state.basiq = context;
    try {
      await next();
    } catch (error) {
      // Only Basiq's own errors: the app's errors are the app's to shape.
      throw error instanceof BasiqError ? toKoaError(error) : error;
    }
  };
  return Object.assign(middleware, {
    client,
    clientTokenRoute: (options: ClientTokenRouteOptions) => clientTokenRoute(client, options),
    close: async () => {
      if (owned) await client.close();
    },
  });
}
