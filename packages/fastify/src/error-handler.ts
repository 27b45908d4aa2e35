import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BasiqError, errorResponse } from '@basiq-token/core';
import type { BasiqClient, Logger } from '@basiq-token/core';

/** Options of {@link basiqErrorHandler}. */
export interface BasiqErrorHandlerOptions {
  /** Answer and log through this client (its logger); the plugin passes its own. */
  client?: BasiqClient;
  /** Where failures are logged when no client is given (level and wording as core's `errorResponse`). */
  logger?: Logger;
}

/** A Fastify error handler, as `setErrorHandler` takes it. */
export type FastifyErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * A Fastify error handler answering a Basiq error exactly as the client-token route does: core's
 * `errorResponse` (its status, `Cache-Control: no-store`, `Retry-After` when there is one, and a
 * JSON `{error:{code,message}}` without secrets). A data call Basiq refused answers 502
 * `basiq_api_error`, never Basiq's own status (core's `errorResponse` says why). Any other error is thrown on, so Fastify hands it to the parent scope's error handler
 * (the app's, or Fastify's default) as if this one were not there. The plugin sets it in the
 * scope it is registered in; set it yourself with `errorHandler: false` and
 * `setErrorHandler(basiqErrorHandler(...))`, or call it from your own handler.
 */
export function basiqErrorHandler(options: BasiqErrorHandlerOptions = {}): FastifyErrorHandler {
  const { client, logger } = options;
  return (error, _request, reply) => {
    if (!(error instanceof BasiqError)) throw error;
    const answer = client ? client.errorResponse(error) : errorResponse(error, logger);
    // Sent as a ready JSON string: a route's own response schema for this status must not
    // reshape the answer (it would drop `error`).
    void reply.code(answer.status).headers(answer.headers).send(JSON.stringify(answer.body));
  };
}
