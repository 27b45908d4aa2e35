import type { CloseSignal } from './close-signal.js';
import { unrefTimer } from './timers.js';
import { INSPECT } from './inspect.js';
import {
  BasiqConfigError,
  BasiqError,
  BasiqRateLimitError,
  BasiqTokenError,
  parseBasiqErrorBody,
} from './errors.js';
import { parseRetryAfter } from './retry.js';
import type { ApiKeySource } from './key-source.js';
import { describeError } from './secrets.js';
import type { Redactor } from './secrets.js';
import type { UpstreamAnswer } from './telemetry.js';
import type { Clock, FetchLike } from './types.js';

export type TokenScope = 'SERVER_ACCESS' | 'CLIENT_ACCESS';

/** What one `/token` call asks for. */
export interface TokenRequest {
  scope: TokenScope;
  /** Required for CLIENT_ACCESS: the token is bound to this Basiq user. */
  userId?: string;
}

/** A token Basiq issued, with its expiry counted from when the request was sent. */
export interface IssuedToken {
  accessToken: string;
  /** When the request was sent (clock ms): the token cannot have been issued earlier. */
  issuedAt: number;
  expiresAt: number;
  /** The generation of the API key it was asked with ({@link ApiKeySource.generation}). */
  keyGeneration: number;
}

export interface TokenEndpointConfig {
  /** The API key, read afresh for every call (it may have been rotated). */
  keys: ApiKeySource;
  baseUrl: string;
  basiqVersion: string;
  timeoutMs: number;
  fetch: FetchLike | undefined;
  clock: Clock;
  redactor: Redactor;
}

/** Codes of failures worth another attempt (see {@link isRetryableTokenError}). */
const RETRYABLE = new Set<string>([
  'basiq_unavailable',
  'basiq_rate_limited',
  'basiq_timeout',
  'basiq_network_error',
  // A malformed 200 is treated like a 5xx: most likely a proxy or gateway glitch, and a
  // second, bounded attempt costs one budget slot. It is never cached either way.
  'basiq_bad_response',
]);

/** Whether a `/token` failure may be retried: 5xx, 429, timeouts, network errors, malformed 200s. */
export function isRetryableTokenError(error: unknown): boolean {
  return error instanceof BasiqError && RETRYABLE.has(error.code);
}

/**
 * One `POST /token` attempt and the reading of its answer. Reads the API key from its
 * {@link ApiKeySource} for each call and keeps it nowhere else; its JSON and inspect forms show
 * only the URL.
 */
export class TokenEndpoint {
  readonly #keys: ApiKeySource;
  readonly #url: string;
  readonly #origin: string;
  readonly #version: string;
  readonly #timeoutMs: number;
  readonly #fetch: FetchLike | undefined;
  readonly #clock: Clock;
  readonly #redactor: Redactor;

  constructor(config: TokenEndpointConfig) {
    this.#keys = config.keys;
    this.#url = `${config.baseUrl}/token`;
    this.#origin = new URL(config.baseUrl).origin;
    this.#version = config.basiqVersion;
    this.#timeoutMs = config.timeoutMs;
    this.#fetch = config.fetch;
    this.#clock = config.clock;
    this.#redactor = config.redactor;
  }

  /**
   * Sends one request and classifies the answer: an {@link IssuedToken}, or a typed error
   * (`BasiqConfigError` for 400/401/404, `BasiqTokenError` for 403, 5xx, timeouts, network
   * errors and malformed answers, `BasiqRateLimitError` for 429). `signal` aborts it (the
   * client closing); its reason is rethrown as is. `note` hears Basiq's status and correlation
   * id (for telemetry), never the body. The token, or the failure (see
   * {@link ApiKeySource.generationOf}), is tagged with the generation of the key it was sent with.
   */
  async request(
    req: TokenRequest,
    signal?: CloseSignal,
    note?: (answer: UpstreamAnswer) => void,
  ): Promise<IssuedToken> {
    const { key, generation } = await this.#keys.snapshot();
    try {
      return { ...(await this.#send(key, req, signal, note)), keyGeneration: generation };
    } catch (error) {
      this.#keys.tag(error, generation);
      throw error;
    }
  }

  async #send(
    apiKey: string,
    req: TokenRequest,
    signal: CloseSignal | undefined,
    note: ((answer: UpstreamAnswer) => void) | undefined,
  ): Promise<Omit<IssuedToken, 'keyGeneration'>> {
    const body = new URLSearchParams({ scope: req.scope });
    if (req.userId !== undefined) body.set('userId', req.userId);
    // One controller per call rather than AbortSignal.any([timeout, signal]): `signal` lives as
    // long as the client, and Node keeps a record of every signal combined with it until it
    // aborts (nodejs/node#55351): tens of bytes per /token call, never given back.
    const call = new AbortController();
    const combined = call.signal;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      call.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, this.#timeoutMs);
    unrefTimer(timer);
    const onClose = () => call.abort(signal?.reason);
    if (signal?.aborted) onClose();
    else signal?.addEventListener('abort', onClose, { once: true });
    const fetchImpl = this.#fetch ?? globalThis.fetch;
    // Taken before sending: Basiq's clock started no earlier, so the expiry is never late.
    const issuedAt = this.#clock.now();

    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await untilAborted(
        fetchImpl(this.#url, {
          method: 'POST',
          headers: {
            authorization: `Basic ${apiKey}`,
            'basiq-version': this.#version,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: body.toString(),
          // A redirect is never followed: the key would be re-sent (a custom fetch may not drop
          // it across origins) and another origin's answer would be taken as Basiq's token.
          redirect: 'manual',
          signal: combined,
        }),
        combined,
      );
      if (isRedirect(res)) {
        if (res.status) note?.({ status: res.status });
        void res.body?.cancel().catch(() => undefined);
        throw new BasiqConfigError(
          `Basiq answered POST /token with a redirect${res.status ? ` (${res.status})` : ''}, which is not followed: ` +
            'the key and the token go only to `baseUrl`. Check `baseUrl` (the API host itself, over https)',
          { code: 'basiq_configuration', option: 'baseUrl', upstreamStatus: res.status || undefined },
        );
      }
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await untilAborted(res.text(), combined);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof BasiqConfigError) throw error;
      if (timedOut) {
        throw new BasiqTokenError(
          'basiq_timeout',
          `Basiq did not answer POST /token within ${this.#timeoutMs} ms`,
          {
            cause: error,
          },
        );
      }
      throw new BasiqTokenError(
        'basiq_network_error',
        `Could not reach Basiq at ${this.#origin} for POST /token (${this.#networkReason(error)})`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onClose);
    }
    return this.#classify(status, text, retryAfter, issuedAt, req, note);
  }

  #classify(
    status: number,
    text: string,
    retryAfter: string | null,
    issuedAt: number,
    req: TokenRequest,
    note: ((answer: UpstreamAnswer) => void) | undefined,
  ): Omit<IssuedToken, 'keyGeneration'> {
    if (status >= 200 && status < 300) {
      note?.({ status });
      return this.#readToken(status, text, issuedAt);
    }

    const parsed = parseBasiqErrorBody(safeJson(text));
    note?.({ status, correlationId: parsed.correlationId });
    const first = parsed.errors[0];
    const detail = first?.detail ?? first?.title;
    const said = detail ? `: "${this.#redactor.redact(detail)}"` : '';
    const ref = parsed.correlationId ? ` (correlationId ${parsed.correlationId})` : '';
    const retryAfterMs = parseRetryAfter(retryAfter, this.#clock.now());
    const init = { upstreamStatus: status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };

    if (status === 400) {
      const parameter = first?.source?.parameter?.toLowerCase();
      const aboutVersion = parameter === 'basiq-version' || /version/i.test(detail ?? '');
      const aboutUser = parameter === 'userid' || /user/i.test(detail ?? '');
      const hint = aboutVersion
        ? `check \`basiqVersion\` (sent "${this.#version}"; Basiq accepts "3.0", "2.1", "2.0")`
        : aboutUser && req.scope === 'CLIENT_ACCESS'
          ? 'check the userId passed to getClientToken()'
          : `check \`apiKey\`: pass the key from the Basiq dashboard exactly as given (it is already Base64; do not re-encode it or add "Basic "), and \`basiqVersion\` (sent "${this.#version}")`;
      throw new BasiqConfigError(`Basiq rejected POST /token with 400${said}${ref}; ${hint}`, {
        ...init,
        code: 'basiq_configuration',
        option: aboutVersion ? 'basiqVersion' : aboutUser ? undefined : 'apiKey',
      });
    }
    if (status === 401 || status === 404) {
      throw new BasiqConfigError(
        `Basiq rejected the API key (${status} from POST /token${said})${ref}: the key is wrong or was deleted, ` +
          'or a sandbox key is used against production. Check `apiKey` (and `baseUrl` if you set one)',
        { ...init, code: 'basiq_configuration', option: 'apiKey' },
      );
    }
    if (status === 403) {
      throw new BasiqTokenError(
        'basiq_access_denied',
        `Basiq refused POST /token with 403${said}${ref}: the account may be disabled, or this IP sent too many ` +
          'token requests; cooling down before trying again',
        init,
      );
    }
    if (status === 429) {
      throw new BasiqRateLimitError(`Basiq rate-limited POST /token (429${said})${ref}`, {
        ...init,
        code: 'basiq_rate_limited',
      });
    }
    if (status >= 500) {
      throw new BasiqTokenError(
        'basiq_unavailable',
        `Basiq answered POST /token with ${status}${said}${ref}`,
        init,
      );
    }
    throw new BasiqTokenError(
      'basiq_bad_response',
      `Basiq answered POST /token with unexpected status ${status}${said}${ref}`,
      {
        upstreamStatus: status,
      },
    );
  }

  #readToken(status: number, text: string, issuedAt: number): Omit<IssuedToken, 'keyGeneration'> {
    const malformed = (why: string) =>
      new BasiqTokenError('basiq_bad_response', `Basiq answered POST /token with ${status} but ${why}`, {
        upstreamStatus: status,
      });
    const body = safeJson(text);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw malformed('the body is not a JSON object');
    const { access_token: accessToken, expires_in: expiresIn } = body as Record<string, unknown>;
    if (typeof accessToken !== 'string' || accessToken.length === 0 || /\s/.test(accessToken)) {
      throw malformed('without a usable access_token');
    }
    const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw malformed('expires_in is missing, not a number, or not positive');
    }
    this.#redactor.remember(accessToken);
    return { accessToken, issuedAt, expiresAt: issuedAt + seconds * 1000 };
  }

  #networkReason(error: unknown): string {
    const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
    const code = cause instanceof Error ? (cause as { code?: unknown }).code : undefined;
    if (typeof code === 'string') return code;
    return describeError(cause ?? error, this.#redactor);
  }

  toJSON(): Record<string, unknown> {
    return { url: this.#url };
  }

  [INSPECT](): string {
    return `TokenEndpoint { url: '${this.#url}' }`;
  }
}

/**
 * A 3xx (Node's fetch with `redirect: 'manual'`), an opaque redirect (browsers, workers), or an
 * answer some custom fetch reached by following one anyway.
 */
function isRedirect(res: Response): boolean {
  return res.redirected || res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `promise`, or the abort reason as soon as `signal` fires (for fetches that ignore their signal). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
