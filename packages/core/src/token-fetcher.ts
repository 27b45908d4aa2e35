import type { CloseSignal } from './close-signal.js';
import { BasiqError } from './errors.js';
import type { TokenBudget } from './budget.js';
import type { SafeLogger } from './logger.js';
import { RefusalWindow } from './refusal-window.js';
import { withRetry } from './retry.js';
import type { RetryPolicy } from './retry.js';
import type { Sealer } from './sealing.js';
import { describeError } from './secrets.js';
import type { Redactor } from './secrets.js';
import type { TokenStore } from './store.js';
import type { TelemetryHooks } from './telemetry.js';
import { isRetryableTokenError } from './token-endpoint.js';
import type { IssuedToken, TokenEndpoint, TokenRequest } from './token-endpoint.js';
import type { BasiqEvents, Clock } from './types.js';

type Emit = <E extends keyof BasiqEvents>(event: E, ...args: BasiqEvents[E]) => void;

export interface TokenFetcherOptions {
  endpoint: TokenEndpoint;
  budget: TokenBudget;
  retry: RetryPolicy;
  /** Where the refusal window is kept (shared by a fleet with a shared store). */
  store: TokenStore;
  sealer: Sealer;
  /** After a 403 from `/token`, no call for at least this long. */
  cooldownMs: number;
  /** First and longest window without `/token` calls after a refusal (see {@link RefusalWindow}). */
  backoffMs: number;
  maxBackoffMs: number;
  /** How long the probe lock after a window is held at most. */
  lockTtlMs: number;
  clock: Clock;
  logger: SafeLogger;
  redactor: Redactor;
  emit: Emit;
  /** Where each `/token` attempt is traced (a no-op unless the app instrumented the client). */
  telemetry: TelemetryHooks;
  /** Aborts waits and requests when the client closes. */
  signal: CloseSignal;
}

/**
 * Gets one token from Basiq the careful way: each attempt counted against the budget,
 * retried with backoff when that can help, and after a refusal of the application (wrong key
 * or version, 403, 429) a window during which no request is sent at all (asking again cannot
 * help, and against a throttle only prolongs it). Shared by server and client tokens: the
 * window applies to both.
 */
export class TokenFetcher {
  readonly #o: TokenFetcherOptions;
  readonly #window: RefusalWindow;

  constructor(options: TokenFetcherOptions) {
    this.#o = options;
    this.#window = new RefusalWindow({
      store: options.store,
      sealer: options.sealer,
      redactor: options.redactor,
      clock: options.clock,
      baseMs: options.backoffMs,
      maxMs: options.maxBackoffMs,
      cooldownMs: options.cooldownMs,
      lockTtlMs: options.lockTtlMs,
      signal: options.signal,
      onWindow: (info) => {
        options.logger.warn(
          `not calling POST /token for ${Math.ceil(info.windowMs / 1000)} s after ${info.refusals} refusal(s) in a row (${info.code}); callers get the same error meanwhile`,
        );
        options.emit('token:backoff', info);
      },
    });
  }

  /** Milliseconds left of the window without `/token` calls (0 when none). */
  cooldownRemainingMs(): number {
    return this.#window.remainingMs();
  }

  /** Throws the refusal's error while this process knows of an open window (no I/O). */
  assertOpen(): void {
    this.#window.assertOpen();
  }

  /** One token, or the final error after retries (already logged and emitted as `token:error`). */
  async fetch(req: TokenRequest): Promise<IssuedToken> {
    if (this.#o.signal.aborted) throw this.#o.signal.reason;
    // Throws while a window is open, here or in the fleet: no log, no event, no budget slot.
    return this.#window.run(() => this.#fetchWithRetries(req));
  }

  async #fetchWithRetries(req: TokenRequest): Promise<IssuedToken> {
    const { endpoint, budget, retry, clock, logger, emit, signal, redactor, telemetry } = this.#o;
    const scope = req.scope;
    try {
      return await withRetry(
        async (n) => {
          if (scope === 'SERVER_ACCESS') await budget.recordServerCall();
          else await budget.takeClientSlot();
          const started = clock.now();
          const token = await telemetry.tokenCall({ scope, attempt: n + 1 }, (note) =>
            endpoint.request(req, signal, note),
          );
          emit('token:fetched', {
            scope,
            expiresInSec: Math.round((token.expiresAt - token.issuedAt) / 1000),
            durationMs: clock.now() - started,
          });
          logger.debug(`got a ${scope} token in ${clock.now() - started} ms`);
          return token;
        },
        retry,
        {
          signal,
          isRetryable: isRetryableTokenError,
          onRetry: ({ attempt, delayMs, error }) => {
            const reason = error instanceof BasiqError ? error.code : 'error';
            logger.debug(
              `${scope} token attempt failed (${describeError(error, redactor)}); retry ${attempt} in ${delayMs} ms`,
            );
            emit('token:retry', { scope, attempt, delayMs, reason });
          },
        },
      );
    } catch (error) {
      // Budget refusals have their own event; a closing client is not a failure worth reporting.
      if (
        error instanceof BasiqError &&
        error.code !== 'token_budget_exhausted' &&
        error.code !== 'client_closed'
      ) {
        logger.warn(`could not get a ${scope} token: ${describeError(error, redactor)}`);
        emit('token:error', { scope, code: error.code, message: redactor.redact(error.message) });
      }
      throw error;
    }
  }
}
