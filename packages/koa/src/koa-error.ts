import { BasiqError, errorResponse } from '@basiq-token/core';

/**
 * Gives an error on its way into Koa the `status` and `expose` Koa's error handling reads:
 * a Basiq error gets the status core's route would answer (429, 502, 503, 504, …), anything
 * else 500; `expose` is false for 5xx so Koa never shows an internal message. Values the error
 * already carries are kept. Returns the same error.
 */
export function toKoaError(error: unknown): unknown {
  if (!(error instanceof Error) || !Object.isExtensible(error)) return error;
  const target = error as Error & { status?: unknown; expose?: unknown };
  if (typeof target.status !== 'number') {
    const status = error instanceof BasiqError ? errorResponse(error).status : 500;
    // Not enumerable: the error's JSON and inspect forms stay as core made them.
    Object.defineProperty(target, 'status', { value: status, writable: true, configurable: true });
  }
  if (typeof target.expose !== 'boolean') {
    const status = target.status as number;
    Object.defineProperty(target, 'expose', { value: status < 500, writable: true, configurable: true });
  }
  return error;
}
