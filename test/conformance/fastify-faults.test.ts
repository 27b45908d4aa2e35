// The fault matrix (test/faults) through the Fastify plugin: every row's exact answers, upstream
// calls and settle bounds, as for Express, Koa and Nest.
import { BasiqError, errorResponse } from '@basiq-token/core';
import { runFaultMatrix } from '../faults/run-matrix.js';
import type { AppAnswer } from '../faults/targets.js';
import { fastifyServer } from '../support/servers/fastify.js';
import { statusOf } from '../support/servers/server.js';

/**
 * The driver with the plugin in a scope of its own: the plugin's error handler answers core's
 * `errorResponse` for a `BasiqError`; anything else goes on to the app's handler at the root, the
 * error's own HTTP status, else 500, `app_error`.
 */
function fastifyAnswer(error: unknown): AppAnswer {
  if (!(error instanceof BasiqError)) return { status: statusOf(error) ?? 500, code: 'app_error' };
  const answer = errorResponse(error);
  return { status: answer.status, code: (answer.body as { error: { code: string } }).error.code };
}

runFaultMatrix({ name: 'fastify', driver: fastifyServer({ register: 'scope' }), appAnswer: fastifyAnswer });
