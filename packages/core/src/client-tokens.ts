import type { CloseSignal } from './close-signal.js';
import { fetchOncePerFleet } from './fleet-flight.js';
import type { SafeLogger } from './logger.js';
import { Lru } from './lru.js';
import type { Sealer } from './sealing.js';
import type { Redactor } from './secrets.js';
import type { TokenStore } from './store.js';
import { heldToken, openTokenRecord, sealTokenRecord } from './stored-token.js';
import type { HeldToken, TokenRecord } from './stored-token.js';
import type { TokenFetcher } from './token-fetcher.js';
import type { ClientToken, Clock } from './types.js';
import { validateUserId } from './user-id.js';

export interface ClientTokenOptions {
  fetcher: TokenFetcher;
  /** The shared store, or `undefined` when tokens stay in this process (the LRU alone bounds them). */
  store: TokenStore | undefined;
  sealer: Sealer;
  clock: Clock;
  logger: SafeLogger;
  redactor: Redactor;
  maxEntries: number;
  minRemainingMs: number;
  /** How long a user's fetch lock is held at most (a crashed holder frees it after this). */
  lockTtlMs: number;
  /** Aborts polling when the client closes. */
  signal: CloseSignal;
  /**
   * Called before the store is read for a user: follows a key another instance retired (it may
   * rotate the key, which {@link ClientTokenManager.reset}s this manager).
   */
  beforeStoreRead?(): Promise<void>;
}

/** A client token and the generation of the API key it belongs to. */
type Entry = HeldToken;

/** How many users' stored tokens a rotation deletes at once. */
const DELETE_BATCH = 50;

/** The store key name of a user's client token (in the API key's namespace), by pseudonym. */
function storeName(pseudonym: string): string {
  return `client:${pseudonym}`;
}

/**
 * CLIENT_ACCESS tokens, one per Basiq user, reused while enough lifetime remains so that a
 * busy sign-in page does not spend the `/token` budget. In-process LRU in front of the
 * (sealed) store; one `/token` call per user at a time: in the process (one flight per user)
 * and, with a shared store, across the fleet (a lock per user, keyed by the user's pseudonym;
 * the other instances read the holder's token from the store). Different users never wait on
 * each other.
 */
export class ClientTokenManager {
  readonly #o: ClientTokenOptions;
  #cache: Lru<string, Entry>;
  #inflight = new Map<string, Promise<Entry>>();

  constructor(options: ClientTokenOptions) {
    this.#o = options;
    this.#cache = new Lru<string, Entry>(options.maxEntries);
  }

  /** How many users' tokens are cached in this process. */
  get size(): number {
    return this.#cache.size;
  }

  /** The in-flight loads (close() waits for them to settle). */
  pending(): Promise<unknown>[] {
    return [...this.#inflight.values()];
  }

  /**
   * A client token for `userId`, validated first (`BasiqInputError`, nothing sent upstream).
   * `expiresIn` is the whole seconds left at the time of the answer.
   */
  async get(userId: unknown): Promise<ClientToken> {
    const id = validateUserId(userId);
    const hit = this.#cache.get(id);
    if (hit && this.#usable(hit)) return this.#toClientToken(id, hit);
    return this.#toClientToken(id, await this.#flight(id));
  }

  /**
   * Forgets the previous key's tokens after a rotation, synchronously, and answers the users
   * they were for (so that their stored tokens can be deleted). Loads still running for the old
   * key neither cache nor store what they get; their callers follow the new key's load.
   */
  reset(): string[] {
    const users = new Set([...this.#cache.keys(), ...this.#inflight.keys()]);
    this.#cache = new Lru<string, Entry>(this.#o.maxEntries);
    this.#inflight = new Map();
    return [...users];
  }

  /** Deletes the client tokens of `users` stored under `sealer`'s namespace (a rotated-out key's). */
  async deleteStored(sealer: Sealer, users: readonly string[]): Promise<void> {
    const store = this.#o.store;
    if (!store) return;
    // In batches: a busy process knows thousands of users, and a rotation should not take a
    // round trip per user one after another (nor open thousands of commands at once).
    for (let i = 0; i < users.length; i += DELETE_BATCH) {
      await Promise.all(
        users
          .slice(i, i + DELETE_BATCH)
          .map(async (userId) => store.delete(await sealer.key(storeName(await sealer.pseudonym(userId))))),
      );
    }
  }

  /** The user's load in flight for the current key, or a new one. */
  #flight(id: string): Promise<Entry> {
    const inflight = this.#inflight;
    let flight = inflight.get(id);
    if (!flight) {
      const started: Promise<Entry> = this.#load(id).finally(() => {
        if (inflight.get(id) === started) inflight.delete(id);
      });
      inflight.set(id, started);
      flight = started;
    }
    return flight;
  }

  /** Reusable while at least `minRemainingMs` (at most half its lifetime, for short tokens) is left. */
  #usable(entry: TokenRecord): boolean {
    const lifetime = entry.expiresAt - entry.issuedAt;
    const minRemaining = Math.min(this.#o.minRemainingMs, lifetime / 2);
    return entry.expiresAt - this.#o.clock.now() >= minRemaining;
  }

  async #load(userId: string): Promise<Entry> {
    const generation = this.#o.sealer.keys.generation;
    const entry = await this.#loadFor(userId, generation);
    // The key changed meanwhile: this is the old key's token (or none); the caller gets the new key's.
    if (this.#o.sealer.keys.generation !== generation || entry.generation !== generation) {
      return this.#flight(userId);
    }
    this.#cache.set(userId, entry);
    return entry;
  }

  async #loadFor(userId: string, generation: number): Promise<Entry> {
    const { store, sealer } = this.#o;
    if (!store) return this.#fetch(userId, undefined, generation);
    await this.#o.beforeStoreRead?.();
    if (sealer.keys.generation !== generation) return this.#flight(userId);
    const name = await sealer.pseudonym(userId);
    const key = await sealer.key(storeName(name));
    const read = async (): Promise<Entry | undefined> => {
      const stored = await openTokenRecord(sealer, this.#o.redactor, key, await store.get(key));
      return stored && this.#usable(stored) ? { ...stored, generation } : undefined;
    };
    const stored = await read();
    const entry =
      stored ??
      (await fetchOncePerFleet({
        store,
        lockKey: await sealer.key(`lock:client:${name}`),
        lockTtlMs: this.#o.lockTtlMs,
        signal: this.#o.signal,
        read,
        fetch: () => this.#fetch(userId, key, generation),
        onGiveUp: () =>
          this.#o.logger.debug(
            'gave up waiting for another instance to fetch a client token; fetching it here',
          ),
      }));
    return entry;
  }

  /**
   * One `/token` call for `userId`; the token is stored at `key` (sealed; named with the key of
   * `keyGeneration`) when there is a store and the token is of that same key.
   */
  async #fetch(userId: string, key: string | undefined, keyGeneration: number): Promise<Entry> {
    const { store, sealer, clock } = this.#o;
    const issued = await this.#o.fetcher.fetch({ scope: 'CLIENT_ACCESS', userId });
    const entry: Entry = heldToken(issued);
    const ttl = entry.expiresAt - clock.now();
    const current = () => entry.generation === sealer.keys.generation;
    if (store && key !== undefined && ttl > 0 && current()) {
      const sealed = await sealTokenRecord(sealer, key, entry);
      // `key` and the seal must both be of the token's own key: a rotation in between drops it.
      if (current() && entry.generation === keyGeneration) {
        await store.set(key, sealed, Math.ceil(ttl));
      }
    }
    return entry;
  }

  #toClientToken(userId: string, entry: Entry): ClientToken {
    return {
      accessToken: entry.token,
      tokenType: 'Bearer',
      expiresIn: Math.max(0, Math.floor((entry.expiresAt - this.#o.clock.now()) / 1000)),
      expiresAt: entry.expiresAt,
      userId,
    };
  }
}
