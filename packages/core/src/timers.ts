/**
 * Lets the process exit while `timer` waits. Node and Bun return an object with `unref`; workers
 * and browsers return a number, where nothing keeps the runtime alive anyway.
 */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}
