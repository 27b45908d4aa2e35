import type { Context, Middleware } from 'koa';
import type { BasiqClient, BasiqClientRegistry, BasiqClientSelection, BasiqOptions } from '@basiq-token/core';
import { isClientSelection, useClient, useClientSelector } from '@basiq-token/core/adapter';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { clientTokenRoute, routeFor } from './client-token-route.js';
import type { ClientTokenRouteOptions } from './client-token-route.js';
import { answerBasiqError, respond } from './respond.js';

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
 * The middleware `basiq({ clients, select })` returns: `ctx.state.basiq` is the context of the
 * client `select(ctx)` names, and the client-token route uses that client.
 */
export interface BasiqClientsMiddleware extends Middleware {
  /** The clients the requests are served from. */
  readonly clients: BasiqClientRegistry;
  /** The client-token route middleware, answering with each request's selected client. */
  clientTokenRoute(options: ClientTokenRouteOptions): Middleware;
  /** Closes the clients if `basiq()` made the registry from entries; a registry handed in stays the app's. */
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
export function basiq(clientOrOptions: BasiqClient | BasiqOptions): BasiqMiddleware;
/**
 * Several Basiq applications: `ctx.state.basiq` is the client `select(ctx)` names among
 * `clients` (`createBasiqClients(...)` or its entries), and Basiq errors thrown after it are
 * answered through that client. A name the registry does not hold is answered
 * `500 internal_error` JSON here; an error `select` throws reaches Koa's error handling.
 */
export function basiq(selection: BasiqClientSelection<Context>): BasiqClientsMiddleware;
export function basiq(
  source: BasiqClient | BasiqOptions | BasiqClientSelection<Context>,
): BasiqMiddleware | BasiqClientsMiddleware {
  if (isClientSelection(source)) return selecting(source as BasiqClientSelection<Context>);
  const { client, close } = useClient(source as BasiqClient | BasiqOptions);
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

function selecting(selection: BasiqClientSelection<Context>): BasiqClientsMiddleware {
  const selector = useClientSelector(selection, { context: basiqRequestContext });
  const middleware: Middleware = async (ctx, next) => {
    const picked = selector.pick(ctx as Context);
    if (picked.answer) {
      respond(ctx, picked.answer);
      return;
    }
    ctx.state.basiq = picked.context;
    try {
      await next();
    } catch (error) {
      if (!answerBasiqError(ctx, picked.client, error)) throw error;
    }
  };
  return Object.assign(middleware, {
    clients: selector.clients,
    clientTokenRoute: (options: ClientTokenRouteOptions) =>
      routeFor((ctx) => selector.pick(ctx), options, selector),
    close: () => selector.close(),
  });
}
