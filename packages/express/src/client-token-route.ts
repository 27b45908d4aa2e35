import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { BasiqClient } from '@basiq-token/core';

/** Options of the client-token route. */
export interface ClientTokenRouteOptions {
  /**
   * Who is signed in, from the app's own authentication (session, JWT, …): the Basiq user id,
   * or `undefined`/`null`/`''` for nobody (the route answers 401). May return a promise. Never
   * trust a user id the browser sends unless your app means to. A throw goes to `next(err)`.
   */
  resolveUserId(req: Request): unknown;
}

/**
 * The ready-made `CLIENT_ACCESS` token route: resolves the user, then answers exactly what
 * core's `handleClientTokenRequest` says (`200` token with `Cache-Control: no-store`, or a
 * JSON `{error:{code,message}}` with 400/401/429/502/503/504). Errors go to `next(err)`, so
 * Express 4 handles them as Express 5 does.
 */
export function clientTokenRoute(client: BasiqClient, options: ClientTokenRouteOptions): RequestHandler {
  if (typeof options?.resolveUserId !== 'function') {
    throw new TypeError('clientTokenRoute needs a resolveUserId(req) function');
  }
  return (req: Request, res: Response, next: NextFunction) => {
    answer(client, options, req, res).catch(next);
  };
}

async function answer(client: BasiqClient, options: ClientTokenRouteOptions, req: Request, res: Response) {
  const userId = await options.resolveUserId(req);
  const route = await client.handleClientTokenRequest(userId);
  res.status(route.status).set(route.headers);
  if (!res.get('Content-Type')) res.type('application/json');
  // Not res.json(): no ETag, so never a 304 for a response that must not be cached.
  res.end(JSON.stringify(route.body));
}
