import type { Context, Middleware } from 'koa';
import { validateClientTokenRouteOptions } from '@basiq-token/core/adapter';
import type {
  BasiqClient,
  ClientTokenRouteOptions as CoreClientTokenRouteOptions,
  ResolveUserId,
  RouteResponse,
} from '@basiq-token/core';
import { toKoaError } from './koa-error.js';
import { answerBasiqError, respond } from './respond.js';
import type { ErrorAnswerer } from './respond.js';

/**
 * Options of the client-token route middleware: core's one route description, with Koa's `ctx`
 * given to `resolveUserId`. A throw from it reaches Koa's error handling with `status` 500 and
 * `expose: false` unless it carries its own. Without `path`, the middleware answers every
 * request that reaches it (a router, `@koa/router`, matched the path and method); with `path`,
 * it answers that path and `method`/`methods` itself and passes every other request on.
 */
export type ClientTokenRouteOptions = CoreClientTokenRouteOptions<Context>;

/**
 * The ready-made `CLIENT_ACCESS` token route: resolves the user, then answers exactly what
 * core's `handleClientTokenRequest` says (`200` token with `Cache-Control: no-store`, or a
 * JSON `{error:{code,message}}` with 400/401/429/502/503/504). Options are checked at once (a
 * `BasiqConfigError` naming the option).
 *
 * @example
 * ```ts
 * router.post(DEFAULT_CLIENT_TOKEN_PATH, clientTokenRoute(client, { resolveUserId: (ctx) => ctx.state.user?.basiqUserId }));
 * ```
 */
export function clientTokenRoute(client: BasiqClient, options: ClientTokenRouteOptions): Middleware {
  return routeFor(() => ({ client }), options, client);
}

/** What a route asks for each request: the client, or the answer to send instead (an unknown name). */
export type PickClient = (ctx: Context) => { client?: BasiqClient; answer?: RouteResponse };

/** The route over a client chosen per request (`basiq({ clients, select })`). */
export function routeFor(
  pick: PickClient,
  options: ClientTokenRouteOptions,
  errors: ErrorAnswerer,
): Middleware {
  const route = validateClientTokenRouteOptions(options, { optionPrefix: 'clientTokenRoute' });
  const { path, body } = route;
  const methods: readonly string[] = route.methods;
  const resolveUserId = route.resolveUserId as ResolveUserId<Context>;
  return async (ctx, next) => {
    if (path !== undefined && (ctx.path !== path || !methods.includes(ctx.method))) return next();
    let userId: unknown;
    let picked: ReturnType<PickClient>;
    try {
      // The client first: a request for an application the process does not serve is answered
      // before the app's own authentication is asked anything.
      picked = pick(ctx);
      if (picked.answer === undefined) userId = await resolveUserId(ctx);
    } catch (error) {
      if (answerBasiqError(ctx, errors, error)) return;
      throw toKoaError(error);
    }
    respond(
      ctx,
      picked.answer ?? (await (picked.client as BasiqClient).handleClientTokenRequest(userId)),
      body,
    );
  };
}
