import type { RequestHandler } from 'express';
import { useClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions, BasiqRequestContext } from '@basiq-token/core';
import { clientTokenRoute } from './client-token-route.js';
import type { ClientTokenRouteOptions } from './client-token-route.js';

declare global {
  // Declaration merging is how Express types per-request additions such as `req.basiq`.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The Basiq client for this request (`http`, `fetch`, `getServerToken`, `getClientToken`), set by `basiq()`. */
      basiq: BasiqRequestContext;
    }
  }
}

/** The middleware `basiq()` returns, with the client and the client-token route attached. */
export interface BasiqMiddleware extends RequestHandler {
  /** The client behind `req.basiq`. */
  readonly client: BasiqClient;
  /** The client-token route handler for this client: `app.post(path, basiq.clientTokenRoute({ resolveUserId }))`. */
  clientTokenRoute(options: ClientTokenRouteOptions): RequestHandler;
  /** Closes the client if `basiq()` created it from options; a client handed in stays the app's to close. */
  close(): Promise<void>;
}

/**
 * Express middleware that puts the Basiq client on `req.basiq`. Give it a `BasiqClient`, or
 * `BasiqOptions` to have it create (and own) one. Mount it app-wide or on a sub-path:
 * `app.use(basiq({ apiKey }))`, `app.use('/api', mw)`.
 */
export function basiq(clientOrOptions: BasiqClient | BasiqOptions): BasiqMiddleware {
  const { client, owned } = useClient(clientOrOptions);
  const context = client.context();
  const middleware: RequestHandler = (req, _res, next) => {
    req.basiq = context;
    next();
  };
  return Object.assign(middleware, {
    client,
    clientTokenRoute: (options: ClientTokenRouteOptions) => clientTokenRoute(client, options),
    close: async () => {
      if (owned) await client.close();
    },
  });
}
