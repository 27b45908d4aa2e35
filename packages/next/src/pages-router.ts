import { createClientTokenFetchHandler } from '@basiq-token/core';
import type { ClientTokenRouteOptions } from '@basiq-token/core';
import type { NextApiRequest, NextApiResponse } from 'next/types.js';
import { lazyClient } from './app-router.js';
import type { NextClientSource } from './client-cache.js';
import { selectingFetchHandler, selectionOf } from './client-selection.js';
import type { NextClientSelection } from './client-selection.js';

/** Options of {@link pagesClientTokenRoute}: core's route options over a Pages API request, and the client. */
export interface PagesClientTokenRouteOptions extends ClientTokenRouteOptions<NextApiRequest> {
  /** The Basiq client or its options (default: from `BASIQ_API_KEY`/`BASIQ_API_URL`); see {@link NextClientSource}. */
  client?: NextClientSource;
  /** Several Basiq applications (instead of `client`): see {@link NextClientSelection}. */
  clients?: NextClientSelection<NextApiRequest>['clients'];
  /** With `clients`: the name of the client for this request, from the Pages API request. */
  select?: NextClientSelection<NextApiRequest>['select'];
}

/** A Pages Router API route. */
export type PagesApiRoute = (req: NextApiRequest, res: NextApiResponse) => Promise<void>;

// Methods the Fetch API refuses to build a Request with; never a client-token method either.
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * The client-token route for the Pages Router, a drop-in for the starter kit's
 * `pages/api/client-token.js`. By default it speaks the starter kit's contract, `GET` answered
 * with the bare token as a JSON string, so the kit's browser code keeps working unchanged;
 * unlike the kit, the user comes from `resolveUserId(req)` (your session), never `?userId=`.
 *
 * ```ts
 * // pages/api/client-token.ts
 * export default pagesClientTokenRoute({
 *   resolveUserId: async (req) => (await getServerSession(req, res, authOptions))?.user.basiqUserId,
 * });
 * ```
 *
 * Give `method: 'POST'` and `body: 'object'` for the other adapters' contract. The answer is core's
 * Fetch handler's, written to `res`. An error thrown by `resolveUserId` rejects, so Next answers
 * it as any failing API route does (500, logged).
 */
export function pagesClientTokenRoute(options: PagesClientTokenRouteOptions): PagesApiRoute {
  const { client, clients, select, resolveUserId, ...rest } = options ?? ({} as PagesClientTokenRouteOptions);
  const apiRequests = new WeakMap<Request, NextApiRequest>();
  const route: ClientTokenRouteOptions<Request> = {
    ...(rest.method === undefined && rest.methods === undefined ? { method: 'GET' } : {}),
    body: 'token',
    ...rest,
    resolveUserId:
      typeof resolveUserId === 'function'
        ? (request: Request) => resolveUserId(apiRequests.get(request) as NextApiRequest)
        : (resolveUserId as never),
  };
  const selection = selectionOf({ client, clients, select });
  const handler = selection
    ? selectingFetchHandler(selection, route, (request) => apiRequests.get(request) as NextApiRequest)
    : createClientTokenFetchHandler(lazyClient(client), route);
  return async (req, res) => {
    const request = toRequest(req);
    apiRequests.set(request, req);
    const answer = await handler(request);
    res.status(answer.status);
    answer.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(await answer.text());
  };
}

function toRequest(req: NextApiRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      try {
        headers.append(name, v);
      } catch {
        // A header value Fetch refuses; the route reads none it could need.
      }
    }
  }
  const method = (req.method ?? 'GET').toUpperCase();
  // Such a method is never allowed: ask with one that is also refused, to get the same 405.
  const usable = FORBIDDEN_METHODS.has(method) ? 'OPTIONS' : method;
  return new Request(new URL(req.url ?? '/', 'http://localhost'), { method: usable, headers });
}
