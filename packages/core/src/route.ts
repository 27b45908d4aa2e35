import { BasiqApiError, BasiqError, BasiqInputError } from './errors.js';
import type { BasiqErrorCode } from './errors.js';
import type { ClientTokenBodyForm } from './route-options.js';
import type { ClientToken, ClientTokenBody, Logger, RouteResponse } from './types.js';
import { validateUserId } from './user-id.js';

// Never cached by the browser or any proxy in between: the body holds a bearer token, and
// the error answers depend on the moment.
const NO_STORE: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Content-Type': 'application/json; charset=utf-8',
};

// Retry-After when Basiq throttled us without saying for how long.
const DEFAULT_RETRY_AFTER_SEC = 60;

interface Mapping {
  status: number;
  /** The code the browser sees (the error's own code unless it is not for public eyes). */
  code: string;
  /** A fixed public message: error messages meant for operators stay in the server's log. */
  message: string;
  retryAfter?: 'always' | 'when-known';
}

const MAPPINGS: Partial<Record<BasiqErrorCode, Mapping>> = {
  unauthenticated: { status: 401, code: 'unauthenticated', message: 'Sign in to get a Basiq client token.' },
  invalid_user_id: {
    status: 400,
    code: 'invalid_user_id',
    message: 'The user id must be 1 to 64 letters, digits or hyphens.',
  },
  token_budget_exhausted: {
    status: 429,
    code: 'token_budget_exhausted',
    message: 'Too many Basiq token requests right now; try again later.',
    retryAfter: 'always',
  },
  basiq_rate_limited: {
    status: 503,
    code: 'basiq_rate_limited',
    message: 'Basiq is rate limiting token requests; try again later.',
    retryAfter: 'always',
  },
  basiq_unavailable: {
    status: 503,
    code: 'basiq_unavailable',
    message: 'Basiq is unavailable; try again later.',
    retryAfter: 'when-known',
  },
  basiq_access_denied: {
    status: 503,
    code: 'basiq_access_denied',
    message: 'Basiq refused token requests for now; try again later.',
    retryAfter: 'when-known',
  },
  client_closed: { status: 503, code: 'client_closed', message: 'The Basiq client is shutting down.' },
  basiq_timeout: { status: 504, code: 'basiq_timeout', message: 'Basiq did not answer in time.' },
  basiq_network_error: { status: 502, code: 'basiq_network_error', message: 'Basiq could not be reached.' },
  basiq_bad_response: {
    status: 502,
    code: 'basiq_bad_response',
    message: 'Basiq gave an unexpected answer.',
  },
  basiq_configuration: {
    status: 502,
    code: 'basiq_configuration',
    message: 'Basiq rejected this application’s credentials.',
  },
  // A data call Basiq refused: never Basiq's own status (errorResponse says why). Basiq's detail
  // stays in the log (it may echo what the app sent).
  basiq_api_error: { status: 502, code: 'basiq_api_error', message: 'Basiq refused the request.' },
};

const INTERNAL: Mapping = { status: 500, code: 'internal_error', message: 'Something went wrong.' };

/**
 * The client-token route as data. `userId` is what the app's own authentication resolved for
 * this request (never trust one the browser sent): missing means nobody is signed in (401),
 * malformed is a 400 before anything is asked of Basiq. On success, Basiq's token shape
 * `{access_token, token_type, expires_in}` with `expires_in` the remaining lifetime; on failure
 * `{error:{code, message}}` from {@link errorResponse}. Never cached.
 */
export async function clientTokenRoute(
  getClientToken: (userId: string) => Promise<ClientToken>,
  userId: unknown,
  opts: { logger?: Logger } = {},
): Promise<RouteResponse> {
  if (userId === undefined || userId === null || userId === '') {
    return errorResponse(new BasiqInputError('No signed-in user', 'unauthenticated'), opts.logger);
  }
  let token: ClientToken;
  try {
    token = await getClientToken(validateUserId(userId));
  } catch (error) {
    return errorResponse(error, opts.logger);
  }
  return {
    status: 200,
    headers: { ...NO_STORE },
    body: {
      access_token: token.accessToken,
      token_type: 'Bearer',
      expires_in: Math.max(0, Math.floor(token.expiresIn)),
    },
  };
}

/**
 * The body of the route's answer as the JSON text to send, in the form the app chose (its
 * `body` route option): with `'token'` a success is the bare token as a JSON string; otherwise,
 * and for every error, the body as it is. Adapters send this text as is (never through a
 * framework's JSON helper, which may add an ETag).
 */
export function routeBodyText(answer: RouteResponse, form: ClientTokenBodyForm = 'object'): string {
  const payload =
    form === 'token' && answer.status === 200 && 'access_token' in answer.body
      ? (answer.body as ClientTokenBody).access_token
      : answer.body;
  return JSON.stringify(payload);
}

/**
 * Maps any error to the route's JSON error answer `{error:{code, message}}` with
 * `Cache-Control: no-store` (adapters reuse it for failures of their own). Library errors keep
 * their stable code; over budget is 429 and Basiq throttling 503, both with `Retry-After`;
 * Basiq failing is 502/503/504, and a data call Basiq refused (`BasiqApiError`, whatever
 * Basiq's status) is 502 `basiq_api_error` with a fixed message: relayed, Basiq's 401/403 would
 * read to a browser as its own session failing, when it was this server's request to Basiq that
 * was refused. Every adapter's error handler answers through this mapping. Anything unknown is a 500
 * `internal_error` whose details stay in the log (name and code only: a foreign error's message
 * might hold a secret).
 */
export function errorResponse(error: unknown, logger?: Logger): RouteResponse {
  const mapping = (error instanceof BasiqError ? MAPPINGS[error.code] : undefined) ?? INTERNAL;
  const headers: Record<string, string> = { ...NO_STORE };
  const retryAfterMs = error instanceof BasiqError ? error.retryAfterMs : undefined;
  if (
    mapping.retryAfter === 'always' ||
    (mapping.retryAfter === 'when-known' && retryAfterMs !== undefined)
  ) {
    headers['Retry-After'] = String(retryAfterSeconds(retryAfterMs));
  }
  log(logger, mapping, error);
  return {
    status: mapping.status,
    headers,
    body: { error: { code: mapping.code, message: mapping.message } },
  };
}

function retryAfterSeconds(ms: number | undefined): number {
  if (ms === undefined || !Number.isFinite(ms)) return DEFAULT_RETRY_AFTER_SEC;
  return Math.max(1, Math.ceil(ms / 1000));
}

function log(logger: Logger | undefined, mapping: Mapping, error: unknown): void {
  if (!logger || mapping.status < 429) return;
  try {
    if (mapping === INTERNAL) {
      logger.error(`basiq-token: a request failed with an unexpected ${describe(error)}; answered 500`);
    } else if (error instanceof BasiqApiError) {
      logger.warn(
        `basiq-token: a request to Basiq failed: ${describeApiError(error)}; answered ${mapping.status}`,
      );
    } else {
      // Library errors' messages are secret-free by contract, and tell the operator what to check.
      const message = error instanceof BasiqError ? `: ${error.message}` : '';
      logger.warn(`basiq-token: answered ${mapping.status} ${mapping.code}${message}`);
    }
  } catch {
    // A broken logger must not turn an answer into a crash.
  }
}

// Status, Basiq's code and its correlation id (what Basiq's support asks for); not the detail,
// which may echo what the app sent.
function describeApiError(error: BasiqApiError): string {
  const parts = [`Basiq answered ${Number(error.upstreamStatus ?? error.status)}`];
  if (error.basiqCode) parts.push(short(error.basiqCode));
  if (error.correlationId) parts.push(`(correlationId ${short(error.correlationId)})`);
  return parts.join(' ');
}

function describe(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const rawName = (error as { name?: unknown }).name;
  const name = typeof rawName === 'string' && rawName ? short(rawName) : 'object';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number'
    ? `${name} (code ${short(String(code))})`
    : name;
}

function short(value: string): string {
  return value.replace(/[^\w.:-]/g, '').slice(0, 60);
}
