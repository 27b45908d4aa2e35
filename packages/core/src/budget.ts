import { BasiqRateLimitError } from './errors.js';
import type { SafeLogger } from './logger.js';
import type { TokenStore } from './store.js';
import type { Clock } from './types.js';

export interface TokenBudgetOptions {
  store: TokenStore;
  /** The namespaced store key of the sliding window (of the current API key: it may be rotated). */
  key: () => Promise<string>;
  limit: number;
  windowMs: number;
  serverReserve: number;
  clock: Clock;
  logger: SafeLogger;
  onExhausted?(info: { retryAfterMs: number }): void;
}

/**
 * Counts every `/token` call of this application in a sliding window kept in the store (so
 * a fleet shares one count), to stay below Basiq's 1,500 calls per 5 minutes.
 *
 * Server-token refreshes are always recorded and always proceed: without a server token
 * nothing works. Client tokens stop `serverReserve` short of the limit, so a burst of
 * browser sign-ins cannot starve the refreshes.
 */
export class TokenBudget {
  readonly #o: TokenBudgetOptions;
  #warnedOverLimitAt = -Infinity;
  /** The count the store answered last, for health reports (reading it afresh would be I/O). */
  #last: { used: number; at: number } | undefined;

  constructor(options: TokenBudgetOptions) {
    this.#o = options;
  }

  /** The budget as the store last counted it; undefined before the first `/token` call. */
  lastKnown(): { limit: number; windowMs: number; used: number; left: number; at: number } | undefined {
    const last = this.#last;
    if (!last) return undefined;
    const { limit, windowMs } = this.#o;
    return { limit, windowMs, used: last.used, left: Math.max(0, limit - last.used), at: last.at };
  }

  /** Records a server-token call; never refuses. */
  async recordServerCall(): Promise<void> {
    const { store, windowMs, limit, clock } = this.#o;
    const key = await this.#o.key();
    const now = clock.now();
    const slot = await store.takeSlot(key, { now, windowMs });
    this.#last = { used: slot.count, at: now };
    if (slot.count > limit && now - this.#warnedOverLimitAt >= windowMs) {
      this.#warnedOverLimitAt = now;
      this.#o.logger.warn(
        `${slot.count} /token calls in the last ${windowMs} ms, over the budget of ${limit}`,
      );
    }
  }

  /**
   * Records a client-token call, or throws `BasiqRateLimitError` (`token_budget_exhausted`,
   * with `retryAfterMs`) without recording anything when only the server reserve is left.
   */
  async takeClientSlot(): Promise<void> {
    const { store, windowMs, limit, serverReserve, clock } = this.#o;
    const max = limit - serverReserve;
    const key = await this.#o.key();
    const now = clock.now();
    const slot = await store.takeSlot(key, { now, windowMs, max });
    this.#last = { used: slot.count, at: now };
    if (slot.added) return;
    const retryAfterMs = Math.max(1, slot.retryAfterMs);
    this.#o.onExhausted?.({ retryAfterMs });
    throw new BasiqRateLimitError(
      `The /token budget for client tokens is spent (${max} calls per ${windowMs} ms; ${serverReserve} kept for ` +
        `server tokens); try again in ${Math.ceil(retryAfterMs / 1000)} s`,
      { code: 'token_budget_exhausted', retryAfterMs },
    );
  }
}
