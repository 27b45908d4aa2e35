import type { CloseSignal } from './close-signal.js';
import { fetchOncePerFleet } from './fleet-flight.js';
import type { SafeLogger } from './logger.js';
import { Lru } from './lru.js';
import type { Sealer } from './sealing.js';
import type { Redactor } from './secrets.js';
import type { TokenStore } from './store.js';
import { openTokenRecord, sealTokenRecord } from './stored-token.js';
import type { TokenRecord as Entry } from './stored-token.js';
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
  readonly #cache: Lru<string, Entry>;
  readonly #inflight = new Map<string, Promise<Entry>>();

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
    let flight = this.#inflight.get(id);
    if (!flight) {
      flight = this.#load(id).finally(() => this.#inflight.delete(id));
      this.#inflight.set(id, flight);
    }
    return this.#toClientToken(id, await flight);
  }

  /** Reusable while at least `minRemainingMs` (at most half its lifetime, for short tokens) is left. */
  #usable(entry: Entry): boolean {
    const lifetime = entry.expiresAt - entry.issuedAt;
    const minRemaining = Math.min(this.#o.minRemainingMs, lifetime / 2);
    return entry.expiresAt - this.#o.clock.now() >= minRemaining;
  }

  async #load(userId: string): Promise<Entry> {
    const { store, sealer } = this.#o;
    if (!store) {
      const entry = await this.#fetch(userId, undefined);
      this.#cache.set(userId, entry);
      return entry;
    }
    const name = await sealer.pseudonym(userId);
    const key = await sealer.key(`client:${name}`);
    const read = async (): Promise<Entry | undefined> => {
      const stored = await openTokenRecord(sealer, this.#o.redactor, key, await store.get(key));
      return stored && this.#usable(stored) ? stored : undefined;
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
        fetch: () => this.#fetch(userId, key),
        onGiveUp: () =>
          this.#o.logger.debug(
            'gave up waiting for another instance to fetch a client token; fetching it here',
          ),
      }));
    this.#cache.set(userId, entry);
    return entry;
  }

  /** One `/token` call for `userId`; the token is stored at `key` (sealed) when there is a store. */
  async #fetch(userId: string, key: string | undefined): Promise<Entry> {
    const { store, sealer, clock } = this.#o;
    const issued = await this.#o.fetcher.fetch({ scope: 'CLIENT_ACCESS', userId });
    const entry: Entry = {
      token: issued.accessToken,
      issuedAt: issued.issuedAt,
      expiresAt: issued.expiresAt,
    };
    const ttl = entry.expiresAt - clock.now();
    if (store && key !== undefined && ttl > 0) {
      await store.set(key, await sealTokenRecord(sealer, key, entry), Math.ceil(ttl));
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
