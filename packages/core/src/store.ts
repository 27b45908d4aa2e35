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

/** The in-process store: what core uses when no `store` is given. */
export class MemoryStore implements TokenStore {
  readonly #values = new Map<string, Entry>();
  readonly #windows = new Map<string, number[]>();
  #lockSeq = 0;
  readonly #now: () => number;

  constructor(opts: { now?: () => number } = {}) {
    this.#now = opts.now ?? Date.now;
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
    this.#values.set(key, { value, expiresAt: this.#now() + ttlMs });
  }

  async delete(key: string, ifValue?: string): Promise<void> {
    if (ifValue !== undefined && this.#values.get(key)?.value !== ifValue) return;
    this.#values.delete(key);
  }

  async acquireLock(key: string, ttlMs: number): Promise<string | undefined> {
    // Check and take in one synchronous step: an await in between would let two callers both win.
    const now = this.#now();
    const held = this.#values.get(key);
    if (held && held.expiresAt > now) return undefined;
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
