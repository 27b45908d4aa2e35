import type { Clock } from '@basiq-token/core';

/**
 * Wall-clock time plus a skew the test pushes forward: shared by the emulator (token `exp`,
 * expiry checks) and the client (refresh windows), so a run of a few real seconds still spans
 * several token lifetimes, however fast or slow the machine is.
 */
export class SkewedClock implements Clock {
  #skewMs = 0;

  now(): number {
    return Date.now() + this.#skewMs;
  }

  /** Moves time forward by `ms` for everyone reading this clock. */
  advance(ms: number): void {
    this.#skewMs += ms;
  }
}
