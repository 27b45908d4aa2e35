/**
 * A Redis command failed or timed out. Core treats any store rejection as an outage and
 * degrades to in-process behaviour. The message names the operation only, never a key or a
 * value; the client's own error stays reachable as a non-enumerable `cause`, kept out of
 * `JSON.stringify` because some clients attach the command's arguments to their errors.
 */
export class RedisStoreError extends Error {
  /** `timeout`: no answer within `commandTimeoutMs`; `closed`: the store was closed; `command`: Redis or the client said no. */
  readonly reason: 'timeout' | 'closed' | 'command';

  constructor(reason: RedisStoreError['reason'], message: string, cause?: unknown) {
    super(message);
    this.name = 'RedisStoreError';
    this.reason = reason;
    if (cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: cause, enumerable: false, configurable: true });
    }
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, reason: this.reason, message: this.message };
  }
}

/** The first line of a client's error message, without anything that could echo arguments back. */
export function describeCause(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Redis error replies start with an upper-case code (`NOSCRIPT`, `WRONGTYPE`, `ERR`, …);
  // connection errors are short sentences. Neither quotes our arguments, but cap the length
  // so that an unusual client cannot smuggle a long payload into our message.
  const firstLine = message.split('\n', 1)[0] ?? '';
  return firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
}
