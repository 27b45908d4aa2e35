/**
 * The part of `AbortSignal` the engine uses to hear that the client closed. An `AbortSignal`
 * fits; the client's own is a {@link Closer}.
 */
export interface CloseSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * The client's close signal. Not an `AbortSignal`: every `/token` call and back-off wait in
 * flight listens to it, and Node warns (`MaxListenersExceededWarning`) past ten listeners on an
 * `EventTarget` unless `setMaxListeners` from `node:events` lifts the limit, which is not
 * available outside Node. A set of callbacks has no such limit and no runtime dependency.
 */
export class Closer implements CloseSignal {
  readonly #listeners = new Set<() => void>();
  #aborted = false;
  #reason: unknown;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.#aborted) this.#listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.delete(listener);
  }

  /** Marks the signal aborted with `reason` and calls every listener once. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener();
  }
}
