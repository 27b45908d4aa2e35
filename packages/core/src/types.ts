import type { BasiqApi } from './api/index.js';
import type { TokenStore } from './store.js';

/** Anything with `warn` and `error` (console, pino, Nest's `Logger`). Messages never hold secrets. */
export interface Logger {
  debug?(message: string, ...meta: unknown[]): void;
  info?(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

/** A source of the current time in epoch milliseconds; inject one to test expiry. */
export interface Clock {
  now(): number;
}

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** First backoff delay in ms (default 200); doubles each retry, with full jitter. */
  minDelayMs?: number;
  /** Cap of one backoff delay in ms (default 5,000). */
  maxDelayMs?: number;
  /** Longest `Retry-After` honoured in ms (default 30,000); longer ends the retries. */
  maxRetryAfterMs?: number;
}

export interface RefreshOptions {
  /** Before expiry, serve the cached token and refresh in the background (default 300,000 = 5 min). */
  softWindowMs?: number;
  /** Before expiry, callers wait for the refresh (default 30,000). */
  hardWindowMs?: number;
  /**
   * After a 403 from `/token` (disabled account, IP throttled), no new attempt for this long
   * (default 60,000): the first window of `backoffMs`'s kind for a 403, doubled likewise.
   */
  cooldownMs?: number;
  /**
   * After `/token` refuses the application (a wrong key or version: 400, 401, 404; a throttle:
   * 429), no `/token` call at all for this long (default 5,000), doubled after each further
   * refusal in a row up to `maxBackoffMs`, and at least Basiq's `Retry-After` (up to
   * `maxBackoffMs`). Callers meanwhile get the same error at once, a still-valid server token
   * keeps being served, and with a shared store the whole fleet waits as one; when the window
   * ends, one call asks Basiq again.
   */
  backoffMs?: number;
  /** The longest such window in ms (default 300,000 = 5 min, Basiq's rate-limit period). */
  maxBackoffMs?: number;
  /** Optional `unref`'d timer that refreshes in the soft window even without traffic (default off). */
  keepWarm?: boolean;
}

export interface ClientTokenOptions {
  /** Most users whose client token is kept (LRU; default 10,000). */
  maxEntries?: number;
  /** Reuse a cached client token only while at least this much lifetime remains (default 300,000 = 5 min). */
  minRemainingMs?: number;
}

export interface BudgetOptions {
  /** Most `/token` calls per window for this application (default 1,200, below Basiq's 1,500). */
  limit?: number;
  /** The window in ms (default 300,000 = 5 min, Basiq's period). */
  windowMs?: number;
  /** Calls kept back for server-token refreshes: client tokens stop at `limit - serverReserve` (default 100). */
  serverReserve?: number;
}

/**
 * Reads the API key, from a secret manager say: the key, or a promise of it. Called when the key
 * is first needed (or at `warmUp()`), then only when it may have changed: after Basiq refused the
 * current key at `/token`, when another instance sharing the store retired it, or on
 * `client.rotateApiKey()`. What it returns is checked like the `apiKey` option; a throw or a
 * bad value fails with `BasiqConfigError` (`basiq_configuration`) that never holds the value.
 */
export type ApiKeyProvider = () => string | Promise<string>;

/** Options of {@link createBasiqClient}. Validated at once: a wrong option throws `BasiqConfigError`. */
export interface BasiqOptions {
  /**
   * The API key from the Basiq dashboard, sent exactly as given (`Authorization: Basic <apiKey>`),
   * or a function returning it (or a promise of it), so that a rotated key is picked up without a
   * restart (see {@link ApiKeyProvider} and `BasiqClient.rotateApiKey`).
   */
  apiKey: string | ApiKeyProvider;
  /** Basiq's base URL (default `https://au-api.basiq.io`). `https` only, except loopback hosts (the emulator). */
  baseUrl?: string;
  /** The `basiq-version` header sent to `/token` (default `3.0`). */
  basiqVersion?: string;
  /** Timeout of one `/token` attempt in ms (default 10,000). */
  tokenTimeoutMs?: number;
  /** Timeout of one data request made through `http`/`fetch` in ms (default 30,000). */
  requestTimeoutMs?: number;
  retry?: RetryOptions;
  refresh?: RefreshOptions;
  clientTokens?: ClientTokenOptions;
  budget?: BudgetOptions;
  /** Where tokens, the budget and the refresh lock live (default: in this process). */
  store?: TokenStore;
  /** The fetch used for `/token` and by the fetch wrapper (default: global `fetch`). */
  fetch?: FetchLike;
  clock?: Clock;
  /** Where the library logs (default `console`); `false` for silence. */
  logger?: Logger | false;
}

/** A CLIENT_ACCESS token for one user. `expiresIn` is the remaining lifetime in seconds. */
export interface ClientToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  expiresAt: number;
  userId: string;
}

/** What the library emits (`client.on(event, listener)`); payloads never hold a token. */
export interface BasiqEvents {
  /** A `/token` call succeeded. */
  'token:fetched': [{ scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS'; expiresInSec: number; durationMs: number }];
  /** A `/token` attempt failed and will be retried. */
  'token:retry': [
    { scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS'; attempt: number; delayMs: number; reason: string },
  ];
  /** Getting a token failed for good. */
  'token:error': [{ scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS'; code: string; message: string }];
  /** A data call met an expired/invalid token and is replayed with a fresh one. */
  'token:replay': [{ status: number; basiqCode: string | undefined }];
  /**
   * `/token` refused the application (wrong key or version, 403, 429): no `/token` call for
   * `windowMs` (`refusals` in a row so far).
   */
  'token:backoff': [{ code: string; upstreamStatus: number | undefined; windowMs: number; refusals: number }];
  /** A client-token request was refused by the local budget. */
  'budget:exhausted': [{ retryAfterMs: number }];
  /** The store failed; serving from this process meanwhile. */
  'store:degraded': [{ message: string }];
  /** The store answers again. */
  'store:recovered': [Record<string, never>];
  /**
   * The API key changed and the previous key's tokens were dropped: `reason` is `rotateApiKey`
   * (the app called it), `refused` (Basiq refused the key and the `apiKey` function answered a
   * new one) or `retired` (another instance sharing the store rotated away from it);
   * `generation` counts the changes in this client.
   */
  'key:rotated': [{ reason: KeyRotationReason; generation: number }];
}

/** Why the API key changed (the `key:rotated` event). */
export type KeyRotationReason = 'rotateApiKey' | 'refused' | 'retired';

/** What the token engine offers the HTTP layer. */
export interface ServerTokenSource {
  /** The current server token (cached; refreshed as needed). */
  getServerToken(): Promise<string>;
  /** Drops `token` if it is still the cached one, so the next `getServerToken()` refreshes. */
  invalidateServerToken(token: string): Promise<void>;
}

/**
 * What `client.context()` gives adapters to put on the request. The Node adapters add `http`, an
 * axios instance (`BasiqAxiosRequestContext` from `@basiq-token/core/axios`).
 */
export interface BasiqRequestContext {
  /** A fetch bound to Basiq's base URL (relative paths allowed) that sends the server token. */
  fetch: FetchLike;
  /** A typed client for every Basiq endpoint, over {@link fetch} (see `BasiqClient.api`). */
  readonly api: BasiqApi;
  getServerToken(): Promise<string>;
  getClientToken(userId: string): Promise<ClientToken>;
}

/** The client-token route as data: adapters only copy it to their framework's response. */
export interface RouteResponse {
  status: number;
  headers: Record<string, string>;
  body: ClientTokenBody | ErrorBody;
}

export interface ClientTokenBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface ErrorBody {
  error: { code: string; message: string };
}
