import type { FetchInit, FetchResponse, ResolvedOptions } from './options.js';

/** A response read whole: status, headers, and the body parsed as JSON when it is JSON. */
export interface ReadResponse {
  status: number;
  ok: boolean;
  headers: FetchResponse['headers'];
  body: unknown;
}

/** Thrown by {@link request} when no answer came in time. */
export class RequestTimeout extends Error {}

/**
 * One request with the options' timeout; the body is read inside the same timeout, so a route
 * that sends headers and then stalls cannot hang a click.
 */
export async function request(
  options: ResolvedOptions,
  url: string,
  init: Omit<FetchInit, 'signal' | 'cache'>,
  signal?: AbortSignal,
): Promise<ReadResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) throw abortReason(signal);
    const res = await options.fetch(url, { ...init, cache: 'no-store', signal: controller.signal });
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, ok: res.ok, headers: res.headers, body };
  } catch (error) {
    if (timedOut) throw new RequestTimeout(`no answer within ${options.timeoutMs} ms`);
    if (signal?.aborted) throw abortReason(signal);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/** `Retry-After` in whole seconds (delta-seconds or an HTTP date), capped at an hour. */
export function retryAfterSeconds(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  let seconds: number;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    seconds = Math.ceil((date - now) / 1000);
  }
  return Math.min(Math.max(seconds, 0), 3600);
}

/** A plain-object field of an unknown value. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
