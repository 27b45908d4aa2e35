import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routeResponseToFetch } from '@basiq-token/core';
import type { BasiqClient, BasiqClientRegistry, BasiqClientSelection, BasiqOptions } from '@basiq-token/core';
import { isClientSelection, useClient, useClientSelector } from '@basiq-token/core/adapter';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { clientTokenRoute, routeFor } from './client-token-route.js';
import type { ClientTokenRouteOptions } from './client-token-route.js';
import { basiqErrorHandler } from './error-handler.js';
import type { BasiqErrorHandlerOptions } from './error-handler.js';
import type { BasiqEnv } from './variables.js';

/**
 * Makes the client on the first request, from that request's context: where secrets live in
 * per-request bindings (Cloudflare Workers' `c.env`, read with `env(c)` from `hono/adapter`).
 * Called once per middleware; a throw is retried on the next request.
 */
export type BasiqClientFactory = (c: Context) => BasiqClient | BasiqOptions;

/** The middleware `basiq()` returns, with its client, route and error handler attached. */
export interface BasiqMiddleware<
  C extends BasiqClient | undefined = BasiqClient,
> extends MiddlewareHandler<BasiqEnv> {
  /** The client behind `c.var.basiq` (with a factory: `undefined` until the first request). */
  readonly client: C;
  /** The client-token route for this client: `app.post('/basiq/client-token', mw.clientTokenRoute({ resolveUserId }))`. */
  clientTokenRoute(options: ClientTokenRouteOptions): MiddlewareHandler;
  /**
   * The error handler for `app.onError(...)`: Basiq errors answered with core's `errorResponse`
   * through this client. See {@link basiqErrorHandler}.
   */
  onError(options?: Omit<BasiqErrorHandlerOptions, 'client'>): ErrorHandler;
  /** Closes the client if `basiq()` created it from options; a client handed in stays the app's to close. */
  close(): Promise<void>;
}

/**
 * The middleware `basiq({ clients, select })` returns: `c.var.basiq` is the context of the client
 * `select(c)` names, and the client-token route uses that client.
 */
export interface BasiqClientsMiddleware extends MiddlewareHandler<BasiqEnv> {
  /** The clients the requests are served from. */
  readonly clients: BasiqClientRegistry;
  /** The client-token route, answering with each request's selected client. */
  clientTokenRoute(options: ClientTokenRouteOptions): MiddlewareHandler;
  /**
   * The error handler for `app.onError(...)`: Basiq errors answered with core's `errorResponse`,
   * logged through the registry's first client. See {@link basiqErrorHandler}.
   */
  onError(options?: Omit<BasiqErrorHandlerOptions, 'client'>): ErrorHandler;
  /** Closes the clients if `basiq()` made the registry from entries; a registry handed in stays the app's. */
  close(): Promise<void>;
}

/**
 * Hono middleware that puts the Basiq client on the context: `c.var.basiq` (type your app with
 * {@link BasiqEnv}). Give it a `BasiqClient`, `BasiqOptions` to have it create (and own) one, or a
 * {@link BasiqClientFactory} run on the first request. The client and its request context are
 * made once per middleware, never per request. Uses only what every runtime Hono runs on has
 * (Node, Bun, Deno, Workers).
 */
export function basiq(clientOrOptions: BasiqClient | BasiqOptions): BasiqMiddleware;
/**
 * With a {@link BasiqClientFactory}: the client is made on the first request (from that
 * request's context, e.g. Workers' bindings) and kept; `client` is `undefined` until then.
 */
export function basiq(factory: BasiqClientFactory): BasiqMiddleware<BasiqClient | undefined>;
/**
 * Several Basiq applications: `c.var.basiq` is the client `select(c)` names among `clients`
 * (`createBasiqClients(...)` or its entries). A name the registry does not hold is answered
 * `500 internal_error` JSON here; an error `select` throws reaches `app.onError`.
 */
export function basiq(selection: BasiqClientSelection<Context>): BasiqClientsMiddleware;
export function basiq(
  source: BasiqClient | BasiqOptions | BasiqClientFactory | BasiqClientSelection<Context>,
): BasiqMiddleware<BasiqClient | undefined> | BasiqClientsMiddleware {
  if (isClientSelection(source)) return selecting(source as BasiqClientSelection<Context>);
  let client: BasiqClient | undefined;
  let release = async (): Promise<void> => {};
  let context: BasiqRequestContext | undefined;
  const adopt = (clientOrOptions: BasiqClient | BasiqOptions): BasiqClient => {
    const used = useClient(clientOrOptions);
    client = used.client;
    release = used.close;
    context = basiqRequestContext(client);
    return client;
  };
  const factory = typeof source === 'function' ? source : undefined;
  if (factory === undefined) adopt(source as BasiqClient | BasiqOptions);

  const clientOf = (c: Context): BasiqClient => client ?? adopt((factory as BasiqClientFactory)(c));
  const current = (): BasiqClient => {
    if (client === undefined) {
      // Unreachable: without a factory the client exists from the start, with one the route makes it.
      throw new TypeError('basiq(): no client yet');
    }
    return client;
  };

  const middleware = createMiddleware<BasiqEnv>(async (c, next) => {
    if (context === undefined) clientOf(c);
    c.set('basiq', context as BasiqRequestContext);
    await next();
  });
  const attached = Object.assign(middleware, {
    clientTokenRoute: (options: ClientTokenRouteOptions): MiddlewareHandler => {
      const route = clientTokenRoute(current, options);
      if (factory === undefined) return route;
      // With a factory the route may be the first to need the client (mounted where the
      // middleware is not): it makes it from its own request then.
      return async (c, next) => {
        clientOf(c);
        return route(c, next);
      };
    },
    onError: (options?: Omit<BasiqErrorHandlerOptions, 'client'>): ErrorHandler => {
      const handlers = new Map<BasiqClient | undefined, ErrorHandler>();
      return (error, c) => {
        // The client may come later (a factory): one handler per client, made once.
        let handler = handlers.get(client);
        if (handler === undefined) {
          handler = basiqErrorHandler({ ...options, ...(client ? { client } : {}) });
          handlers.set(client, handler);
        }
        return handler(error, c);
      };
    },
    close: () => release(),
  });
  // A getter (Object.assign would copy today's value): a factory's client arrives later.
  return Object.defineProperty(attached, 'client', {
    get: () => client,
    enumerable: true,
  }) as BasiqMiddleware<BasiqClient | undefined>;
}

function selecting(selection: BasiqClientSelection<Context>): BasiqClientsMiddleware {
  const selector = useClientSelector(selection, { context: basiqRequestContext });
  const { clients } = selector;
  const middleware = createMiddleware<BasiqEnv>(async (c, next) => {
    const picked = selector.pick(c);
    if (picked.answer) return routeResponseToFetch(picked.answer);
    c.set('basiq', picked.context);
    await next();
  });
  const first = clients.get(clients.names[0] as string);
  return Object.assign(middleware, {
    clients,
    clientTokenRoute: (options: ClientTokenRouteOptions) => routeFor((c) => selector.pick(c), options),
    onError: (options?: Omit<BasiqErrorHandlerOptions, 'client'>) =>
      basiqErrorHandler({ ...options, client: first }),
    close: () => selector.close(),
  });
}
