/**
 * The key Node's `util.inspect` (and Bun's and Deno's console) reads a custom form from. Taken
 * from the global symbol registry so that core imports no `node:` module and runs in workers.
 */
export const INSPECT: symbol = Symbol.for('nodejs.util.inspect.custom');

/** The `inspect` Node hands a custom inspect method as its third argument. */
export type InspectFn = (value: unknown, options?: Record<string, unknown>) => string;
