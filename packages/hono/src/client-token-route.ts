import type { Context, MiddlewareHandler } from 'hono';
import { createClientTokenFetchHandler, routeResponseToFetch } from '@basiq-token/core';
import { validateClientTokenRouteOptions } from '@basiq-token/core/adapter';
import type {
  BasiqClient,
  ClientTokenFetchHandler,
  ClientTokenRouteOptions as CoreRouteOptions,
  RouteResponse,
} from '@basiq-token/core';

/**
 * Options of the client-token route: core's one options type, with `resolveUserId` given Hono's
 * `Context` (read the session the app's own middleware put there: `c.get('session')`, a cookie,
 * a JWT payload). `methods`/`method` (default `POST`) and `body` (`'object'`, or `'token'` for the
 * bare token string) as in core. `path`: leave it out when a route (`app.post(path, …)`) already
 * matched; give it to mount the handler with `app.use(…)`, where it answers that path only.
 */
export type ClientTokenRouteOptions = CoreRouteOptions<Context>;

/**
 * The ready-made `CLIENT_ACCESS` token route for Hono, on core's Fetch-API handler: resolves the
 * user with `resolveUserId(c)`, then answers exactly what core answers (`200` token with
 * `Cache-Control: no-store`, or JSON `{error:{code,message}}` with 400/401/429/502/503/504; 405
 * with `Allow` for another method). A throw from `resolveUserId` reaches `app.onError`. Options
 * are checked here (a `BasiqConfigError` naming the option), once: nothing is built per request.
 * `client` may be a function returning the client (the middleware's lazy one).
 */
export function clientTokenRoute(
  client: BasiqClient | (() => BasiqClient),
  options: ClientTokenRouteOptions,
): MiddlewareHandler {
  const clientOf = typeof client === 'function' ? client : () => client;
  return routeFor(() => ({ client: clientOf() }), options);
}

/** What a route asks for each request: the client, or the answer to send instead (an unknown name). */
export type PickClient = (c: Context) => { client?: BasiqClient; answer?: RouteResponse };

/** The route over a client chosen per request (`basiq({ clients, select })`). */
export function routeFor(pick: PickClient, options: ClientTokenRouteOptions): MiddlewareHandler {
  const route = validateClientTokenRouteOptions(options, { optionPrefix: 'clientTokenRoute' });
  const resolveUserId = route.resolveUserId as (c: Context) => unknown;
  // Core's handler sees the Fetch Request; the app's resolver wants Hono's Context, found again
  // by the Request it wraps (weakly held: gone with the request).
  const contexts = new WeakMap<Request, Context>();
  const handlerOptions = {
    resolveUserId: (request: Request) => {
      const c = contexts.get(request);
      return c === undefined ? undefined : resolveUserId(c);
    },
    methods: route.methods,
    body: route.body,
  };
  // One handler per client, made on its first request: as many as the app has clients.
  const handlers = new Map<BasiqClient, ClientTokenFetchHandler>();
  const { path } = route;
  return async (c, next) => {
    if (path !== undefined && c.req.path !== path) {
      await next();
      return;
    }
    const picked = pick(c);
    if (picked.answer) return routeResponseToFetch(picked.answer);
    const client = picked.client as BasiqClient;
    let handler = handlers.get(client);
    if (handler === undefined) {
      handler = createClientTokenFetchHandler(client, handlerOptions);
      handlers.set(client, handler);
    }
    contexts.set(c.req.raw, c);
    return handler(c.req.raw);
  };
}
