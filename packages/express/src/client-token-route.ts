import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routeBodyText, validateClientTokenRouteOptions } from '@basiq-token/core/adapter';
import type {
  BasiqClient,
  ClientTokenRouteOptions as CoreClientTokenRouteOptions,
  ResolveUserId,
  RouteResponse,
} from '@basiq-token/core';

/**
 * Options of the client-token route: core's one route description, with Express's `req` given
 * to `resolveUserId`. A throw from `resolveUserId` goes to `next(err)`. Without `path`, the
 * handler answers every request that reaches it (`app.post(path, handler)` chose the path and
 * method); with `path`, it answers that path and `method`/`methods` itself and passes every other
 * request on (`app.use(handler)`).
 */
export type ClientTokenRouteOptions = CoreClientTokenRouteOptions<Request>;

/**
 * The ready-made `CLIENT_ACCESS` token route: resolves the user, then answers exactly what
 * core's `handleClientTokenRequest` says (`200` token with `Cache-Control: no-store`, or a
 * JSON `{error:{code,message}}` with 400/401/429/502/503/504). Options are checked at once (a
 * `BasiqConfigError` naming the option). Errors go to `next(err)`, so Express 4 handles them as
 * Express 5 does.
 *
 * @example
 * ```ts
 * app.post(DEFAULT_CLIENT_TOKEN_PATH, clientTokenRoute(client, { resolveUserId: (req) => req.user?.basiqUserId }));
 * ```
 */
export function clientTokenRoute(client: BasiqClient, options: ClientTokenRouteOptions): RequestHandler {
  return routeFor(() => ({ client }), options);
}

/** What a route asks for each request: the client, or the answer to send instead (an unknown name). */
export type PickClient = (req: Request) => { client?: BasiqClient; answer?: RouteResponse };

/** The route over a client chosen per request (`basiq({ clients, select })`). */
export function routeFor(pick: PickClient, options: ClientTokenRouteOptions): RequestHandler {
  const route = validateClientTokenRouteOptions(options, { optionPrefix: 'clientTokenRoute' });
  const { path, body } = route;
  const methods: readonly string[] = route.methods;
  const resolveUserId = route.resolveUserId as ResolveUserId<Request>;

  async function answer(req: Request, res: Response): Promise<void> {
    // The client first: a request for an application the process does not serve is answered
    // before the app's own authentication is asked anything.
    const picked = pick(req);
    const route =
      picked.answer ??
      (await (picked.client as BasiqClient).handleClientTokenRequest(await resolveUserId(req)));
    res.status(route.status).set(route.headers);
    // Not res.json(): no ETag, so never a 304 for a response that must not be cached.
    res.end(routeBodyText(route, body));
  }

  return (req: Request, res: Response, next: NextFunction) => {
    if (path !== undefined && (req.path !== path || !methods.includes(req.method))) {
      next();
      return;
    }
    answer(req, res).catch(next);
  };
}
