import { BasiqError, errorResponse, routeResponseToFetch } from '@basiq-token/core';
import type { BasiqClient, RouteResponse } from '@basiq-token/core';
import type { NextApiRequest, NextApiResponse } from 'next/types.js';
import { getBasiqClient } from './client-cache.js';
import type { NextClientSource } from './client-cache.js';

/** Options of {@link withBasiqErrors} and {@link withBasiqApiErrors}. */
export interface BasiqErrorsOptions {
  /**
   * Whose logger records the failures (default: the process's client from the environment, as
   * {@link getBasiqClient} gives it; without one, nothing is logged).
   */
  client?: NextClientSource;
  /** Told of every Basiq error answered here (an error tracker, a metric); must not throw. */
  onError?: (error: BasiqError) => void;
}

/**
 * Wraps an App Router route handler so that a Basiq error it throws is answered as the
 * client-token route answers errors (core's `errorResponse`: JSON `{error:{code,message}}`, no
 * secret, `Cache-Control: no-store`, `Retry-After` where waiting helps; a data call Basiq refused
 * is 502 `basiq_api_error`). Every other error is rethrown as it was thrown, so Next's own
 * handling still sees `redirect()`, `notFound()` and the app's errors.
 *
 * @example
 * ```ts
 * export const GET = withBasiqErrors(async (_req: Request, { params }) => {
 *   const { userId } = await params;
 *   // With axios on Next's Node runtime: basiqAxios(client) from '@basiq-token/core/axios'.
 *   return Response.json((await basiqAxios(getBasiqClient()).get(`/users/${userId}`)).data);
 * });
 * ```
 */
export function withBasiqErrors<Args extends unknown[]>(
  handler: (...args: Args) => Response | Promise<Response>,
  options: BasiqErrorsOptions = {},
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (!(error instanceof BasiqError)) throw error;
      return routeResponseToFetch(answer(error, options));
    }
  };
}

/**
 * {@link withBasiqErrors} for a Pages Router API route: a Basiq error is written to `res` as the
 * client-token route answers errors; any other error is rethrown for Next to handle.
 */
export function withBasiqApiErrors<Req extends NextApiRequest, Res extends NextApiResponse>(
  handler: (req: Req, res: Res) => unknown,
  options: BasiqErrorsOptions = {},
): (req: Req, res: Res) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (!(error instanceof BasiqError)) throw error;
      const route = answer(error, options);
      res.status(route.status);
      for (const [name, value] of Object.entries(route.headers)) res.setHeader(name, value);
      res.end(JSON.stringify(route.body));
    }
  };
}

function answer(error: BasiqError, options: BasiqErrorsOptions): RouteResponse {
  try {
    options.onError?.(error);
  } catch {
    // A failing reporter must not turn the answer into a crash.
  }
  const client = clientFor(options.client);
  return client ? client.errorResponse(error) : errorResponse(error);
}

function clientFor(source: NextClientSource | undefined): BasiqClient | undefined {
  try {
    return getBasiqClient(source);
  } catch {
    // No client to be had (no key in the environment): answer without its logger.
    return undefined;
  }
}
