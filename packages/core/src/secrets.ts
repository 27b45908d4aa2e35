import { BasiqError } from './errors.js';

const REDACTED = '[redacted]';

// Basiq tokens are JWTs; anything shaped like one is a credential whatever its origin.
const JWT_LIKE = /\beyJ[\w-]*\.[\w-]+\.[\w-]*/g;
// The value after an auth scheme, wherever an upstream message echoes a header.
const AUTH_HEADER_VALUE = /\b(Basic|Bearer)\s+[^\s"',;]+/gi;

/** How many recently issued tokens a {@link Redactor} remembers besides the API key. */
const REMEMBERED_TOKENS = 256;

/**
 * Scrubs secrets out of text that leaves the library (log lines, error messages built from
 * upstream text). Knows every API key the client has used (a rotated-out key is still a secret:
 * it may only be revoked later) and the most recent tokens exactly, and anything shaped like a
 * JWT or an `Authorization` value by pattern.
 */
export class Redactor {
  readonly #exact = new Set<string>();
  readonly #recent: string[] = [];

  constructor(apiKey?: string) {
    if (apiKey) this.#exact.add(apiKey);
  }

  /** Remembers a secret for good (an API key, old or new): never forgotten, unlike tokens. */
  addSecret(secret: string): void {
    if (secret) this.#exact.add(secret);
  }

  /** Remembers a token so that even a non-JWT token is redacted. */
  remember(token: string): void {
    if (!token || this.#recent.includes(token)) return;
    this.#recent.push(token);
    if (this.#recent.length > REMEMBERED_TOKENS) this.#recent.shift();
  }

  /** `text` with every known secret and credential-shaped substring replaced. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.#exact) out = out.split(secret).join(REDACTED);
    for (const token of this.#recent) out = out.split(token).join(REDACTED);
    return redactCredentials(out);
  }

  toJSON(): Record<string, never> {
    return {};
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Redactor {}';
  }
}

/** Replaces JWT-shaped strings and `Basic`/`Bearer` header values in `text`. */
export function redactCredentials(text: string): string {
  return text.replace(JWT_LIKE, REDACTED).replace(AUTH_HEADER_VALUE, `$1 ${REDACTED}`);
}

/**
 * A one-line, secret-free description of anything thrown: its code or name and its message,
 * redacted. Never walks a `cause` (an HTTP client's cause can hold request headers).
 */
export function describeError(err: unknown, redactor?: Redactor): string {
  const redact = (s: string) => (redactor ? redactor.redact(s) : redactCredentials(s));
  if (err instanceof BasiqError) return `${err.code}: ${redact(err.message)}`;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return redact(`${typeof code === 'string' ? code : err.name}: ${err.message}`);
  }
  if (typeof err === 'string') return redact(err);
  return 'unknown error';
}
