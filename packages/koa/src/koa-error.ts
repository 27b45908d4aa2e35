import { BasiqError, errorResponse } from '@basiq-token/core';

/**
 * Gives an error on its way into Koa the `status`, `expose` and `headers` Koa's error handling
 * reads. `basiq()` answers Basiq errors itself (core's JSON) and emits them, so set, to the app's
 * own error listeners; use this for one thrown where `basiq()` does not wrap, when Koa's own text
 * answer will do. A Basiq error gets exactly what core's `errorResponse` answers: its status (429, 502,
 * 503, 504, …; 502 for a `BasiqApiError`, whatever Basiq's own status), `expose: false` for 5xx
 * so Koa never shows its message, and its headers (`Cache-Control: no-store`, `Retry-After`).
 * Basiq's own status stays in the error's `upstreamStatus`: Koa reads and rewrites `status`, so a
 * `BasiqApiError`'s `status` is the answer's once it has passed here. Any other error keeps the
 * `status` and `expose` it carries, else gets 500 and `expose: false`. Returns the same error.
 */
export function toKoaError(error: unknown): unknown {
  if (!(error instanceof Error) || !Object.isExtensible(error)) return error;
  const target = error as Error & { status?: unknown; expose?: unknown; headers?: unknown };
  if (error instanceof BasiqError) {
    // Not Basiq's status even when the error has one (core's errorResponse says why).
    const answer = errorResponse(error);
    const headers = Object.fromEntries(
      Object.entries(answer.headers).filter(([name]) => name.toLowerCase() !== 'content-type'),
    );
    define(target, 'status', answer.status);
    define(target, 'expose', answer.status < 500);
    define(target, 'headers', headers);
    return error;
  }
  if (typeof target.status !== 'number') define(target, 'status', 500);
  if (typeof target.expose !== 'boolean') define(target, 'expose', (target.status as number) < 500);
  return error;
}

// A property the error already has keeps its flags (a `BasiqApiError`'s `status` stays where its
// JSON form reads it); a new one is not enumerable, so the JSON and inspect forms stay as core
// made them.
function define(target: object, name: string, value: unknown): void {
  const own = Object.getOwnPropertyDescriptor(target, name);
  if (own && !own.configurable) {
    if (own.writable) (target as Record<string, unknown>)[name] = value;
    return;
  }
  Object.defineProperty(target, name, own ? { value } : { value, writable: true, configurable: true });
}
