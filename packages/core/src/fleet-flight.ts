import type { CloseSignal } from './close-signal.js';
import { sleep } from './retry.js';
import type { TokenStore } from './store.js';

export interface FleetFlightOptions<T> {
  store: TokenStore;
  /** The lock that elects one fetcher in the fleet. */
  lockKey: string;
  /** How long the lock is held at most (a crashed holder frees it after this). */
  lockTtlMs: number;
  /** Aborts the polling (the client closing). */
  signal: CloseSignal;
  /** What another instance stored, when it will do. */
  read(): Promise<T | undefined>;
  /** Gets it from Basiq and stores it. */
  fetch(): Promise<T>;
  /** An extra reason to stop waiting for the holder (the caller's own token about to expire). */
  giveUp?(): boolean;
  /** Called when waiting ends without a result and this instance fetches without the lock. */
  onGiveUp?(): void;
}

// Polls start quick (a /token call usually takes tens of ms) and slow down, so that hundreds of
// waiters (a fleet asked for many users at once) do not crowd the store the holder writes to.
const POLL_MIN_MS = 25;
const POLL_MAX_MS = 400;
// Waiters outlast the lock by this much, so that a vanished holder's lock expires while they
// still poll and one of them takes it over, rather than all of them fetching at their deadline.
const WAIT_MARGIN_MS = 1_000;

/**
 * One fetch across every instance sharing `store`: the instance that takes the lock re-reads
 * the store (another may have just finished), fetches, stores and releases; the others poll
 * the store for its result, take the lock over if it is freed without one (the holder failed
 * or vanished), and fetch regardless once the wait bound passes. The caller keeps its own
 * single flight in front, so this runs once per process.
 */
export async function fetchOncePerFleet<T>(o: FleetFlightOptions<T>): Promise<T> {
  const owner = await o.store.acquireLock(o.lockKey, o.lockTtlMs);
  if (owner !== undefined) return asHolder(o, owner);
  // Bounded in real time, in case an injected clock stands still.
  const deadline = performance.now() + o.lockTtlMs + WAIT_MARGIN_MS;
  for (let poll = 0; ; poll++) {
    const step = Math.min(POLL_MAX_MS, POLL_MIN_MS * 2 ** poll);
    await sleep(step / 2 + Math.floor((Math.random() * step) / 2), o.signal);
    const found = await o.read();
    if (found !== undefined) return found;
    if (performance.now() >= deadline || o.giveUp?.() === true) {
      o.onGiveUp?.();
      return o.fetch();
    }
    const next = await o.store.acquireLock(o.lockKey, o.lockTtlMs);
    if (next !== undefined) return asHolder(o, next);
  }
}

async function asHolder<T>(o: FleetFlightOptions<T>, owner: string): Promise<T> {
  try {
    const found = await o.read();
    if (found !== undefined) return found;
    return await o.fetch();
  } finally {
    await o.store.releaseLock(o.lockKey, owner);
  }
}
