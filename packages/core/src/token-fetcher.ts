import { BasiqError, BasiqTokenError } from './errors.js';
import type { TokenBudget } from './budget.js';
import type { SafeLogger } from './logger.js';
import { withRetry } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { describeError } from './secrets.js';
import type { Redactor } from './secrets.js';
import { isRetryableTokenError } from './token-endpoint.js';
import type { IssuedToken, TokenEndpoint, TokenRequest } from './token-endpoint.js';
import type { BasiqEvents, Clock } from './types.js';

type Emit = <E extends keyof BasiqEvents>(event: E, ...args: BasiqEvents[E]) => void;

export interface TokenFetcherOptions {
  endpoint: TokenEndpoint;
  budget: TokenBudget;
  retry: RetryPolicy;
  cooldownMs: number;
  clock: Clock;
  logger: SafeLogger;
  redactor: Redactor;
  emit: Emit;
  /** Aborts waits and requests when the client closes. */
  signal: AbortSignal;
}

/**
 * Gets one token from Basiq the careful way: each attempt counted against the budget,
 * retried with backoff when that can help, and after a 403 a cool-down during which no
 * request is sent at all (Basiq answers 403 to an IP that asked too often; asking again
 * only prolongs it). Shared by server and client tokens: the cool-down applies to both.
 */
export class TokenFetcher {
  readonly #o: TokenFetcherOptions;
  #cooldownUntil = 0;
  #cooldownError: BasiqError | undefined;

  constructor(options: TokenFetcherOptions) {
    this.#o = options;
  }

  /** Milliseconds of cool-down left (0 when none). */
  cooldownRemainingMs(): number {
    return Math.max(0, this.#cooldownUntil - this.#o.clock.now());
  }

  /** Throws the cool-down error while a 403 cool-down lasts. */
  assertNotCoolingDown(): void {
    const remaining = this.cooldownRemainingMs();
    if (remaining > 0 && this.#cooldownError) {
      throw new BasiqTokenError('basiq_access_denied', this.#cooldownError.message, {
        upstreamStatus: this.#cooldownError.upstreamStatus,
        retryAfterMs: remaining,
      });
    }
  }

  /** One token, or the final error after retries (already logged and emitted as `token:error`). */
  async fetch(req: TokenRequest): Promise<IssuedToken> {
    const { endpoint, budget, retry, clock, logger, emit, signal, redactor } = this.#o;
    if (signal.aborted) throw signal.reason;
    this.assertNotCoolingDown();
    const scope = req.scope;
    try {
      return await withRetry(
        async () => {
          if (scope === 'SERVER_ACCESS') await budget.recordServerCall();
          else await budget.takeClientSlot();
          const started = clock.now();
          const token = await endpoint.request(req, signal);
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
      if (error instanceof BasiqError && error.code === 'basiq_access_denied') {
        this.#cooldownUntil = clock.now() + this.#o.cooldownMs;
        this.#cooldownError = error;
      }
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
