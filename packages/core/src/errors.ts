import { INSPECT } from './inspect.js';

/** Stable, machine-readable error codes. The client-token route answers with these. */
export type BasiqErrorCode =
  // construction-time and upstream configuration problems
  | 'invalid_options'
  | 'basiq_configuration' // Basiq said 400/404 to /token: the key or version is wrong
  // input
  | 'invalid_user_id'
  | 'unauthenticated'
  // token budget and Basiq throttling
  | 'token_budget_exhausted'
  | 'basiq_rate_limited'
  | 'basiq_access_denied' // 403 from /token: account disabled or IP throttled; cooling down
  // upstream failures
  | 'basiq_unavailable'
  | 'basiq_timeout'
  | 'basiq_network_error'
  | 'basiq_bad_response'
  // data-call answers from Basiq
  | 'basiq_api_error'
  // lifecycle
  | 'client_closed';

export interface BasiqErrorInit {
  /** HTTP status Basiq answered with, when there was an answer. */
  upstreamStatus?: number;
  /** How long a caller should wait before trying again. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** Names of an error's classes, under a global symbol so another copy of core recognises them. */
const CLASSES = Symbol.for('basiq-token.error-classes');

/**
 * Base class of every error the library throws. Its message never holds a secret, and its
 * JSON and `util.inspect` forms list only safe, known fields (never a `cause` chain that
 * might carry a request with an `Authorization` header).
 */
export class BasiqError extends Error {
  /**
   * An app can load two copies of core (an ESM app and a CommonJS adapter, or two versions side
   * by side): `instanceof` also accepts an error made by the other copy's class of the same name.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const classes = (value as { [CLASSES]?: unknown } | null | undefined)?.[CLASSES];
    return Array.isArray(classes) && classes.includes(className(this));
  }

  readonly code: BasiqErrorCode;
  readonly upstreamStatus: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: BasiqErrorCode, message: string, init: BasiqErrorInit = {}) {
    super(message);
    this.name = className(new.target);
    const classes: string[] = [];
    for (let c: unknown = new.target; c && c !== Error; c = Object.getPrototypeOf(c)) {
      classes.push(className(c));
    }
    Object.defineProperty(this, CLASSES, { value: classes });
    this.code = code;
    this.upstreamStatus = init.upstreamStatus;
    this.retryAfterMs = init.retryAfterMs;
    if (init.cause !== undefined) {
      // Non-enumerable: kept for debugging in-process, never serialised.
      Object.defineProperty(this, 'cause', { value: init.cause, enumerable: false, configurable: true });
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.upstreamStatus !== undefined ? { upstreamStatus: this.upstreamStatus } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    };
  }

  [INSPECT](): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

/** Options were wrong at construction, or Basiq rejected the key or version (400/404 from /token). */
export class BasiqConfigError extends BasiqError {
  /** The option at fault, when known (`apiKey`, `baseUrl`, …). */
  readonly option: string | undefined;
  constructor(
    message: string,
    init: BasiqErrorInit & { option?: string; code?: 'invalid_options' | 'basiq_configuration' } = {},
  ) {
    super(init.code ?? 'invalid_options', message, init);
    this.option = init.option;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...(this.option ? { option: this.option } : {}) };
  }
}

/** A request field (such as a userId) was invalid; nothing was sent upstream. */
export class BasiqInputError extends BasiqError {
  constructor(message: string, code: 'invalid_user_id' | 'unauthenticated' = 'invalid_user_id') {
    super(code, message);
  }
}

/** The local `/token` budget is spent, or Basiq throttled us. `retryAfterMs` says when to come back. */
export class BasiqRateLimitError extends BasiqError {
  constructor(
    message: string,
    init: BasiqErrorInit & { code?: 'token_budget_exhausted' | 'basiq_rate_limited' } = {},
  ) {
    super(init.code ?? 'token_budget_exhausted', message, init);
  }
}

/** Getting a token from Basiq failed: outage, timeout, network, malformed answer, or a 403 cool-down. */
export class BasiqTokenError extends BasiqError {}

/** One entry of Basiq's error body (`data[]`). */
export interface BasiqErrorDetail {
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string } | null;
}

/** A Basiq data endpoint answered with an error body: its fields, typed. */
export class BasiqApiError extends BasiqError {
  readonly status: number;
  readonly basiqCode: string | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly correlationId: string | undefined;
  readonly errors: readonly BasiqErrorDetail[];

  constructor(status: number, body: unknown, init: BasiqErrorInit = {}) {
    const parsed = parseBasiqErrorBody(body);
    const first = parsed.errors[0];
    super(
      'basiq_api_error',
      `Basiq answered ${status}${first?.code ? ` ${first.code}` : ''}${first?.detail ? `: ${first.detail}` : first?.title ? `: ${first.title}` : ''}`,
      { ...init, upstreamStatus: status },
    );
    this.status = status;
    this.basiqCode = first?.code;
    this.title = first?.title;
    this.detail = first?.detail;
    this.correlationId = parsed.correlationId;
    this.errors = parsed.errors;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      basiqCode: this.basiqCode,
      title: this.title,
      detail: this.detail,
      correlationId: this.correlationId,
    };
  }
}

/** Reads Basiq's `{type:"list", correlationId, data:[{code,title,detail,source}]}` error body defensively. */
export function parseBasiqErrorBody(body: unknown): {
  correlationId: string | undefined;
  errors: BasiqErrorDetail[];
} {
  if (typeof body !== 'object' || body === null) return { correlationId: undefined, errors: [] };
  const b = body as { correlationId?: unknown; data?: unknown };
  const correlationId = typeof b.correlationId === 'string' ? b.correlationId : undefined;
  const errors: BasiqErrorDetail[] = [];
  if (Array.isArray(b.data)) {
    for (const item of b.data) {
      if (typeof item !== 'object' || item === null) continue;
      const e = item as Record<string, unknown>;
      errors.push({
        code: typeof e.code === 'string' ? e.code : undefined,
        title: typeof e.title === 'string' ? e.title : undefined,
        detail: typeof e.detail === 'string' ? e.detail : undefined,
        source: (e.source as BasiqErrorDetail['source']) ?? undefined,
      });
    }
  }
  return { correlationId, errors };
}

// Bundlers minify class names (Next.js does for server code), so this library's classes carry
// their names written out: `name`, JSON and the cross-copy `instanceof` must not depend on them.
const CLASS_NAMES = new Map<unknown, string>([
  [BasiqError, 'BasiqError'],
  [BasiqConfigError, 'BasiqConfigError'],
  [BasiqInputError, 'BasiqInputError'],
  [BasiqRateLimitError, 'BasiqRateLimitError'],
  [BasiqTokenError, 'BasiqTokenError'],
  [BasiqApiError, 'BasiqApiError'],
]);

function className(c: unknown): string {
  return CLASS_NAMES.get(c) ?? (c as { name: string }).name;
}
