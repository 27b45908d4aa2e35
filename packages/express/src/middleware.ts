import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { BasiqClient, BasiqClientRegistry, BasiqClientSelection, BasiqOptions } from '@basiq-token/core';
import { isClientSelection, routeBodyText, useClient, useClientSelector } from '@basiq-token/core/adapter';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { clientTokenRoute, routeFor } from './client-token-route.js';
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
 * The middleware `basiq({ clients, select })` returns: `req.basiq` is the context of the client
 * `select(req)` names, and the client-token route uses that client.
 */
export interface BasiqClientsMiddleware extends RequestHandler {
  /** The clients the requests are served from. */
  readonly clients: BasiqClientRegistry;
  /** The client-token route, answering with each request's selected client. */
  clientTokenRoute(options: ClientTokenRouteOptions): RequestHandler;
  /**
   * Error middleware answering Basiq errors as the client-token route does, logged through the
   * registry's first client. See {@link basiqErrorHandler}.
   */
  errorHandler(options?: BasiqErrorHandlerOptions): ErrorRequestHandler;
  /** Closes the clients if `basiq()` made the registry from entries; a registry handed in stays the app's. */
  close(): Promise<void>;
}

/**
 * Express middleware that puts the Basiq client on `req.basiq`. Give it a `BasiqClient`, or
 * `BasiqOptions` to have it create (and own) one. Mount it app-wide or on a sub-path:
 * `app.use(basiq({ apiKey }))`, `app.use('/api', mw)`.
 */
export function basiq(clientOrOptions: BasiqClient | BasiqOptions): BasiqMiddleware;
/**
 * Several Basiq applications: `req.basiq` is the client `select(req)` names among `clients`
 * (`createBasiqClients(...)` or its entries). A name the registry does not hold is answered
 * `500 internal_error` JSON here; an error `select` throws goes to `next(err)`.
 */
export function basiq(selection: BasiqClientSelection<Request>): BasiqClientsMiddleware;
export function basiq(
  source: BasiqClient | BasiqOptions | BasiqClientSelection<Request>,
): BasiqMiddleware | BasiqClientsMiddleware {
  if (isClientSelection(source)) return selecting(source as BasiqClientSelection<Request>);
  const { client, close } = useClient(source as BasiqClient | BasiqOptions);
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

function selecting(selection: BasiqClientSelection<Request>): BasiqClientsMiddleware {
  const selector = useClientSelector(selection, { context: basiqRequestContext });
  const { clients } = selector;
  const middleware: RequestHandler = (req, res, next) => {
    let picked;
    try {
      picked = selector.pick(req);
    } catch (error) {
      next(error);
      return;
    }
    if (picked.answer) {
      res.status(picked.answer.status).set(picked.answer.headers).end(routeBodyText(picked.answer));
      return;
    }
    req.basiq = picked.context;
    next();
  };
  const first = clients.get(clients.names[0] as string);
  return Object.assign(middleware, {
    clients,
    clientTokenRoute: (options: ClientTokenRouteOptions) => routeFor((req) => selector.pick(req), options),
    errorHandler: (options?: BasiqErrorHandlerOptions) => basiqErrorHandler({ client: first, ...options }),
    close: () => selector.close(),
  });
}
