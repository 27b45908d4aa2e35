import type { ErrorRequestHandler } from 'express';
import { BasiqError, errorResponse } from '@basiq-token/core';
import type { BasiqClient, Logger } from '@basiq-token/core';

/** Options of {@link basiqErrorHandler}. */
export interface BasiqErrorHandlerOptions {
  /** Answer and log through this client (its logger); `basiq().errorHandler()` passes its own. */
  client?: BasiqClient;
  /** Where failures are logged when no client is given (level and wording as core's `errorResponse`). */
  logger?: Logger;
}

/**
 * Express error middleware that answers a Basiq error as the client-token route does: core's
 * `errorResponse` (its status, `Cache-Control: no-store`, `Retry-After` when there is one, and a
 * JSON `{error:{code,message}}` without secrets). Mount it after your routes. Without it,
 * Express's default handler answers an error's own `status`, and a `BasiqApiError`'s is Basiq's
 * (core's `errorResponse` says why that must not reach the browser). Here a data call Basiq
 * refused answers 502 `basiq_api_error`. Any other error goes on to `next(err)`, and so does a Basiq
 * error once the response has started.
 */
export function basiqErrorHandler(options: BasiqErrorHandlerOptions = {}): ErrorRequestHandler {
  const { client, logger } = options;
  return (error, _req, res, next) => {
    if (!(error instanceof BasiqError) || res.headersSent) {
      next(error);
      return;
    }
    const answer = client ? client.errorResponse(error) : errorResponse(error, logger);
    res.status(answer.status).set(answer.headers);
    // Not res.json(): no ETag, so never a 304 for an answer that must not be cached.
    res.end(JSON.stringify(answer.body));
  };
}
