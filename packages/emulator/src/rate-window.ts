/** `/token` calls allowed per window by default: Basiq's 1,500. */
export const DEFAULT_RATE_LIMIT = 1500;
/** The default rate-limit window: Basiq's 5 minutes. */
export const DEFAULT_RATE_WINDOW_MS = 300_000;

/**
 * `/token`'s rate limit: a sliding window over the calls it let through. Refused calls are not
 * recorded, so a client that backs off gets through as soon as the oldest admitted call leaves.
 */
export class RateWindow {
  private readonly hits: number[] = [];
  readonly limit: number;
  readonly windowMs: number;

  constructor(
    limit: number | undefined,
    windowMs: number | undefined,
    private readonly now: () => number,
  ) {
    this.limit = limit ?? DEFAULT_RATE_LIMIT;
    this.windowMs = windowMs ?? DEFAULT_RATE_WINDOW_MS;
    if (!Number.isInteger(this.limit) || this.limit < 0) {
      throw new RangeError('rateLimit.limit must be a whole number, 0 or more');
    }
    if (!(this.windowMs > 0) || !Number.isFinite(this.windowMs)) {
      throw new RangeError('rateLimit.windowMs must be a positive number');
    }
  }

  /** Admits a call, or answers how long (ms) until a slot frees. */
  admit(): number | undefined {
    const now = this.now();
    while (this.hits.length > 0 && this.hits[0]! <= now - this.windowMs) this.hits.shift();
    if (this.hits.length >= this.limit) {
      const oldest = this.hits[0];
      return oldest === undefined ? this.windowMs : Math.max(1, oldest + this.windowMs - now);
    }
    this.hits.push(now);
    return undefined;
  }
}
