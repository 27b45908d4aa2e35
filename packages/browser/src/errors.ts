/**
 * Every error this package throws is a {@link BasiqBrowserError} with a stable `code`. No message
 * or property ever holds a token.
 */
export class BasiqBrowserError extends Error {
  /** A stable, machine-readable code (e.g. `unauthenticated`, `state_unknown`). */
  readonly code: string;

  /** @param code - {@link BasiqBrowserError.code}. @param message - Words for people. */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option given to {@link createBasiqBrowser} is wrong; thrown at once, never on first use. */
export class BasiqConfigError extends BasiqBrowserError {}

/**
 * The app's client-token route did not give a token. `code` is the route's own code (core's
 * JSON `{error:{code,message}}`, e.g. `token_budget_exhausted`, `basiq_unavailable`), or
 * `http_<status>`, `network_error`, `timeout` or `invalid_token_response`.
 */
export class ClientTokenError extends BasiqBrowserError {
  /** The route's HTTP status; `undefined` when no answer came (network error, timeout). */
  readonly status: number | undefined;
  /** Seconds to wait before asking again, from the answer's `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
  /** The route's own message (its `error.message`), for display; never a token. */
  readonly serverMessage: string | undefined;

  /** @param init - What the route answered. */
  constructor(
    code: string,
    message: string,
    init: { status?: number; retryAfterSeconds?: number; serverMessage?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: init.cause });
    this.status = init.status;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.serverMessage = init.serverMessage;
  }
}

/** The route answered 401: the app does not know who the user is (sign in first). */
export class UnauthenticatedError extends ClientTokenError {}

/**
 * The route answered 429 (the app's `/token` budget, or Basiq's limit). Until
 * `retryAfterSeconds` have passed, asking again fails at once without a request.
 */
export class RateLimitedError extends ClientTokenError {}

/** The route answered 5xx (Basiq unavailable, timed out, or the app failed). */
export class ServiceUnavailableError extends ClientTokenError {}

/**
 * The page was opened as a Consent UI redirect that cannot be trusted: `state_missing` (no
 * `state`), `state_unknown` (a `state` this page did not issue, or one already used or too old),
 * `invalid_job_id` (a job id that is not Basiq-shaped).
 */
export class ConsentRedirectError extends BasiqBrowserError {}

/** Basiq refused or failed a job status read (`GET /jobs/{jobId}`). */
export class JobStatusError extends BasiqBrowserError {
  /** Basiq's HTTP status; `undefined` when no answer came. */
  readonly status: number | undefined;
  /** The code of Basiq's first error (e.g. `resource-not-found`). */
  readonly basiqCode: string | undefined;
  /** Basiq's `correlationId`, for Basiq's support. */
  readonly correlationId: string | undefined;

  /** @param init - What Basiq answered. */
  constructor(
    code: string,
    message: string,
    init: { status?: number; basiqCode?: string; correlationId?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: init.cause });
    this.status = init.status;
    this.basiqCode = init.basiqCode;
    this.correlationId = init.correlationId;
  }
}

/** {@link BasiqBrowser.waitForJob} gave up: the job was still running when its bound ran out. */
export class JobTimeoutError extends BasiqBrowserError {
  /** The job waited for. */
  readonly jobId: string;
  /** The last status read, if any. */
  readonly lastJob: unknown;

  /** @param jobId - The job. @param lastJob - Its last status read. @param waitedMs - How long. */
  constructor(jobId: string, lastJob: unknown, waitedMs: number) {
    super('job_timeout', `job ${jobId} had not finished after ${Math.round(waitedMs / 1000)} s`);
    this.jobId = jobId;
    this.lastJob = lastJob;
  }
}
