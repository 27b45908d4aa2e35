import { inspect } from 'node:util';
import { BasiqConfigError, BasiqError, BasiqRateLimitError, BasiqTokenError } from './errors.js';
import type { Sealer } from './sealing.js';
import type { Redactor } from './secrets.js';
import type { TokenStore } from './store.js';
import type { Clock } from './types.js';

export interface RefusalWindowOptions {
  store: TokenStore;
  sealer: Sealer;
  redactor: Redactor;
  clock: Clock;
  /** The first window, doubled on each refusal in a row up to {@link maxMs}. */
  baseMs: number;
  maxMs: number;
  /** The first window after a 403 (account disabled, IP throttled), in place of `baseMs`. */
  cooldownMs: number;
  /** How long the probe lock is held at most. */
  lockTtlMs: number;
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

/** What {@link RefusalWindow.enter} hands back: whether this call is the one probing after a window. */
export interface Pass {
  probeOwner: string | undefined;
  /** A refusal is on record (here or in the store): a success clears it. */
  onRecord: boolean;
}

// While another call probes whether Basiq answers again, the others are told to come back soon.
const PROBE_RETRY_AFTER_MS = 1_000;

/**
 * After `/token` refuses this application (a wrong key or version: 400, 401, 404; a throttle:
 * 403, 429), no `/token` call at all for a window that grows with each refusal in a row
 * (`baseMs`, doubled, up to `maxMs`; at least `cooldownMs` after a 403; at least Basiq's
 * `Retry-After`, up to `maxMs`). Callers meanwhile get the same error at once. The window is
 * kept in the store (sealed), so a fleet sharing one store waits as one; when it ends, one
 * call in the fleet (the holder of a probe lock) asks Basiq again while the others are told to
 * come back in a second. A success clears it. Keys are namespaced by the API key, so a key
 * corrected by a restart starts with no window.
 */
export class RefusalWindow {
  readonly #o: RefusalWindowOptions;
  readonly #key: string;
  readonly #probeKey: string;
  #state: State | undefined;

  constructor(options: RefusalWindowOptions) {
    this.#o = options;
    this.#key = options.sealer.key('refusal');
    this.#probeKey = options.sealer.key('lock:refusal-probe');
  }

  /** Milliseconds left of the window this process knows of (0 when none). */
  remainingMs(): number {
    return this.#state ? Math.max(0, this.#state.until - this.#o.clock.now()) : 0;
  }

  /** Throws the window's error while this process knows of an open window (no I/O). */
  assertOpen(): void {
    const state = this.#state;
    if (state && state.until > this.#o.clock.now()) throw errorOf(state, state.until - this.#o.clock.now());
  }

  /**
   * Before a `/token` call: throws while a window is open here or in the fleet; once one has
   * ended, lets one call through as the probe. Pair with {@link leave}.
   */
  async enter(): Promise<Pass> {
    this.assertOpen();
    const stored = this.#open(await this.#o.store.get(this.#key));
    if (stored) {
      if (!this.#state || stored.until >= this.#state.until) this.#state = stored;
    } else if (this.#state && this.#state.until <= this.#o.clock.now()) {
      // Another instance got a token since (or the record aged out): nothing left to probe.
      this.#state = undefined;
    }
    this.assertOpen();
    const state = this.#state;
    if (!state) return { probeOwner: undefined, onRecord: false };
    const probeOwner = await this.#o.store.acquireLock(this.#probeKey, this.#o.lockTtlMs);
    if (probeOwner === undefined) throw errorOf(state, PROBE_RETRY_AFTER_MS);
    return { probeOwner, onRecord: true };
  }

  /** After a `/token` call that got a token: clears the refusal on record. */
  async succeeded(pass: Pass): Promise<void> {
    if (!pass.onRecord && !this.#state) return;
    this.#state = undefined;
    await this.#o.store.delete(this.#key);
  }

  /** After a `/token` call that failed: opens a window when the failure is a refusal. */
  async failed(error: unknown): Promise<void> {
    if (!isRefusal(error)) return;
    const { clock, maxMs, baseMs, cooldownMs } = this.#o;
    const refusals = (this.#state?.refusals ?? 0) + 1;
    // A 403 (account disabled, IP throttled) starts from its own, longer cool-down.
    const first = error.code === 'basiq_access_denied' ? cooldownMs : baseMs;
    let windowMs = Math.min(Math.max(maxMs, first), first * 2 ** Math.min(refusals - 1, 30));
    if (error.retryAfterMs !== undefined) windowMs = Math.max(windowMs, Math.min(error.retryAfterMs, maxMs));
    const now = clock.now();
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
    await this.#o.store.set(this.#key, this.#o.sealer.seal(this.#key, state), windowMs + maxMs);
  }

  /** Releases the probe lock, if this call held it. */
  async leave(pass: Pass): Promise<void> {
    if (pass.probeOwner !== undefined) await this.#o.store.releaseLock(this.#probeKey, pass.probeOwner);
  }

  #open(value: string | undefined): State | undefined {
    if (value === undefined) return undefined;
    const s = this.#o.sealer.unseal(this.#key, value) as Partial<State> | undefined;
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

  [inspect.custom](): string {
    return `RefusalWindow { remainingMs: ${this.remainingMs()} }`;
  }
}

/**
 * Whether `/token`'s answer refuses the application as a whole: the key or version is wrong
 * (a 400 about a userId is that user's, not the application's), or Basiq throttles it.
 */
function isRefusal(error: unknown): error is BasiqError {
  if (!(error instanceof BasiqError)) return false;
  if (error.code === 'basiq_access_denied' || error.code === 'basiq_rate_limited') return true;
  return (
    error instanceof BasiqConfigError &&
    error.code === 'basiq_configuration' &&
    (error.option === 'apiKey' || error.option === 'basiqVersion')
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
