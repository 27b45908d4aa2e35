import type { CloseSignal } from './close-signal.js';
import { unrefTimer } from './timers.js';
import { BasiqError } from './errors.js';

/** How `/token` attempts are repeated (resolved `retry` options). */
export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): "full jitter", a uniform draw
 * between 0 and the capped exponential step, so a fleet of instances that failed together
 * does not come back together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * Reads a `Retry-After` header: delay-seconds (`"120"`, decimals tolerated) or an HTTP-date,
 * as milliseconds from `now`. `undefined` when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Waits `ms` without keeping the process alive; rejects with the signal's reason on abort. */
export function sleep(ms: number, signal?: CloseSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    unrefTimer(timer);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryHooks {
  /** Whether a failure may be tried again. */
  isRetryable(error: unknown): boolean;
  /** Called before each wait. */
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
  /** Aborts the waits (the client closing). */
  signal?: CloseSignal;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the retries are
 * spent. A `retryAfterMs` on the error (Basiq's `Retry-After`) replaces the backoff; one
 * longer than `maxRetryAfterMs` ends the retries at once, and the error keeps its
 * `retryAfterMs` so the caller can pass it on.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= policy.retries || !hooks.isRetryable(error)) throw error;
      const retryAfterMs = error instanceof BasiqError ? error.retryAfterMs : undefined;
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) throw error;
      const delayMs = retryAfterMs ?? backoffDelay(n, policy, hooks.random);
      hooks.onRetry?.({ attempt: n + 1, delayMs, error });
      await sleep(delayMs, hooks.signal);
    }
  }
}
