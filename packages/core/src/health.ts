import type { ServerTokenPhase } from './server-token.js';
import type { BasiqEvents } from './types.js';

/**
 * What {@link BasiqClient.health} answers: the server token's state, the back-off window, the
 * store and the `/token` budget, read from memory (no `/token` call, no I/O). It holds no key,
 * no token and no user id, so it can be served as is from a health endpoint.
 */
export interface BasiqHealth {
  /** A server token is held and has not expired (and the client is not closed). */
  ready: boolean;
  /** `close()` was called. */
  closed: boolean;
  /** The server token (SERVER_ACCESS) as this process holds it. */
  serverToken: {
    /** A server token is held in this process (it may have expired: see `phase`). */
    held: boolean;
    /** `fresh`; `refresh-soon` and `refresh-due` (the soft and hard windows); `expired`; `none`. */
    phase: ServerTokenPhase;
    /** When the held token expires (epoch ms, the client's clock). */
    expiresAt?: number;
    /** Milliseconds until it expires (0 once expired). */
    expiresInMs?: number;
    /** A `/token` call for it is running. */
    refreshing: boolean;
    /**
     * The last failure to get a server token from `/token` in this process, until one succeeds:
     * its error code (`basiq_configuration`, `basiq_unavailable`, …) and when (epoch ms).
     */
    lastFailure?: { code: string; at: number };
  };
  /** The window without `/token` calls after Basiq refused the application (wrong key, 403, 429). */
  backoff: { open: boolean; remainingMs: number };
  /** The token store: the in-process default or the app's own, and whether it is failing now. */
  store: { kind: 'memory' | 'custom'; degraded: boolean };
  /**
   * The `/token` budget as last counted (it is kept in the store, so this is the count at the
   * last `/token` call, `at`, not a fresh read); absent before the first call.
   */
  budget?: { limit: number; windowMs: number; used: number; left: number; at: number };
}

/**
 * Follows the client's own events for the one thing its parts do not keep: whether the last
 * server-token fetch failed. Only the code is kept; a message could carry Basiq's text.
 */
export class ServerFetchOutcome {
  readonly #now: () => number;
  #lastFailure: { code: string; at: number } | undefined;

  constructor(now: () => number) {
    this.#now = now;
  }

  observe<E extends keyof BasiqEvents>(event: E, args: BasiqEvents[E]): void {
    const info = args[0] as { scope?: string; code?: string } | undefined;
    if (info?.scope !== 'SERVER_ACCESS') return;
    if (event === 'token:fetched') this.#lastFailure = undefined;
    else if (event === 'token:error') this.#lastFailure = { code: info.code ?? 'error', at: this.#now() };
  }

  get lastFailure(): { code: string; at: number } | undefined {
    return this.#lastFailure;
  }
}
