// The fault matrix (test/faults) through the Hono adapter: every row's exact answers, upstream
// calls and settle bounds, as for Express, Koa and Nest.
import { BasiqError, errorResponse } from '@basiq-token/core';
import { runFaultMatrix } from '../faults/run-matrix.js';
import type { AppAnswer } from '../faults/targets.js';
import { honoServer } from '../support/servers/hono.js';
import { statusOf } from '../support/servers/server.js';

/**
 * The driver's `app.onError`: the adapter's handler answers core's `errorResponse` for a
 * `BasiqError`; anything else its `otherwise`, the error's own HTTP status, else 500, `app_error`.
 */
function honoAnswer(error: unknown): AppAnswer {
  if (!(error instanceof BasiqError)) return { status: statusOf(error) ?? 500, code: 'app_error' };
  const answer = errorResponse(error);
  return { status: answer.status, code: (answer.body as { error: { code: string } }).error.code };
}

runFaultMatrix({ name: 'hono', driver: honoServer({ mount: 'route' }), appAnswer: honoAnswer });
