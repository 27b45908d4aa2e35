import type { AddApiKeyOptions, ApiKeyInfo } from './api-keys.js';
/** Options of {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port; default 0 (a free port, read it back from `emulator.port`). */
  port?: number;
  /** Interface to listen on; default '127.0.0.1'. */
  host?: string;
  /** The API key `/token` accepts; default: random, shaped like Basiq's (base64 of `${uuid}:${uuid}`). */
  apiKey?: string;
  /** Lifetime of issued tokens in seconds (`expires_in` and the JWT `exp`); default 3600. */
  tokenLifetimeSec?: number;
  /**
   * `/token` rate limit; default 1500 calls per 300000 ms, like Basiq. A sliding window over the calls
   * the limit let through (refused calls are not recorded, so a client that backs off gets through as
   * soon as the oldest admitted call leaves the window). Past it `/token` answers 429.
   * `retryAfter: true` adds a `retry-after` header (seconds until a slot frees) to those 429s; Basiq
   * does not document sending one, so it is off by default.
   */
  rateLimit?: { limit?: number; windowMs?: number; retryAfter?: boolean };
  /** Clock (epoch ms) for token iat/exp, expiry checks and the rate window; default Date.now. */
  now?: () => number;
  /**
   * Default true: the user of Basiq's getUser sample (`SEED_USER_ID`) exists, with its accounts
   * (`SEED_ACCOUNT_IDS`), transactions, a finished job (`SEED_JOB_ID`) and a consent (`SEED_CONSENT_ID`).
   */
  seedUsers?: boolean;
  /**
   * Where the stand-in Consent UI's "finish" link sends the browser (with `?jobIds=…&state=…`), like
   * the redirect URL set in Basiq's dashboard. Without it the page has no such link. Change it later
   * with `setConsentRedirectUrl()`.
   */
  consentRedirectUrl?: string;
  /**
   * How many times `GET /jobs/{jobId}` answers a job made by the Consent UI stand-in as still in
   * progress before it reads as finished, so a client's polling can be tested; default 0.
   */
  jobPendingReads?: number;
}

/** A scripted failure for the next matching request(s). */
export interface Fault {
  /** Request path prefix it applies to ('/token', '/users'); default: any non-control path. */
  path?: string;
  /** How many next matching requests get it (default 1). */
  times?: number;
  /** Answer this status... */
  status?: number;
  /** ...with this JSON body (default: a Basiq-style error body fitting the status). */
  body?: unknown;
  /** Or this raw text (e.g. malformed JSON), sent with content-type application/json. */
  rawBody?: string;
  /** Extra response headers, e.g. {'retry-after': '1'}. */
  headers?: Record<string, string>;
  /** Wait this long first (slow answer); with no status and no reset, then answer normally. */
  delayMs?: number;
  /** Destroy the socket without answering (connection reset). */
  reset?: boolean;
}

/** What the emulator was asked, live (see {@link BasiqEmulator.counters}). */
export interface EmulatorCounters {
  /** Every POST /token received (including errors, faults and rate-limited ones). */
  tokenCalls: number;
  /** SERVER_ACCESS tokens issued. */
  serverTokens: number;
  /** CLIENT_ACCESS tokens issued. */
  clientTokens: number;
  /** /token answers refused by the rate limit. */
  rateLimited: number;
  /** Per "METHOD /route-template", e.g. "GET /users/{userId}", "POST /token"; unknown routes by their path. */
  requests: Record<string, number>;
}

/** How a revoked token is refused: 403 access-denied "Token has expired", or 401 invalid-authorization-token. */
export type RevocationKind = 'expired' | 'invalid';

/** A user made with {@link BasiqEmulator.createUser}, as `POST /users` takes it (no format checks). */
export interface CreateUserFields {
  /** The user's email address. */
  email?: string;
  /** The user's mobile number. */
  mobile?: string;
  /** First name. */
  firstName?: string;
  /** Middle name. */
  middleName?: string;
  /** Last name. */
  lastName?: string;
}

/** A running emulator, from {@link startEmulator}. */
export interface BasiqEmulator {
  /** http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The API key given at start (or made then); `/token` accepts it until `revokeApiKey()`. */
  readonly apiKey: string;
  /** The application {@link apiKey} opens (the `applicationid` claim of its tokens). */
  readonly applicationId: string;
  /**
   * Makes `/token` accept another key as well: by default a new application (one process serving
   * several Basiq applications); with the `applicationId` of an existing one, that application's next
   * key (a rotation). Answers the key and its application id.
   */
  addApiKey(options?: AddApiKeyOptions): ApiKeyInfo;
  /**
   * From now on `/token` refuses `apiKey` as Basiq refuses an unknown key (404 "Unable to
   * authenticate"); tokens it already got stay valid until they expire or are revoked.
   */
  revokeApiKey(apiKey: string): void;
  /** Live view: the same object is updated as requests arrive. */
  readonly counters: EmulatorCounters;
  /** Closes the server and every socket (keep-alive ones too) promptly. */
  stop(): Promise<void>;
  /** Lifetime (seconds) of tokens issued from now on. */
  setTokenLifetime(seconds: number): void;
  /** Queues a fault; faults apply in the order they were queued. */
  injectFault(fault: Fault): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /**
   * Early revocation: later use answers 403 access-denied "Token has expired" (default) or
   * 401 invalid-authorization-token.
   */
  revoke(token: string, as?: RevocationKind): void;
  /** Revokes every token issued so far. */
  revokeAll(as?: RevocationKind): void;
  /** Every access_token ever issued, oldest first (tests scan logs for them). */
  issuedTokens(): string[];
  /** Zeroes the counters (in place: held references stay live). */
  resetCounters(): void;
  /** Makes a user, as `POST /users` would, without a token; answers its new id. */
  createUser(fields: CreateUserFields): { id: string };
  /**
   * Where the Consent UI stand-in's "finish" link goes from now on (`undefined`: no link), for a test
   * that learns its app's URL only after the emulator started. Throws on a malformed URL.
   */
  setConsentRedirectUrl(url: string | undefined): void;
  /** `jobPendingReads` for jobs the Consent page creates from now on. */
  setJobPendingReads(reads: number): void;
}
