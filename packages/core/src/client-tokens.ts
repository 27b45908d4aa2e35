import { LRUCache } from 'lru-cache';
import type { Sealer } from './sealing.js';
import type { Redactor } from './secrets.js';
import type { TokenStore } from './store.js';
import type { TokenFetcher } from './token-fetcher.js';
import type { ClientToken, Clock } from './types.js';
import { validateUserId } from './user-id.js';

interface Entry {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

export interface ClientTokenOptions {
  fetcher: TokenFetcher;
  /** The shared store, or `undefined` when tokens stay in this process (the LRU alone bounds them). */
  store: TokenStore | undefined;
  sealer: Sealer;
  clock: Clock;
  redactor: Redactor;
  maxEntries: number;
  minRemainingMs: number;
}

/**
 * CLIENT_ACCESS tokens, one per Basiq user, reused while enough lifetime remains so that a
 * busy sign-in page does not spend the `/token` budget. In-process LRU in front of the
 * (sealed) store; one `/token` call per user at a time.
 */
export class ClientTokenManager {
  readonly #o: ClientTokenOptions;
  readonly #cache: LRUCache<string, Entry>;
  readonly #inflight = new Map<string, Promise<Entry>>();

  constructor(options: ClientTokenOptions) {
    this.#o = options;
    this.#cache = new LRUCache<string, Entry>({ max: options.maxEntries });
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
    const { store, sealer, fetcher, clock } = this.#o;
    const key = sealer.key(`client:${sealer.pseudonym(userId)}`);
    const stored = store ? this.#read(key, await store.get(key)) : undefined;
    if (stored && this.#usable(stored)) {
      this.#cache.set(userId, stored);
      return stored;
    }
    const issued = await fetcher.fetch({ scope: 'CLIENT_ACCESS', userId });
    const entry: Entry = {
      token: issued.accessToken,
      issuedAt: issued.issuedAt,
      expiresAt: issued.expiresAt,
    };
    const ttl = entry.expiresAt - clock.now();
    if (store && ttl > 0) {
      const sealed = sealer.seal(key, { t: entry.token, i: entry.issuedAt, e: entry.expiresAt });
      await store.set(key, sealed, Math.ceil(ttl));
    }
    this.#cache.set(userId, entry);
    return entry;
  }

  #read(key: string, value: string | undefined): Entry | undefined {
    if (value === undefined) return undefined;
    const p = this.#o.sealer.unseal(key, value) as { t?: unknown; i?: unknown; e?: unknown } | undefined;
    if (!p || typeof p.t !== 'string' || typeof p.i !== 'number' || typeof p.e !== 'number') return undefined;
    this.#o.redactor.remember(p.t);
    return { token: p.t, issuedAt: p.i, expiresAt: p.e };
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
