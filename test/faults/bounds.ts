/**
 * Upper bounds on how long a request may take under a fault, computed from the client options.
 * They are deadlines for "every waiter settles", never expectations of speed: a loaded machine
 * gets a generous slack, and nothing here asserts that anything is fast.
 */
import type { MatrixOptions as Options } from './matrix.js';

/** Room for a busy two-core machine, on top of what the options allow. */
export const SLACK_MS = 5_000;

/** The longest one token flight can last: every attempt times out, every wait is the longest allowed. */
export function flightBoundMs(o: Options): number {
  const { retries, maxDelayMs, maxRetryAfterMs } = o.retry;
  return (retries + 1) * o.tokenTimeoutMs + retries * Math.max(maxDelayMs, maxRetryAfterMs);
}

/**
 * The deadline of one request. The client-token route: a flight already under way, then one of its
 * own. An app route: the same for the server token, the data call, and after a refused token one
 * more refresh and the replay.
 */
export function settleBoundMs(route: 'client-token' | 'app', o: Options): number {
  const flight = flightBoundMs(o);
  if (route === 'client-token') return 2 * flight + SLACK_MS;
  return 3 * flight + 2 * o.requestTimeoutMs + SLACK_MS;
}

/** `promise`, or a rejection naming `what` if it has not settled after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `done` until it holds, failing after `ms`. */
export async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const stop = performance.now() + ms;
  while (!done()) {
    if (performance.now() > stop) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
