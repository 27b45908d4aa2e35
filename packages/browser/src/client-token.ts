import {
  ClientTokenError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from './errors.js';
import { RequestTimeout, field, request, retryAfterSeconds } from './http.js';
import type { ReadResponse } from './http.js';
import type { ResolvedOptions } from './options.js';

interface HeldToken {
  value: string;
  refreshAt: number;
}

const CODE = /^[a-z0-9_]{1,64}$/;

/**
 * The client token, asked of the app's route only when something needs it, held in this
 * closure only (never in Web Storage: any script on the origin, a browser extension or a shared
 * computer's next user could read it there), one request at a time.
 */
export class ClientTokenKeeper {
  readonly #options: ResolvedOptions;
  #held: HeldToken | undefined;
  #flight: Promise<string> | undefined;
  // After a 429/503 with Retry-After: further clicks fail at once instead of asking again.
  #coolDown: { until: number; error: ClientTokenError } | undefined;
  // Bumped by clear(), so a flight started before a sign-out does not keep its token.
  #generation = 0;

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  /** A token with more than the refresh margin left, from memory or one shared request. */
  get(): Promise<string> {
    const now = this.#options.now();
    if (this.#held && now < this.#held.refreshAt) return Promise.resolve(this.#held.value);
    this.#held = undefined;
    if (this.#flight) return this.#flight;
    if (this.#coolDown && now < this.#coolDown.until) {
      return Promise.reject(this.#coolingError(this.#coolDown, now));
    }
    this.#coolDown = undefined;
    const generation = this.#generation;
    const flight = this.#ask(generation).finally(() => {
      if (this.#flight === flight) this.#flight = undefined;
    });
    this.#flight = flight;
    return flight;
  }

  /** Forgets the token (sign-out, or Basiq refused it) and any cool-down. */
  clear(): void {
    this.#held = undefined;
    this.#flight = undefined;
    this.#coolDown = undefined;
    this.#generation += 1;
  }

  /** Forgets the token if it is still this one (Basiq said it is expired or invalid). */
  discard(token: string): void {
    if (this.#held?.value === token) this.#held = undefined;
  }

  async #ask(generation: number): Promise<string> {
    const options = this.#options;
    const sentAt = options.now();
    const extra = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
    let res: ReadResponse;
    try {
      res = await request(options, options.tokenUrl, {
        method: options.tokenMethod,
        headers: { ...extra, accept: 'application/json' },
        credentials: options.credentials,
      });
    } catch (error) {
      if (error instanceof RequestTimeout) {
        throw new ClientTokenError('timeout', 'the client-token route did not answer in time', {
          cause: error,
        });
      }
      throw new ClientTokenError('network_error', 'the client-token route could not be reached', {
        cause: error,
      });
    }
    if (!res.ok) throw this.#routeError(res);

    // core's route answers {access_token, token_type, expires_in}; Basiq's starter kit a bare string.
    const body = res.body;
    const value = typeof body === 'string' ? body : field(body, 'access_token');
    if (typeof value !== 'string' || value === '' || /\s/.test(value)) {
      throw new ClientTokenError(
        'invalid_token_response',
        'the client-token route answered without a token',
        {
          status: res.status,
        },
      );
    }
    const lifetimeMs = lifetimeOf(body, value, sentAt);
    if (generation === this.#generation && lifetimeMs !== undefined) {
      // From when the request was sent: the token's clock started before the answer arrived.
      const margin = Math.min(options.refreshMarginMs, lifetimeMs / 2);
      this.#held = { value, refreshAt: sentAt + lifetimeMs - margin };
    }
    return value;
  }

  #routeError(res: ReadResponse): ClientTokenError {
    const error = field(res.body, 'error');
    const code = field(error, 'code');
    const message = field(error, 'message');
    const init = {
      status: res.status,
      retryAfterSeconds: retryAfterSeconds(res.headers.get('retry-after'), this.#options.now()),
      serverMessage: typeof message === 'string' ? message.slice(0, 300) : undefined,
    };
    const stableCode = typeof code === 'string' && CODE.test(code) ? code : `http_${res.status}`;
    const text = `the client-token route answered ${res.status} (${stableCode})`;
    let result: ClientTokenError;
    if (res.status === 401) result = new UnauthenticatedError(stableCode, text, init);
    else if (res.status === 429) result = new RateLimitedError(stableCode, text, init);
    else if (res.status >= 500) result = new ServiceUnavailableError(stableCode, text, init);
    else result = new ClientTokenError(stableCode, text, init);
    if (init.retryAfterSeconds !== undefined && init.retryAfterSeconds > 0) {
      this.#coolDown = { until: this.#options.now() + init.retryAfterSeconds * 1000, error: result };
    }
    return result;
  }

  #coolingError(coolDown: { until: number; error: ClientTokenError }, now: number): ClientTokenError {
    const { error } = coolDown;
    const Kind = error.constructor as typeof ClientTokenError;
    return new Kind(error.code, `${error.message}; not asking again before Retry-After has passed`, {
      status: error.status,
      retryAfterSeconds: Math.max(1, Math.ceil((coolDown.until - now) / 1000)),
      serverMessage: error.serverMessage,
    });
  }
}

/** `expires_in` (seconds) if the route gave one, else the JWT's own `exp`; undefined: use once. */
function lifetimeOf(body: unknown, token: string, sentAt: number): number | undefined {
  const expiresIn = field(body, 'expires_in');
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0) return expiresIn * 1000;
  const exp = field(jwtPayload(token), 'exp');
  if (typeof exp === 'number' && Number.isFinite(exp) && exp * 1000 > sentAt) return exp * 1000 - sentAt;
  return undefined;
}

function jwtPayload(token: string): unknown {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')));
  } catch {
    return undefined;
  }
}
