import type { CloseSignal } from './close-signal.js';
import { INSPECT } from './inspect.js';
import { BasiqConfigError, BasiqError, BasiqRateLimitError, BasiqTokenError } from './errors.js';
import { fetchOncePerFleet } from './fleet-flight.js';
import type { Sealer } from './sealing.js';
import type { Redactor } from './secrets.js';
import type { TokenStore } from './store.js';
import type { Clock } from './types.js';

export interface RefusalWindowOptions {
  store: TokenStore;
  sealer: Sealer;
  redactor: Redactor;
  clock: Clock;
  /** The first window, doubled on each refusal in a row up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** The first window after a 403 (account disabled, IP throttled), in place of `baseMs`. */
  cooldownMs: number;
  /** How long the lock of the call that goes first is held at most. */
  lockTtlMs: number;
  /** Aborts waiting for that call (the client closing). */
  signal: CloseSignal;
  /** Told when a window starts. */
  onWindow?(info: {
    code: string;
    upstreamStatus: number | undefined;
    windowMs: number;
    refusals: number;
  }): void;
}

/** What is known of the last refusal: when its window ends and what Basiq said. */
interface State {
  /** End of the window (clock ms). */
  until: number;
  /** Refusals in a row, for the window's growth. */
  refusals: number;
  code: string;
  message: string;
  upstreamStatus: number | undefined;
  option: string | undefined;
}

// How long a success vouches for the key in the store: within it, calls go ahead without waiting
// for one another; after it, the next call goes first again (once).
const VERIFIED_TTL_MS = 3_600_000;

const GO_AHEAD = Symbol('go ahead');

/**
 * After `/token` refuses the application (a wrong key or version: 400, 401, 404; a throttle:
 * 403, 429), no `/token` call at all for a window that grows with each refusal in a row
 * (`baseMs`, or `cooldownMs` after a 403, doubled each time up to `maxMs`; at least Basiq's
 * `Retry-After`, up to `maxMs`). Callers meanwhile get the same error at once.
 *
 * The record lives in the store (sealed), so a fleet sharing one store waits as one: every
 * `/token` call reads it first. While the key is not known to work (no success on record: a
 * cold start, or a window that ended), one call in the fleet goes first, holding a lock, and
 * the others wait for its outcome: a success lets them all through, a refusal answers them with
 * its error. So N instances make one `/token` call per window together, not one each, even
 * when they are asked for different users at the same moment. Keys are namespaced by the API
 * key, so a key corrected by a restart starts with a clean record.
 */
export class RefusalWindow {
  readonly #o: RefusalWindowOptions;
  #state: State | undefined;
  /** When this process last recorded a success (clock ms). */
  #verifiedAt = -Infinity;
  /** The key generation `#state` and `#verifiedAt` are about: a new key starts clean. */
  #generation = 0;
  /** The end of the last window whose refusal made this process read the key again. */
  #followedUntil = -Infinity;

  constructor(options: RefusalWindowOptions) {
    this.#o = options;
  }

  /** Milliseconds left of the window this process knows of (0 when none). */
  remainingMs(): number {
    this.#sync();
    return this.#state ? Math.max(0, this.#state.until - this.#o.clock.now()) : 0;
  }

  /** Throws the window's error while this process knows of an open window (no I/O). */
  assertOpen(): void {
    this.#sync();
    const state = this.#state;
    if (state && state.until > this.#o.clock.now()) throw errorOf(state, state.until - this.#o.clock.now());
  }

  /**
   * Runs one `/token` call (`call`, retries included) under the window: throws the window's
   * error while one is open here or in the fleet, goes first (or waits for the one that does)
   * while the key is not known to work, and records the outcome.
   *
   * With an `apiKey` function, a refusal of the key first reads the key again, once: a new key
   * is tried at once instead of opening a window (the refusal was of a rotated-out key); the same
   * key opens the window as before. A window this process meets (another instance's refusal, or
   * its own) is followed the same way, once per window.
   */
  async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.#run(call);
    } catch (error) {
      const state = this.#state;
      if (!isKeyRefusal(error) || !state || this.#o.sealer.keys.generationOf(error) !== undefined)
        throw error;
      // Met an open window rather than a refusal of its own.
      if (state.until === this.#followedUntil) throw error;
      this.#followedUntil = state.until;
      if (!(await this.#o.sealer.keys.followRefusal(this.#generation))) throw error;
      return this.#run(call);
    }
  }

  async #run<T>(call: () => Promise<T>): Promise<T> {
    if ((await this.#check()) === 'verified') return this.#record(call, true);
    const outcome = await fetchOncePerFleet<{ value: T } | typeof GO_AHEAD>({
      store: this.#o.store,
      lockKey: (await this.#storeKeys()).first,
      lockTtlMs: this.#o.lockTtlMs,
      signal: this.#o.signal,
      // Throws the window's error when the call that went first was refused.
      read: async () => ((await this.#check()) === 'verified' ? GO_AHEAD : undefined),
      fetch: async () => ({ value: await this.#record(call, false) }),
    });
    return outcome === GO_AHEAD ? this.#record(call, true) : outcome.value;
  }

  /** Reads the record: whether the key is known to work; throws while a window is open. */
  async #check(): Promise<'verified' | 'unknown'> {
    this.assertOpen();
    const { record: key } = await this.#storeKeys();
    const record = await this.#open(key, await this.#o.store.get(key));
    if (record === 'verified') {
      this.#state = undefined;
      return 'verified';
    }
    if (record) {
      if (!this.#state || record.until >= this.#state.until) this.#state = record;
    } else if (this.#state && this.#state.until <= this.#o.clock.now()) {
      // The record aged out: nothing left to grow from.
      this.#state = undefined;
    }
    this.assertOpen();
    return 'unknown';
  }

  async #record<T>(call: () => Promise<T>, verified: boolean, followed = false): Promise<T> {
    let value: T;
    try {
      value = await call();
    } catch (error) {
      const keys = this.#o.sealer.keys;
      const sentWith = keys.generationOf(error);
      const follow = !followed && sentWith !== undefined && isKeyRefusal(error);
      if (follow && (await keys.followRefusal(sentWith))) return this.#record(call, false, true);
      await this.#failed(error);
      // The key was read again for this refusal: its window is not a reason to read it once more.
      if (follow && this.#state) this.#followedUntil = this.#state.until;
      throw error;
    }
    const now = this.#o.clock.now();
    // Renewed well before it lapses, so that steady traffic never goes back to one-at-a-time.
    if (!verified || this.#state || now - this.#verifiedAt >= VERIFIED_TTL_MS / 4) {
      this.#state = undefined;
      this.#verifiedAt = now;
      const { record: key } = await this.#storeKeys();
      await this.#o.store.set(key, await this.#o.sealer.seal(key, { ok: true }), VERIFIED_TTL_MS);
    }
    return value;
  }

  /** Opens a window when `error` is a refusal of the application. */
  async #failed(error: unknown): Promise<void> {
    if (!isRefusal(error)) return;
    this.#sync();
    const { clock, maxMs, baseMs, cooldownMs, store, sealer } = this.#o;
    const { record: key } = await this.#storeKeys();
    const stored = await this.#open(key, await store.get(key));
    if (stored && stored !== 'verified' && stored.until > (this.#state?.until ?? 0)) this.#state = stored;
    const now = clock.now();
    // A call that started before the window opened adds nothing to it.
    if (this.#state && this.#state.until > now) return;
    const refusals = (this.#state?.refusals ?? 0) + 1;
    // A 403 (account disabled, IP throttled) starts from its own, longer cool-down.
    const first = error.code === 'basiq_access_denied' ? cooldownMs : baseMs;
    let windowMs = Math.min(Math.max(maxMs, first), first * 2 ** Math.min(refusals - 1, 30));
    if (error.retryAfterMs !== undefined) windowMs = Math.max(windowMs, Math.min(error.retryAfterMs, maxMs));
    const state: State = {
      until: now + windowMs,
      refusals,
      code: error.code,
      message: this.#o.redactor.redact(error.message),
      upstreamStatus: error.upstreamStatus,
      option: error instanceof BasiqConfigError ? error.option : undefined,
    };
    this.#state = state;
    this.#o.onWindow?.({ code: state.code, upstreamStatus: state.upstreamStatus, windowMs, refusals });
    // Kept past the window (up to maxMs more), so the next refusal in the fleet grows it.
    await store.set(key, await sealer.seal(key, state), windowMs + maxMs);
  }

  /**
   * The namespaced keys: of the current API key, so not kept (each is a string concatenation
   * once the key's namespace is derived). A rotated-out key's records stay under its namespace
   * until they expire: instances still on that key keep waiting out its windows.
   */
  async #storeKeys(): Promise<{ record: string; first: string }> {
    const { sealer } = this.#o;
    const [record, first] = await Promise.all([sealer.key('refusal'), sealer.key('lock:refusal-first')]);
    return { record, first };
  }

  /** Forgets what this process knew of the previous key's windows once the key changed. */
  #sync(): void {
    const generation = this.#o.sealer.keys.generation;
    if (generation === this.#generation) return;
    this.#generation = generation;
    this.#state = undefined;
    this.#verifiedAt = -Infinity;
  }

  async #open(key: string, value: string | undefined): Promise<State | 'verified' | undefined> {
    if (value === undefined) return undefined;
    const s = (await this.#o.sealer.unseal(key, value)) as (Partial<State> & { ok?: unknown }) | undefined;
    if (s?.ok === true) return 'verified';
    if (
      !s ||
      typeof s.until !== 'number' ||
      typeof s.refusals !== 'number' ||
      typeof s.code !== 'string' ||
      typeof s.message !== 'string'
    ) {
      return undefined;
    }
    return {
      until: s.until,
      refusals: s.refusals,
      code: s.code,
      message: s.message,
      upstreamStatus: typeof s.upstreamStatus === 'number' ? s.upstreamStatus : undefined,
      option: typeof s.option === 'string' ? s.option : undefined,
    };
  }

  toJSON(): Record<string, unknown> {
    return { remainingMs: this.remainingMs() };
  }

  [INSPECT](): string {
    return `RefusalWindow { remainingMs: ${this.remainingMs()} }`;
  }
}

/**
 * Whether `/token`'s answer refuses the application as a whole: the key or version is wrong
 * (a 400 about a userId is that user's, not the application's), or Basiq throttles it. Only
 * Basiq's answers count (`upstreamStatus`): an `apiKey` function failing is not Basiq's refusal.
 */
function isRefusal(error: unknown): error is BasiqError {
  if (!(error instanceof BasiqError) || error.upstreamStatus === undefined) return false;
  if (error.code === 'basiq_access_denied' || error.code === 'basiq_rate_limited') return true;
  return (
    error instanceof BasiqConfigError &&
    error.code === 'basiq_configuration' &&
    (error.option === 'apiKey' || error.option === 'basiqVersion')
  );
}

/**
 * Whether Basiq refused the key itself: 400/401/404 about `apiKey` ("Unable to authenticate"),
 * or 403 (the application refused: disabled, or its key's access withdrawn). A new key may help.
 */
function isKeyRefusal(error: unknown): error is BasiqError {
  if (!(error instanceof BasiqError) || error.upstreamStatus === undefined) return false;
  if (error.code === 'basiq_access_denied') return true;
  return (
    error instanceof BasiqConfigError && error.code === 'basiq_configuration' && error.option === 'apiKey'
  );
}

/** The error the window answers with: the refusal's own, with how long is left. */
function errorOf(state: State, retryAfterMs: number): BasiqError {
  const init = { upstreamStatus: state.upstreamStatus, retryAfterMs };
  if (state.code === 'basiq_configuration') {
    return new BasiqConfigError(state.message, {
      ...init,
      code: 'basiq_configuration',
      option: state.option,
    });
  }
  if (state.code === 'basiq_rate_limited') {
    return new BasiqRateLimitError(state.message, { ...init, code: 'basiq_rate_limited' });
  }
  return new BasiqTokenError('basiq_access_denied', state.message, init);
}
