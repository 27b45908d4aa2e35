import { Lru } from './lru.js';
/**
 * Where tokens, the `/token` budget and the refresh lock live. The default keeps them in
 * this process; `@basiq-token/redis` shares them across instances. Core namespaces every key
 * by a hash of the API key and seals every value (AES-GCM) before it reaches a store, so a
 * store only ever sees opaque keys and ciphertext.
 *
 * Every method may reject (a store outage): core then falls back to in-process behaviour
 * with a warning and keeps serving.
 */
export interface TokenStore {
  /** The value stored at `key`, or `undefined`. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` at `key` for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Deletes `key`; when `ifValue` is given, only if the stored value still equals it (compare-and-delete). */
  delete(key: string, ifValue?: string): Promise<void>;
  /**
   * Tries to take the lock `key` for `ttlMs` (like `SET key owner NX PX ttl`). Resolves with
   * the owner id when taken, `undefined` when somebody else holds it.
   */
  acquireLock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock only if `owner` still holds it (compare-and-delete). */
  releaseLock(key: string, owner: string): Promise<void>;
  /**
   * Records one `/token` call in the sliding window `key` (events within the last `windowMs`
   * before `now`). When `max` is given and the window already holds `max` events, records
   * nothing. Resolves with whether it was recorded, the count in the window afterwards, and
   * when (ms from `now`) the oldest event leaves the window.
   */
  takeSlot(key: string, opts: { now: number; windowMs: number; max?: number }): Promise<SlotResult>;
  /** Releases the store's own resources (not a client handed in by the app). */
  close?(): Promise<void>;
}

export interface SlotResult {
  added: boolean;
  count: number;
  retryAfterMs: number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** What MemoryStore needs of its map: a plain `Map`, or an `Lru` when bounded. */
interface EntryMap {
  get(key: string): Entry | undefined;
  set(key: string, entry: Entry): unknown;
  delete(key: string): boolean;
  keys(): Iterable<string>;
  readonly size: number;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /**
   * Most values kept; past it the least recently used goes first (default: unbounded). Core
   * bounds the store it falls back to while a shared store is down by `clientTokens.maxEntries`.
   */
  maxEntries?: number;
}

// Expired values nobody reads again are dropped at most this often (clock time), on a write.
const SWEEP_INTERVAL_MS = 60_000;

/** The in-process store: what core uses when no `store` is given. */
export class MemoryStore implements TokenStore {
  readonly #values: EntryMap;
  readonly #windows = new Map<string, number[]>();
  #lockSeq = 0;
  #nextSweepAt: number;
  readonly #now: () => number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#values =
      opts.maxEntries === undefined ? new Map<string, Entry>() : new Lru<string, Entry>(opts.maxEntries);
    this.#nextSweepAt = this.#now() + SWEEP_INTERVAL_MS;
  }

  /** How many values (tokens, locks, markers) are held, expired ones not yet swept included. */
  get size(): number {
    return this.#values.size;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#values.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#values.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const now = this.#now();
    this.#sweep(now);
    this.#values.set(key, { value, expiresAt: now + ttlMs });
  }

  /** Drops expired values that no read came for (a user who never returns), once per interval. */
  #sweep(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + SWEEP_INTERVAL_MS;
    const expired: string[] = [];
    for (const key of this.#values.keys()) {
      const entry = this.#peek(key);
      if (entry && entry.expiresAt <= now) expired.push(key);
    }
    for (const key of expired) this.#values.delete(key);
  }

  /** The entry without making it recently used. */
  #peek(key: string): Entry | undefined {
    return this.#values instanceof Lru ? this.#values.peek(key) : this.#values.get(key);
  }

  async delete(key: string, ifValue?: string): Promise<void> {
    if (ifValue !== undefined && this.#peek(key)?.value !== ifValue) return;
    this.#values.delete(key);
  }

  async acquireLock(key: string, ttlMs: number): Promise<string | undefined> {
    // Check and take in one synchronous step: an await in between would let two callers both win.
    const now = this.#now();
    const held = this.#peek(key);
    if (held && held.expiresAt > now) return undefined;
    this.#sweep(now);
    const owner = `memory-${++this.#lockSeq}`;
    this.#values.set(key, { value: owner, expiresAt: now + ttlMs });
    return owner;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    await this.delete(key, owner);
  }

  async takeSlot(key: string, opts: { now: number; windowMs: number; max?: number }): Promise<SlotResult> {
    const since = opts.now - opts.windowMs;
    let events = this.#windows.get(key);
    if (!events) this.#windows.set(key, (events = []));
    // Kept in time order, so what left the window is a prefix: trimming it costs only what left
    // (a filter of the whole window per call would make a large budget quadratic).
    let gone = 0;
    while (gone < events.length && events[gone]! <= since) gone++;
    if (gone > 0) events.splice(0, gone);
    const added = opts.max === undefined || events.length < opts.max;
    if (added) {
      // A clock that stepped back: insert in order rather than break the prefix rule.
      let at = events.length;
      while (at > 0 && events[at - 1]! > opts.now) at--;
      events.splice(at, 0, opts.now);
    }
    const oldest = events[0];
    return {
      added,
      count: events.length,
      retryAfterMs: oldest === undefined ? 0 : Math.max(0, oldest + opts.windowMs - opts.now),
    };
  }
}
