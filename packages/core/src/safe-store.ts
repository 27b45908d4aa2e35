import { withDeadline } from './timers.js';
import { INSPECT } from './inspect.js';
import { MemoryStore } from './store.js';
import type { SlotResult, TokenStore } from './store.js';
import type { SafeLogger } from './logger.js';
import { describeError } from './secrets.js';
import type { Redactor } from './secrets.js';
import type { Clock } from './types.js';

export interface SafeStoreOptions {
  clock: Clock;
  logger: SafeLogger;
  redactor?: Redactor;
  onDegraded?(info: { message: string }): void;
  onRecovered?(): void;
  /** How long to serve from memory before asking the real store again (default 5,000 ms). */
  probeIntervalMs?: number;
  /** A store call slower than this counts as a failure (default 2,000 ms): a hung Redis must not hang requests. */
  opTimeoutMs?: number;
  /** Key the recovery probe reads (or how to compute it: namespaced keys are derived asynchronously). */
  probeKey?: string | (() => Promise<string>);
  /**
   * Most values held in memory while degraded (least recently used go first; default
   * unbounded). Without a bound, a store down during a busy day keeps a sealed token for every
   * user who signed in.
   */
  maxFallbackEntries?: number;
}

/**
 * A {@link TokenStore} that never rejects. When the real store fails (rejects or hangs), it
 * warns once, emits `store:degraded`, and serves from an in-process {@link MemoryStore};
 * after `probeIntervalMs` it probes the real store in the background (requests never wait
 * on a store known to be down) and goes back to it on success, emitting `store:recovered`.
 */
export class SafeStore implements TokenStore {
  readonly #real: TokenStore;
  readonly #fallback: MemoryStore;
  readonly #clock: Clock;
  readonly #logger: SafeLogger;
  readonly #redactor: Redactor | undefined;
  readonly #onDegraded: ((info: { message: string }) => void) | undefined;
  readonly #onRecovered: (() => void) | undefined;
  readonly #probeIntervalMs: number;
  readonly #opTimeoutMs: number;
  readonly #probeKey: string | (() => Promise<string>);
  #degraded = false;
  #nextProbeAt = 0;
  #probing = false;

  constructor(real: TokenStore, options: SafeStoreOptions) {
    this.#real = real;
    this.#clock = options.clock;
    this.#fallback = new MemoryStore({
      now: () => this.#clock.now(),
      ...(options.maxFallbackEntries !== undefined ? { maxEntries: options.maxFallbackEntries } : {}),
    });
    this.#logger = options.logger;
    this.#redactor = options.redactor;
    this.#onDegraded = options.onDegraded;
    this.#onRecovered = options.onRecovered;
    this.#probeIntervalMs = options.probeIntervalMs ?? 5_000;
    this.#opTimeoutMs = options.opTimeoutMs ?? 2_000;
    this.#probeKey = options.probeKey ?? 'basiq:probe';
  }

  /** Whether calls are being served from memory because the real store failed. */
  get degraded(): boolean {
    return this.#degraded;
  }

  /** How many values the in-memory fallback holds (what a degraded store costs in memory). */
  get fallbackEntries(): number {
    return this.#fallback.size;
  }

  get(key: string): Promise<string | undefined> {
    return this.#run('get', (s) => s.get(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.#run('set', (s) => s.set(key, value, ttlMs));
  }

  delete(key: string, ifValue?: string): Promise<void> {
    return this.#run('delete', (s) => (ifValue === undefined ? s.delete(key) : s.delete(key, ifValue)));
  }

  acquireLock(key: string, ttlMs: number): Promise<string | undefined> {
    return this.#run('acquireLock', (s) => s.acquireLock(key, ttlMs));
  }

  releaseLock(key: string, owner: string): Promise<void> {
    return this.#run('releaseLock', (s) => s.releaseLock(key, owner));
  }

  takeSlot(key: string, opts: { now: number; windowMs: number; max?: number }): Promise<SlotResult> {
    return this.#run('takeSlot', (s) => s.takeSlot(key, opts));
  }

  async #run<T>(name: string, op: (store: TokenStore) => Promise<T>): Promise<T> {
    if (this.#degraded) {
      this.#maybeProbe();
      return op(this.#fallback);
    }
    try {
      return await this.#withTimeout(name, () => op(this.#real));
    } catch (error) {
      this.#degrade(name, error);
      return op(this.#fallback);
    }
  }

  #degrade(name: string, error: unknown): void {
    this.#nextProbeAt = this.#clock.now() + this.#probeIntervalMs;
    if (this.#degraded) return;
    this.#degraded = true;
    const message = `token store ${name}() failed (${describeError(error, this.#redactor)}); serving from this process until it answers again`;
    this.#logger.warn(message);
    this.#onDegraded?.({ message });
  }

  #maybeProbe(): void {
    if (this.#probing || this.#clock.now() < this.#nextProbeAt) return;
    this.#probing = true;
    this.#withTimeout('get', async () => {
      const key = this.#probeKey;
      return this.#real.get(typeof key === 'string' ? key : await key());
    })
      .then(
        () => {
          this.#degraded = false;
          this.#logger.info('token store answers again; using it');
          this.#onRecovered?.();
        },
        () => {
          this.#nextProbeAt = this.#clock.now() + this.#probeIntervalMs;
        },
      )
      .finally(() => {
        this.#probing = false;
      })
      .catch(() => {});
  }

  #withTimeout<T>(name: string, op: () => Promise<T>): Promise<T> {
    // A store that throws synchronously is as down as one that rejects: withDeadline calls `op`.
    return withDeadline(
      op,
      this.#opTimeoutMs,
      () => new Error(`${name}() did not answer within ${this.#opTimeoutMs} ms`),
    );
  }

  toJSON(): Record<string, unknown> {
    return { degraded: this.#degraded };
  }

  [INSPECT](): string {
    return `SafeStore { degraded: ${this.#degraded} }`;
  }
}
