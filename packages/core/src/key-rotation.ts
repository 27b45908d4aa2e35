import type { ApiKeySource } from './key-source.js';
import type { SafeLogger } from './logger.js';
import { Sealer } from './sealing.js';
import type { TokenStore } from './store.js';
import type { Clock } from './types.js';

/**
 * The name of the marker a rotation leaves in the previous key's namespace. It is sealed with
 * that key, says only that the key is retired and when, and names no other namespace: whoever
 * reads the store learns nothing new, and only holders of the retired key can open it.
 */
const RETIRED = 'retired';
/**
 * How long the marker stays: longer than a token lives (Basiq's last an hour), so that every
 * instance still on the key reads it at its next refresh, with margin for one that was idle.
 */
export const RETIRED_MARKER_TTL_MS = 24 * 3_600_000;
/** After the `apiKey` function answered the retired key again, it is not asked again for this long. */
const RECHECK_AFTER_SAME_MS = 30_000;
/** An instance with a string key warns about a retired key at most this often. */
const WARN_INTERVAL_MS = 300_000;

export interface KeyRotationOptions {
  keys: ApiKeySource;
  sealer: Sealer;
  store: TokenStore;
  clock: Clock;
  logger: SafeLogger;
  /** Whether other instances may share the store (a store the app gave); the marker is for them. */
  shared: boolean;
}

/**
 * The fleet's side of a rotation. The instance that changes key marks the previous key retired
 * in the store ({@link retire}); every instance checks its own key's namespace for that marker
 * when it reads the store for a token ({@link check}: a server-token refresh, a client token not
 * in its memory) and, with an `apiKey` function, reads its key again and follows. With a string
 * key it cannot: it warns, and keeps the tokens Basiq still accepts.
 */
export class KeyRotation {
  readonly #o: KeyRotationOptions;
  #checking: Promise<void> | undefined;
  /** No marker read before this (clock-independent: real ms), per key generation. */
  #quiet = { generation: -1, until: 0 };
  #warnedAt = -Infinity;

  constructor(options: KeyRotationOptions) {
    this.#o = options;
  }

  /**
   * Follows a rotation another instance made: when the current key's namespace holds the
   * retired marker, reads the key again (which drops this instance's tokens of the old key).
   * Never rejects: a failing store or `apiKey` function leaves the current key in use.
   */
  check(): Promise<void> {
    if (!this.#o.shared) return Promise.resolve();
    const { keys } = this.#o;
    if (this.#quiet.generation === keys.generation && performance.now() < this.#quiet.until) {
      return Promise.resolve();
    }
    this.#checking ??= this.#check()
      .catch(() => undefined)
      .finally(() => {
        this.#checking = undefined;
      });
    return this.#checking;
  }

  async #check(): Promise<void> {
    const { keys, sealer, store, logger } = this.#o;
    const generation = keys.generation;
    const name = await sealer.key(RETIRED);
    const value = await store.get(name);
    if (value === undefined) return;
    const marker = (await sealer.unseal(name, value)) as { retired?: unknown } | undefined;
    if (marker?.retired !== true || keys.generation !== generation) return;
    if (!keys.hasProvider) {
      this.#quiet = { generation, until: performance.now() + WARN_INTERVAL_MS };
      const now = performance.now();
      if (now - this.#warnedAt >= WARN_INTERVAL_MS) {
        this.#warnedAt = now;
        logger.warn(
          'another instance sharing the store rotated away from this API key; this instance has it as a ' +
            'string and cannot follow: restart it with the new key, or pass `apiKey` as a function that reads it',
        );
      }
      return;
    }
    logger.info('another instance sharing the store retired this API key; reading the key again');
    const changed = await keys.reread('retired');
    if (!changed) {
      this.#quiet = { generation, until: performance.now() + RECHECK_AFTER_SAME_MS };
      logger.warn(
        'another instance retired this API key, but the `apiKey` function still answers it; keeping it ' +
          `(asked again in ${RECHECK_AFTER_SAME_MS / 1000} s at the earliest)`,
      );
    }
  }

  /**
   * After this client switched from `previous`: marks `previous` retired in its namespace (for
   * the fleet) and clears the mark of the new key's namespace (a key rotated back to is live
   * again). `previous` is used only to derive its namespace and seal the marker.
   */
  async retire(previous: string): Promise<Sealer> {
    const { store, sealer, clock } = this.#o;
    const old = new Sealer(previous);
    if (this.#o.shared) {
      const name = await old.key(RETIRED);
      await store.set(name, await old.seal(name, { retired: true, at: clock.now() }), RETIRED_MARKER_TTL_MS);
      await store.delete(await sealer.key(RETIRED));
    }
    return old;
  }
}
