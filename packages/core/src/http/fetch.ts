import { BasiqApiError } from '../errors.js';
import type { FetchLike, ServerTokenSource } from '../types.js';
import type { HttpOptions } from './http-options.js';
import { isBasiqOrigin, parseHttpUrl } from './origin.js';
import { isReplayableBody, parseJsonBody, tokenRejection } from './replay.js';

/** One way to send the request again: with these headers and this signal. */
type Sender = (headers: Headers, signal: AbortSignal) => Promise<Response>;

/**
 * A `fetch` bound to Basiq's base URL: relative paths resolve against it (absolute URLs are
 * allowed too), `Authorization: Bearer <server token>` is added only when the request goes
 * to Basiq's origin and the caller set no `Authorization` of its own, each attempt has the
 * `timeoutMs` timeout, and a request Basiq refuses for an expired or invalid token is replayed
 * once with a fresh one. Like `fetch`, it resolves with Basiq's error answers (check `ok`;
 * {@link readBasiqApiError} turns one into a typed error).
 *
 * A `Request` with a body, or a stream body, is sent once and never replayed: it cannot be
 * read twice. Redirects follow `fetch`'s own rule, which drops `Authorization` across origins.
 */
export function createBasiqFetch(source: ServerTokenSource, opts: HttpOptions): FetchLike {
  const base = parseHttpUrl(opts.baseUrl);
  if (!base) throw new TypeError('createBasiqFetch: baseUrl must be an absolute http(s) URL');
  // Looked up per call, not captured, so a global fetch installed later is honoured.
  const fetchImpl: FetchLike = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));

  return async function basiqFetch(input, init) {
    let url: URL | undefined;
    let headers: Headers;
    let replayable: boolean;
    let callerSignal: AbortSignal | null | undefined;
    let sender: Sender;

    if (typeof input === 'string' || input instanceof URL) {
      url = parseHttpUrl(input, base);
      // Not an http(s) URL (data:, blob:, garbage): fetch's own answer, never with a token.
      if (!url) return fetchImpl(input, init);
      const target = url;
      headers = new Headers(init?.headers);
      replayable = isReplayableBody(init?.body);
      callerSignal = init?.signal;
      sender = (h, signal) => fetchImpl(target, { ...init, headers: h, signal });
    } else {
      const request = new Request(input, init);
      url = parseHttpUrl(request.url);
      headers = new Headers(request.headers);
      replayable = request.body === null;
      callerSignal = request.signal;
      sender = (h, signal) => fetchImpl(new Request(request, { headers: h, signal }));
    }

    const signalFor = (): AbortSignal => {
      const timeout = AbortSignal.timeout(opts.timeoutMs);
      return callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    };

    if (!url || !isBasiqOrigin(url, opts.baseUrl) || headers.has('authorization')) {
      return sender(headers, signalFor());
    }

    let token = await source.getServerToken();
    headers.set('Authorization', `Bearer ${token}`);
    const first = await sender(headers, signalFor());
    if (!replayable || (first.status !== 401 && first.status !== 403)) return first;

    const rejection = tokenRejection(first.status, await peekJson(first));
    if (!rejection) return first;
    opts.onReplay?.(rejection);
    opts.logger?.debug?.(
      `basiq-token: Basiq refused the server token (${rejection.status} ${rejection.basiqCode}); replaying once with a fresh one`,
    );
    // The first answer is dropped: release its connection.
    await first.body?.cancel().catch(() => undefined);
    try {
      await source.invalidateServerToken(token);
    } catch {
      opts.logger?.warn('basiq-token: could not invalidate the refused server token; replaying anyway');
    }
    token = await source.getServerToken();
    headers.set('Authorization', `Bearer ${token}`);
    return sender(headers, signalFor());
  };
}

/** Reads a response's JSON body from a copy, leaving the original readable. */
async function peekJson(response: Response): Promise<unknown> {
  try {
    return parseJsonBody(await response.clone().text());
  } catch {
    return undefined;
  }
}

/**
 * The typed error of a Basiq error answer (`status`, `basiqCode`, `title`, `detail`,
 * `correlationId`), read from a copy of the body so the response stays readable:
 * `if (!res.ok) throw await readBasiqApiError(res)`.
 */
export async function readBasiqApiError(response: Response): Promise<BasiqApiError> {
  return new BasiqApiError(response.status, await peekJson(response));
}
