/**
 * The fault matrix as data: one row per fault, saying what the app's callers see and how many
 * upstream calls it costs. `run-matrix.ts` plays every row through every adapter against the
 * emulator, and `doc.test.ts` checks that the table in docs/faults.md is exactly these rows, so the
 * document and the tests cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import type { BasiqOptions } from '@basiq-token/core';
import type { Fault } from '@basiq-token/emulator';

/** The client options a row runs with (see {@link optionsFor}). */
export interface MatrixOptions {
  tokenTimeoutMs: number;
  requestTimeoutMs: number;
  retry: { retries: number; minDelayMs: number; maxDelayMs: number; maxRetryAfterMs: number };
  refresh: { softWindowMs: number; hardWindowMs: number; cooldownMs: number };
}

/**
 * The client options every row runs with: short backoffs so the matrix is quick, timeouts long
 * enough that a busy machine never turns a normal answer into a timeout (the rows about timeouts
 * shorten theirs), and the defaults for the rest (5-minute soft window, 30-second hard window,
 * 60-second cool-down).
 */
export const MATRIX_OPTIONS: MatrixOptions = {
  tokenTimeoutMs: 2_000,
  requestTimeoutMs: 2_000,
  retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 500 },
  refresh: { softWindowMs: 300_000, hardWindowMs: 30_000, cooldownMs: 60_000 },
};

/** The options of one row: {@link MATRIX_OPTIONS} with the row's own timeouts. */
export function optionsFor(row: FaultRow): MatrixOptions & Partial<BasiqOptions> {
  return { ...MATRIX_OPTIONS, ...row.timeouts };
}

/** The emulator's token lifetime for the matrix (Basiq's own). */
export const MATRIX_TOKEN_LIFETIME_SEC = 3600;

/** What the client-token route answered: status, the JSON error code and `Retry-After`, if any. */
export interface RouteAnswer {
  status: number;
  /** `error.code` of the JSON body; absent for a 200 (a token). */
  code?: string;
  /** The `Retry-After` header exactly; absent when the answer must not carry one. */
  retryAfter?: string;
}

/** What reached the app's error handler from `http.get(...)`, or a 200. */
export type AppResult =
  | { ok: true }
  | {
      ok: false;
      /** The thrown error's `code` (`basiq_unavailable`, `basiq_api_error`, axios's `ECONNABORTED`, …). */
      error: string;
      /** For a `BasiqApiError`: Basiq's status (its `upstreamStatus`) and error code. */
      upstream?: { status: number; basiqCode: string };
      /**
       * What core's `errorResponse(error)` makes of it: what Nest's `BasiqExceptionFilter`,
       * Express's `basiqErrorHandler()` and Koa's `basiq()` middleware send.
       */
      answer: { status: number; code: string };
    };

/** Calls the emulator received for one request. */
export interface Calls {
  token: number;
  users: number;
}

export interface FaultRow {
  /** Stable id: the test's name and the doc's anchor. */
  id: string;
  /** The fault, as the doc's first column reads. */
  fault: string;
  where: 'token' | 'data';
  /** What the emulator is told before each request under test. */
  inject: Fault;
  /** Timeouts this row shortens (the rows about timeouts). */
  timeouts?: { tokenTimeoutMs?: number; requestTimeoutMs?: number };
  clientRoute: {
    /** The first request's answer and `/token` calls. */
    first: RouteAnswer;
    calls: number;
    /** The next request's, straight after (cool-down, caching, no negative caching). */
    next: RouteAnswer;
    nextCalls: number;
  };
  appRoute: { result: AppResult; calls: Calls };
  /** Exact delays between `/token` attempts (`token:retry` events), when the fault dictates them. */
  retryDelaysMs?: readonly number[];
  /** How the library retries or cools down (free text, shown in the doc). */
  recovery: string;
  /**
   * With a token already cached, the fault hits its refresh in the soft window (and, if the fault
   * lasts, in the hard window too): data calls must go on succeeding with the still-valid token.
   */
  servedWhileValid: boolean;
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../basiq-reference/fixtures/${name}.json`, import.meta.url), 'utf8'));

const ALWAYS = Number.POSITIVE_INFINITY;
const token = (fault: Omit<Fault, 'path'>): Fault => ({ path: '/token', ...fault });
const data = (fault: Omit<Fault, 'path'>): Fault => ({ path: '/users', ...fault });

const ok: AppResult = { ok: true };
const tokenFailure = (error: string, status: number): AppResult => ({
  ok: false,
  error,
  answer: { status, code: error },
});
const apiError = (status: number, basiqCode: string): AppResult => ({
  ok: false,
  error: 'basiq_api_error',
  upstream: { status, basiqCode },
  // Never Basiq's own status (core's errorResponse says why).
  answer: { status: 502, code: 'basiq_api_error' },
});

/** A row whose fault lasts: every request meets it, nothing is cached, the next request pays again. */
function lasting(
  id: string,
  fault: string,
  inject: Fault,
  answer: RouteAnswer,
  app: AppResult,
  attempts: number,
  recovery: string,
  extra: Partial<FaultRow> = {},
): FaultRow {
  return {
    id,
    fault,
    where: 'token',
    inject,
    clientRoute: { first: answer, calls: attempts, next: answer, nextCalls: attempts },
    appRoute: { result: app, calls: { token: attempts, users: 0 } },
    recovery,
    servedWhileValid: true,
    ...extra,
  };
}

const RETRIED = 'retried: 3 attempts, capped exponential backoff with full jitter; the failure is not cached';

/**
 * A lasting refusal of the application (wrong key, 429): the first request pays its calls and
 * opens the back-off window (refresh.backoffMs, 5 s by default), so the next request answers at
 * once with the same error and no `/token` call; its `Retry-After`, when the code carries one, is
 * the window left.
 */
function refused(args: Parameters<typeof lasting>, nextRetryAfter?: string): FaultRow {
  const row = lasting(...args);
  const first = row.clientRoute.first;
  return {
    ...row,
    clientRoute: {
      ...row.clientRoute,
      next: nextRetryAfter ? { ...first, retryAfter: nextRetryAfter } : first,
      nextCalls: 0,
    },
  };
}
const WINDOW =
  'then no /token call at all for the back-off window (refresh.backoffMs: 5 s, doubling up to 5 min)';

/** Every row; the order is the doc's. */
export const FAULT_ROWS: readonly FaultRow[] = [
  lasting(
    'token-500',
    '500 Internal server error',
    token({ status: 500, times: ALWAYS }),
    { status: 503, code: 'basiq_unavailable' },
    tokenFailure('basiq_unavailable', 503),
    3,
    RETRIED,
  ),
  lasting(
    'token-503',
    '503 Service is currently unavailable',
    token({ status: 503, times: ALWAYS }),
    { status: 503, code: 'basiq_unavailable' },
    tokenFailure('basiq_unavailable', 503),
    3,
    RETRIED,
  ),
  {
    id: 'token-503-once',
    fault: '503 once, then normal answers',
    where: 'token',
    inject: token({ status: 503, times: 1 }),
    clientRoute: { first: { status: 200 }, calls: 2, next: { status: 200 }, nextCalls: 0 },
    appRoute: { result: ok, calls: { token: 2, users: 1 } },
    recovery: 'the second attempt succeeds; the token is then cached (the next request makes no call)',
    servedWhileValid: true,
  },
  refused(
    [
      'token-429',
      '429 Too many requests, no Retry-After',
      token({ status: 429, times: ALWAYS }),
      { status: 503, code: 'basiq_rate_limited', retryAfter: '60' },
      tokenFailure('basiq_rate_limited', 503),
      3,
      `retried: 3 attempts, capped exponential backoff with full jitter; the route's Retry-After is a default 60 s; ${WINDOW}`,
    ],
    '5',
  ),
  refused(
    [
      'token-429-retry-after',
      '429 with Retry-After: 0.05 (within retry.maxRetryAfterMs)',
      token({ status: 429, times: ALWAYS, headers: { 'retry-after': '0.05' } }),
      { status: 503, code: 'basiq_rate_limited', retryAfter: '1' },
      tokenFailure('basiq_rate_limited', 503),
      3,
      `retried: 3 attempts, each wait is the Retry-After (50 ms) instead of the backoff; ${WINDOW}`,
      { retryDelaysMs: [50, 50] },
    ],
    '5',
  ),
  refused(
    [
      'token-429-retry-after-long',
      '429 with Retry-After: 1 (past retry.maxRetryAfterMs)',
      token({ status: 429, times: ALWAYS, headers: { 'retry-after': '1' } }),
      { status: 503, code: 'basiq_rate_limited', retryAfter: '1' },
      tokenFailure('basiq_rate_limited', 503),
      1,
      `not retried: waiting that long is the caller’s choice; Retry-After is passed on; ${WINDOW}, at least the Retry-After`,
    ],
    '5',
  ),
  {
    id: 'token-403',
    fault: '403 Invalid request (IP throttled)',
    where: 'token',
    inject: token({ status: 403, times: ALWAYS }),
    clientRoute: {
      first: { status: 503, code: 'basiq_access_denied' },
      calls: 1,
      next: { status: 503, code: 'basiq_access_denied', retryAfter: '60' },
      nextCalls: 0,
    },
    appRoute: { result: tokenFailure('basiq_access_denied', 503), calls: { token: 1, users: 0 } },
    recovery:
      'not retried; cool-down: no /token call at all for refresh.cooldownMs (60 s, doubling up to 5 min); Retry-After says how long is left',
    servedWhileValid: true,
  },
  refused([
    'token-404',
    '404 Unable to authenticate (bad API key)',
    token({ status: 404, times: ALWAYS, body: fixture('postTokenNotFound') }),
    { status: 502, code: 'basiq_configuration' },
    tokenFailure('basiq_configuration', 502),
    1,
    `not retried: a configuration error whose message says to check apiKey and baseUrl; ${WINDOW}`,
  ]),
  lasting(
    'token-malformed-json',
    '200 with malformed JSON',
    token({ status: 200, times: ALWAYS, rawBody: '{"access_token": ' }),
    { status: 502, code: 'basiq_bad_response' },
    tokenFailure('basiq_bad_response', 502),
    3,
    `${RETRIED} (a gateway glitch may pass)`,
  ),
  lasting(
    'token-missing-fields',
    '200 without access_token and expires_in',
    token({ status: 200, times: ALWAYS, body: { token_type: 'Bearer' } }),
    { status: 502, code: 'basiq_bad_response' },
    tokenFailure('basiq_bad_response', 502),
    3,
    `${RETRIED} (a gateway glitch may pass)`,
  ),
  lasting(
    'token-slow',
    'answer slower than tokenTimeoutMs (100 ms here)',
    token({ delayMs: 1_000, times: ALWAYS }),
    { status: 504, code: 'basiq_timeout' },
    tokenFailure('basiq_timeout', 504),
    3,
    'each attempt is aborted at tokenTimeoutMs, then retried like a 5xx',
    { timeouts: { tokenTimeoutMs: 100 } },
  ),
  lasting(
    'token-reset',
    'connection reset',
    token({ reset: true, times: ALWAYS }),
    { status: 502, code: 'basiq_network_error' },
    tokenFailure('basiq_network_error', 502),
    3,
    'retried like a 5xx',
  ),
  ...dataRows(),
];

function dataRows(): FaultRow[] {
  const noDataCall = { first: { status: 200 }, calls: 1, next: { status: 200 }, nextCalls: 0 };
  const row = (
    id: string,
    fault: string,
    inject: Fault,
    result: AppResult,
    calls: Calls,
    recovery: string,
  ): FaultRow => ({
    id,
    fault,
    where: 'data',
    inject,
    clientRoute: noDataCall,
    appRoute: { result, calls },
    recovery,
    servedWhileValid: false,
  });
  const expired = fixture('getUserForbidden');
  const invalid = fixture('getInstitutionsUnauthorized');
  const replayed = 'the token is invalidated, refreshed once and the request replayed once';
  return [
    row(
      'data-403-expired-once',
      '403 access-denied "Token has expired", once',
      data({ status: 403, body: expired, times: 1 }),
      ok,
      { token: 2, users: 2 },
      replayed,
    ),
    row(
      'data-403-expired-always',
      '403 access-denied "Token has expired", always',
      data({ status: 403, body: expired, times: ALWAYS }),
      apiError(403, 'access-denied'),
      { token: 2, users: 2 },
      `${replayed}; the second refusal is final, never a loop`,
    ),
    row(
      'data-401-once',
      '401 invalid-authorization-token, once',
      data({ status: 401, body: invalid, times: 1 }),
      ok,
      { token: 2, users: 2 },
      replayed,
    ),
    row(
      'data-401-always',
      '401 invalid-authorization-token, always',
      data({ status: 401, body: invalid, times: ALWAYS }),
      apiError(401, 'invalid-authorization-token'),
      { token: 2, users: 2 },
      `${replayed}; the second refusal is final, never a loop`,
    ),
    row(
      'data-403-forbidden',
      '403 forbidden-access (wrong scope)',
      data({
        status: 403,
        times: ALWAYS,
        body: {
          type: 'list',
          correlationId: 'matrix-forbidden',
          data: [
            {
              type: 'error',
              code: 'forbidden-access',
              title: 'Forbidden Access',
              detail: 'Access to this resource is forbidden',
              source: {},
            },
          ],
        },
      }),
      apiError(403, 'forbidden-access'),
      { token: 1, users: 1 },
      'not retried: a fresh token would be refused too',
    ),
    row(
      'data-503',
      '503 from the data endpoint',
      data({ status: 503, times: ALWAYS }),
      apiError(503, 'service-unavailable'),
      { token: 1, users: 1 },
      'not retried by the library (a data call may not be idempotent)',
    ),
    {
      ...row(
        'data-slow',
        'data answer slower than requestTimeoutMs (300 ms here)',
        data({ delayMs: 1_000, times: ALWAYS }),
        { ok: false, error: 'ECONNABORTED', answer: { status: 500, code: 'internal_error' } },
        { token: 1, users: 1 },
        'aborted at requestTimeoutMs; axios’s own timeout error, Authorization redacted',
      ),
      timeouts: { requestTimeoutMs: 300 },
    },
  ];
}
