import type { CloseSignal } from './close-signal.js';
import { unrefTimer } from './timers.js';
import type { SafeLogger } from './logger.js';
import { fetchOncePerFleet } from './fleet-flight.js';
import type { Sealer } from './sealing.js';
import { describeError } from './secrets.js';
import type { Redactor } from './secrets.js';
import { heldToken, openTokenRecord, sealTokenRecord } from './stored-token.js';
import type { HeldToken } from './stored-token.js';
import type { TokenStore } from './store.js';
import type { TokenFetcher } from './token-fetcher.js';
import type { Clock } from './types.js';

/** A server token and what the engine knows of its lifetime (clock ms). */
interface Cached extends HeldToken {
  /** The exact string stored for it, for compare-and-delete on invalidation. */
  sealed?: string;
}

export interface ServerTokenOptions {
  fetcher: TokenFetcher;
  store: TokenStore;
  sealer: Sealer;
  clock: Clock;
  logger: SafeLogger;
  redactor: Redactor;
  softWindowMs: number;
  hardWindowMs: number;
  keepWarm: boolean;
  /** How long the refresh lock is held at most (a crashed holder frees it after this). */
  lockTtlMs: number;
  /** Aborts polling and waits when the client closes. */
  signal: CloseSignal;
  /**
   * Called before the store is read for a refresh: follows a key another instance retired
   * (it may rotate the key, which {@link ServerTokenManager.reset}s this manager).
   */
  beforeStoreRead?(): Promise<void>;
}

/** Where the cached server token stands. */
export type ServerTokenPhase = 'none' | 'fresh' | 'refresh-soon' | 'refresh-due' | 'expired';

/** The store key name of the server token (in the API key's namespace). */
const STORE_KEY = 'server';
const LOCK_KEY = 'lock:server';
/**
 * At most one forced refresh (a token Basiq refused, replaced at once) per this long: when the
 * fresh token is refused too, Basiq's answer is the error, and asking again per request would
 * turn a Basiq incident into a `/token` flood that the budget (which never refuses the server
 * token) cannot stop.
 */
export const FORCED_REFRESH_INTERVAL_MS = 30_000;

/**
 * The SERVER_ACCESS token: cached in this process in front of the store, refreshed early.
 *
 * - Fresh: served at once, no I/O at all.
 * - Soft window (default the last 5 minutes): served at once while one background refresh runs;
 *   its failure is logged and the token keeps being served.
 * - Hard window (default the last 30 s) or none: callers wait for the refresh. If it fails
 *   and the old token is still valid, they get the old token.
 * Both windows shrink for short lifetimes (at most 1/2 and 1/4 of the lifetime).
 *
 * One refresh per process at a time (single flight). Across processes sharing a store, the
 * refresh lock elects one fetcher; the others poll the store for its result and fetch
 * themselves if the lock expires or their token would.
 */
export class ServerTokenManager {
  readonly #o: ServerTokenOptions;
  #cached: Cached | undefined;
  #inflight: Promise<Cached> | undefined;
  /** The key generation the refresh in flight was started for. */
  #inflightGeneration = 0;
  /** A token invalidated by a 401/403: never adopted again from the store. */
  #invalidated: string | undefined;
  /** When a refused token was last dropped (clock ms): see {@link FORCED_REFRESH_INTERVAL_MS}. */
  #lastForcedAt = -Infinity;
  #warnedForcedAt = -Infinity;
  /** No new background refresh before this (after one failed), so an outage is not hammered. */
  #backgroundAfter = 0;
  #keepWarmTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: ServerTokenOptions) {
    this.#o = options;
  }

  /** The current server token; see the class comment for when it waits. */
  get(): Promise<string> {
    const cached = this.#cached;
    if (cached) {
      const left = cached.expiresAt - this.#o.clock.now();
      const { soft, hard } = this.#windows(cached);
      if (left > hard) {
        if (left <= soft) this.#refreshInBackground();
        return Promise.resolve(cached.token);
      }
    }
    return this.#getWaiting();
  }

  /**
   * Drops `token` if it is still the cached one (here and in the store), at most once per
   * {@link FORCED_REFRESH_INTERVAL_MS}; within it the token stays and the caller's replay meets
   * Basiq's answer again.
   */
  async invalidate(token: string): Promise<void> {
    const cached = this.#cached;
    if (!cached || cached.token !== token) return;
    const now = this.#o.clock.now();
    if (now - this.#lastForcedAt < FORCED_REFRESH_INTERVAL_MS) {
      // Once per window at warn: Basiq refusing fresh tokens is worth an operator's look.
      const log = this.#warnedForcedAt === this.#lastForcedAt ? 'debug' : 'warn';
      this.#warnedForcedAt = this.#lastForcedAt;
      this.#o.logger[log](
        `Basiq refused a fresh server token too; not fetching another for ${Math.ceil((this.#lastForcedAt + FORCED_REFRESH_INTERVAL_MS - now) / 1000)} s (one forced refresh per ${FORCED_REFRESH_INTERVAL_MS / 1000} s)`,
      );
      return;
    }
    this.#lastForcedAt = now;
    this.#cached = undefined;
    this.#invalidated = token;
    this.#o.logger.debug('server token invalidated after Basiq refused it; the next call refreshes');
    if (cached.sealed !== undefined)
      await this.#o.store.delete((await this.#storeKeys()).store, cached.sealed);
  }

  /** Whether a refresh is running. */
  get refreshing(): boolean {
    return this.#inflight !== undefined;
  }

  /** The running refresh, if any (close() waits for it to settle). */
  get pending(): Promise<unknown> | undefined {
    return this.#inflight;
  }

  phase(): { phase: ServerTokenPhase; expiresAt?: number } {
    const cached = this.#cached;
    if (!cached) return { phase: 'none' };
    const left = cached.expiresAt - this.#o.clock.now();
    const { soft, hard } = this.#windows(cached);
    const phase: ServerTokenPhase =
      left <= 0 ? 'expired' : left <= hard ? 'refresh-due' : left <= soft ? 'refresh-soon' : 'fresh';
    return { phase, expiresAt: cached.expiresAt };
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#keepWarmTimer);
  }

  /**
   * Forgets the previous key's token after a rotation, synchronously: the next caller starts a
   * refresh with the new key, and a refresh still running for the old key neither caches nor
   * stores what it gets (its callers follow the new key's refresh).
   */
  reset(): void {
    this.#cached = undefined;
    this.#inflight = undefined;
    this.#invalidated = undefined;
    this.#backgroundAfter = 0;
    clearTimeout(this.#keepWarmTimer);
  }

  /** Deletes the server token stored under `sealer`'s namespace (a rotated-out key's). */
  async deleteStored(sealer: Sealer): Promise<void> {
    await this.#o.store.delete(await sealer.key(STORE_KEY));
  }

  async #getWaiting(): Promise<string> {
    try {
      return (await this.#refresh()).token;
    } catch (error) {
      const cached = this.#cached;
      if (cached && cached.expiresAt > this.#o.clock.now() && !this.#o.signal.aborted) {
        this.#o.logger.warn(
          `server token refresh failed (${describeError(error, this.#o.redactor)}); serving the still-valid token`,
        );
        return cached.token;
      }
      throw error;
    }
  }

  /** Effective windows for this token: never more than half (soft) or a quarter (hard) of its lifetime. */
  #windows(cached: Cached): { soft: number; hard: number } {
    const lifetime = Math.max(0, cached.expiresAt - cached.issuedAt);
    return {
      soft: Math.min(this.#o.softWindowMs, lifetime / 2),
      hard: Math.min(this.#o.hardWindowMs, lifetime / 4),
    };
  }

  #isFresh(entry: Cached, now: number): boolean {
    return entry.token !== this.#invalidated && entry.expiresAt - now > this.#windows(entry).soft;
  }

  #refreshInBackground(): void {
    if (this.#inflight || this.#closed || this.#o.clock.now() < this.#backgroundAfter) return;
    this.#refresh().catch((error: unknown) => {
      if (this.#closed) return;
      const cached = this.#cached;
      const gap = cached ? Math.min(10_000, this.#windows(cached).soft / 5) : 0;
      this.#backgroundAfter = this.#o.clock.now() + gap;
      this.#o.logger.warn(
        `background refresh of the server token failed (${describeError(error, this.#o.redactor)}); still serving the cached token`,
      );
      this.#scheduleKeepWarm(gap);
    });
  }

  /**
   * The single flight: every caller shares it; cleared when it settles, failures not kept. One
   * per key: a caller after a rotation never joins the previous key's refresh.
   */
  #refresh(): Promise<Cached> {
    const generation = this.#o.sealer.keys.generation;
    if (this.#inflight && this.#inflightGeneration === generation) return this.#inflight;
    const flight: Promise<Cached> = this.#doRefresh(generation).finally(() => {
      if (this.#inflight === flight) this.#inflight = undefined;
    });
    this.#inflight = flight;
    this.#inflightGeneration = generation;
    return flight;
  }

  async #doRefresh(generation: number): Promise<Cached> {
    const result = await this.#refreshFor(generation);
    // The key changed while this ran: what it got is the old key's (or nothing); its callers
    // get the new key's token from the new key's refresh instead.
    if (this.#o.sealer.keys.generation !== generation) return this.#refresh();
    return result;
  }

  async #refreshFor(generation: number): Promise<Cached> {
    const { store, signal, clock } = this.#o;
    if (signal.aborted) throw signal.reason;
    await this.#o.beforeStoreRead?.();
    if (this.#o.sealer.keys.generation !== generation) return this.#refresh();
    const stored = await this.#readStore();
    if (stored && this.#isFresh(stored, clock.now())) return this.#adopt(stored);
    // A valid token from another instance beats none, even while we refresh.
    if (stored && stored.token !== this.#invalidated && stored.expiresAt > (this.#cached?.expiresAt ?? 0)) {
      this.#adopt(stored);
    }
    // During a back-off window, fail before touching the lock.
    this.#o.fetcher.assertOpen();
    const cached = this.#cached;
    // Waiting for another instance ends when our own token would expire. Without one, the fleet
    // flight's own bound (the lock's TTL plus a margin) decides: giving up at the TTL itself would
    // race the takeover of a vanished holder's lock and fetch a second token.
    const waitUntil = cached && cached.expiresAt > clock.now() ? cached.expiresAt : undefined;
    return fetchOncePerFleet<Cached>({
      store,
      lockKey: (await this.#storeKeys()).lock,
      lockTtlMs: this.#o.lockTtlMs,
      signal,
      read: async () => {
        const found = await this.#readStore();
        return found && this.#isFresh(found, clock.now()) ? this.#adopt(found) : undefined;
      },
      fetch: () => this.#fetchAndStore(),
      giveUp: () => waitUntil !== undefined && clock.now() >= waitUntil,
      onGiveUp: () =>
        this.#o.logger.debug(
          'gave up waiting for another instance to refresh the server token; fetching it here',
        ),
    });
  }

  async #fetchAndStore(): Promise<Cached> {
    const { store, sealer, clock } = this.#o;
    const issued = await this.#o.fetcher.fetch({ scope: 'SERVER_ACCESS' });
    const entry: Cached = heldToken(issued);
    const ttl = entry.expiresAt - clock.now();
    if (ttl > 0 && this.#current(entry)) {
      const { store: key } = await this.#storeKeys();
      const sealed = await sealTokenRecord(sealer, key, entry);
      // Sealed with the key current now: stored only if that is still the token's own.
      if (this.#current(entry)) {
        entry.sealed = sealed;
        await store.set(key, sealed, Math.ceil(ttl));
      }
    }
    return this.#adopt(entry);
  }

  async #readStore(): Promise<Cached | undefined> {
    const generation = this.#o.sealer.keys.generation;
    const { store: key } = await this.#storeKeys();
    const value = await this.#o.store.get(key);
    const record = await openTokenRecord(this.#o.sealer, this.#o.redactor, key, value);
    if (!record || record.expiresAt <= this.#o.clock.now()) return undefined;
    return { ...record, sealed: value, generation };
  }

  /**
   * The namespaced keys, of the current API key: not kept, as a rotation changes them (each is
   * a string concatenation once the key's namespace is derived; the cache hit needs none).
   */
  async #storeKeys(): Promise<{ store: string; lock: string }> {
    const { sealer } = this.#o;
    const [store, lock] = await Promise.all([sealer.key(STORE_KEY), sealer.key(LOCK_KEY)]);
    return { store, lock };
  }

  /** Whether `entry` belongs to the key in use now. */
  #current(entry: Cached): boolean {
    return entry.generation === this.#o.sealer.keys.generation;
  }

  #adopt(entry: Cached): Cached {
    // A token of a rotated-out key goes back to the refresh that got it, never into the cache.
    if (!this.#current(entry)) return entry;
    const current = this.#cached;
    if (!current || current.token === this.#invalidated || entry.expiresAt >= current.expiresAt) {
      this.#cached = entry;
      this.#backgroundAfter = 0;
      this.#scheduleKeepWarm();
    }
    return entry;
  }

  /** With keepWarm, an unref'd timer starts the background refresh when the soft window opens. */
  #scheduleKeepWarm(minDelayMs = 0): void {
    if (!this.#o.keepWarm || this.#closed) return;
    clearTimeout(this.#keepWarmTimer);
    const cached = this.#cached;
    if (!cached) return;
    const opensIn = cached.expiresAt - this.#windows(cached).soft - this.#o.clock.now();
    this.#keepWarmTimer = setTimeout(
      () => this.#refreshInBackground(),
      Math.min(2_147_483_647, Math.max(minDelayMs, opensIn, 0) + 10),
    );
    unrefTimer(this.#keepWarmTimer);
  }
}
