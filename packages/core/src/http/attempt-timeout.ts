import { withDeadline } from '../timers.js';

/** How long after an attempt timed out the next attempts are bounded by abort signals again. */
const SIGNALS_AFTER_TIMEOUT_MS = 60_000;

/**
 * Bounds each attempt of the fetch wrapper to `timeoutMs`.
 *
 * Passing any `AbortSignal` to Node's `fetch` costs more CPU than the rest of this layer
 * together (undici registers every signalled request with a `FinalizationRegistry` and a
 * `WeakRef`): about 20 µs, or 15% of a small request. So while Basiq answers in time, an
 * attempt is raced against a plain timer instead: the caller's promise rejects on time with
 * the same `TimeoutError`, and an answer that comes late has its body cancelled, releasing the
 * connection. A request that hangs is not aborted that way, so once any attempt has timed
 * out, attempts carry a real timeout signal again for a while, and hung connections are cut
 * at `timeoutMs` as before. A caller's own signal is always passed on (combined with ours).
 */
export class AttemptTimeout {
  readonly #timeoutMs: number;
  #signalsUntil = 0;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Runs `send` with the signal it must pass to `fetch` (undefined when none is needed),
   * rejecting with a `TimeoutError` after the timeout.
   */
  run(
    send: (signal: AbortSignal | undefined) => Promise<Response>,
    callerSignal?: AbortSignal | null,
  ): Promise<Response> {
    if (callerSignal || (this.#signalsUntil !== 0 && this.#withSignals())) {
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
      return send(signal).catch((error: unknown) => {
        if (timeout.aborted && !callerSignal?.aborted) this.#timedOut();
        throw error;
      });
    }
    return withDeadline(
      send(undefined),
      this.#timeoutMs,
      () => {
        this.#timedOut();
        return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      },
      releaseBody,
    );
  }

  #withSignals(): boolean {
    if (Date.now() < this.#signalsUntil) return true;
    this.#signalsUntil = 0;
    return false;
  }

  #timedOut(): void {
    this.#signalsUntil = Date.now() + Math.max(SIGNALS_AFTER_TIMEOUT_MS, 2 * this.#timeoutMs);
  }
}

/** An answer that came after its caller gave up: free its connection. */
function releaseBody(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}
