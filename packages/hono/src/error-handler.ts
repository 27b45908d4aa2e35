import type { Context, ErrorHandler } from 'hono';
import { BasiqError, errorResponse } from '@basiq-token/core';
import type { BasiqClient, Logger, RouteResponse } from '@basiq-token/core';

/** Options of {@link basiqErrorHandler}. */
export interface BasiqErrorHandlerOptions {
  /** Answer and log through this client (its logger); `basiq().onError()` passes its own. */
  client?: BasiqClient;
  /** Where failures are logged when no client is given (level and wording as core's `errorResponse`). */
  logger?: Logger;
  /**
   * Answers every error that is not a Basiq error (the app's own). Without it, an error that
   * carries its own response (Hono's `HTTPException`) answers that, and anything else core's
   * `500 internal_error` JSON, its details kept to the log.
   */
  otherwise?: ErrorHandler;
}

/**
 * A Hono error handler (`app.onError(...)`) answering a Basiq error exactly as the client-token
 * route does: core's `errorResponse` (its status, `Cache-Control: no-store`, `Retry-After` when
 * there is one, and a JSON `{error:{code,message}}` without secrets). A data call Basiq refused
 * answers 502 `basiq_api_error`, never Basiq's own status (core's `errorResponse` says why).
 * Other errors go to `otherwise`; see {@link BasiqErrorHandlerOptions}.
 */
export function basiqErrorHandler(options: BasiqErrorHandlerOptions = {}): ErrorHandler {
  const { client, logger, otherwise } = options;
  if (otherwise !== undefined && typeof otherwise !== 'function') {
    throw new TypeError('basiqErrorHandler: otherwise must be an error handler (err, c) => Response');
  }
  const answerOf = (error: unknown): RouteResponse =>
    client ? client.errorResponse(error) : errorResponse(error, logger);
  return (error, c) => {
    if (error instanceof BasiqError) return send(c, answerOf(error));
    if (otherwise) return otherwise(error, c);
    // Hono's HTTPException (and any error shaped like it) knows its own answer.
    const own = (error as { getResponse?: unknown }).getResponse;
    if (typeof own === 'function') return (own as () => Response).call(error);
    return send(c, answerOf(error));
  };
}

// Copies core's answer to a Hono response, keeping headers other middleware set with `c.header`.
function send(c: Context, answer: RouteResponse): Response {
  // c.body rather than c.json: core's Content-Type (with its charset) and no-store headers go as they are.
  return c.body(JSON.stringify(answer.body), answer.status as 200, answer.headers);
}
