/**
 * Lets the process exit while `timer` waits. Node and Bun return an object with `unref`; workers
 * and browsers return a number, where nothing keeps the runtime alive anyway.
 */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}

/**
 * Settles as `pending` does, or rejects with `timeoutError()` after `ms`, whichever comes first,
 * without keeping the process alive for the timer (what waits is the operation's own business).
 * `pending` may be a function, so one that throws at once rejects like one that fails later.
 * A value that arrives after the deadline goes to `onLate` (e.g. to release a response body).
 */
export function withDeadline<T>(
  pending: Promise<T> | (() => Promise<T>),
  ms: number,
  timeoutError: () => unknown,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(timeoutError());
    }, ms);
    unrefTimer(timer);
    let operation: Promise<T>;
    try {
      operation = typeof pending === 'function' ? Promise.resolve(pending()) : pending;
    } catch (error) {
      operation = Promise.reject(error);
    }
    operation.then(
      (value) => {
        if (late) {
          onLate?.(value);
          return;
        }
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (late) return;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
