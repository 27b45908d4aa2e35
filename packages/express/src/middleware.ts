import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { useClient } from '@basiq-token/core/adapter';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { clientTokenRoute } from './client-token-route.js';
import type { ClientTokenRouteOptions } from './client-token-route.js';
import { basiqErrorHandler } from './error-handler.js';
import type { BasiqErrorHandlerOptions } from './error-handler.js';

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
  /**
   * Error middleware answering Basiq errors as the client-token route does (a data call Basiq
   * refused is 502, never Basiq's own 401/403); other errors go to `next(err)`. Mount it after
   * your routes: `app.use(mw.errorHandler())`. See {@link basiqErrorHandler}.
   */
  errorHandler(options?: BasiqErrorHandlerOptions): ErrorRequestHandler;
  /** Closes the client if `basiq()` created it from options; a client handed in stays the app's to close. */
  close(): Promise<void>;
}

/**
 * Express middleware that puts the Basiq client on `req.basiq`. Give it a `BasiqClient`, or
 * `BasiqOptions` to have it create (and own) one. Mount it app-wide or on a sub-path:
 * `app.use(basiq({ apiKey }))`, `app.use('/api', mw)`.
 */
export function basiq(clientOrOptions: BasiqClient | BasiqOptions): BasiqMiddleware {
  const { client, close } = useClient(clientOrOptions);
  const context = basiqRequestContext(client);
  const middleware: RequestHandler = (req, _res, next) => {
    req.basiq = context;
    next();
  };
  return Object.assign(middleware, {
    client,
    clientTokenRoute: (options: ClientTokenRouteOptions) => clientTokenRoute(client, options),
    errorHandler: (options?: BasiqErrorHandlerOptions) => basiqErrorHandler({ client, ...options }),
    close,
  });
}
