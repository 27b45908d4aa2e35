import { createClientTokenFetchHandler } from '@basiq-token/core';
import type { BasiqClient, ClientTokenRouteOptions } from '@basiq-token/core';
import type { NextRequest } from 'next/server.js';
import { getBasiqClient } from './client-cache.js';
import type { NextClientSource } from './client-cache.js';
import { selectingFetchHandler, selectionOf } from './client-selection.js';
import type { NextClientSelection } from './client-selection.js';

/** An App Router route handler. The second argument is Next's route context (unused). */
export type NextRouteHandler = (request: NextRequest, context?: unknown) => Promise<Response>;

/** Options of {@link clientTokenRouteHandlers}: core's route options over Next's request, and the client. */
export interface NextClientTokenRouteOptions extends ClientTokenRouteOptions<NextRequest> {
  /** The Basiq client or its options (default: from `BASIQ_API_KEY`/`BASIQ_API_URL`); see {@link NextClientSource}. */
  client?: NextClientSource;
  /**
   * Several Basiq applications (instead of `client`): the clients by name, with `select`; see
   * {@link NextClientSelection}. An unknown name is answered `500 internal_error` JSON.
   */
  clients?: NextClientSelection<NextRequest>['clients'];
  /** With `clients`: the name of the client for this request (by host, path or a header). */
  select?: NextClientSelection<NextRequest>['select'];
}

/** The handlers to export from a `route.ts`; each answers 405 for a method the options do not allow. */
export interface NextClientTokenRouteHandlers {
  /** Export as `GET` where the options allow it (`method: 'GET'` or `methods`); otherwise it answers 405. */
  GET: NextRouteHandler;
  /** Export as `POST`: the default method. */
  POST: NextRouteHandler;
}

/**
 * The client-token route for the App Router, in one line:
 *
 * ```ts
 * // app/basiq/client-token/route.ts
 * export const { POST } = clientTokenRouteHandlers({
 *   resolveUserId: async () => (await auth())?.user?.basiqUserId,
 * });
 * ```
 *
 * Answers what core's Fetch handler answers (`200` token with `Cache-Control: no-store`, or
 * JSON `{error:{code,message}}` with 400/401/429/502/503/504). `methods: ['GET']` and
 * `body: 'token'` give the starter kit's `GET` and bare-string form. Options are checked now;
 * the client is made on the first request (shared per process, see {@link getBasiqClient}), so
 * importing the route never reads the environment or throws during `next build`. An error
 * thrown by `resolveUserId` (Next's `redirect()`, `notFound()`, a failing session store) reaches
 * Next unchanged. Runs on the Node and Edge runtimes: it uses only the Fetch API.
 */
export function clientTokenRouteHandlers(options: NextClientTokenRouteOptions): NextClientTokenRouteHandlers {
  const { client, clients, select, ...route } = options ?? ({} as NextClientTokenRouteOptions);
  const selection = selectionOf({ client, clients, select });
  if (selection) {
    const handler = selectingFetchHandler(
      selection,
      route as ClientTokenRouteOptions<Request>,
      (request) => request as NextRequest,
    ) as NextRouteHandler;
    return { GET: handler, POST: handler };
  }
  const handler = createClientTokenFetchHandler(
    lazyClient(client),
    route as ClientTokenRouteOptions<Request>,
  ) as NextRouteHandler;
  return { GET: handler, POST: handler };
}

/** The client on first use, then the same one while it stays open. */
export function lazyClient(source: NextClientSource | undefined): () => BasiqClient {
  let client: BasiqClient | undefined;
  return () => {
    if (!client || client.toJSON().closed) client = getBasiqClient(source);
    return client;
  };
}
