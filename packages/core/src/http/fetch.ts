import { BasiqApiError } from '../errors.js';
import type { FetchLike, ServerTokenSource } from '../types.js';
import { AttemptTimeout } from './attempt-timeout.js';
import type { HttpOptions } from './http-options.js';
import { isBasiqOrigin, parseHttpUrl } from './origin.js';
import { isReplayableBody, parseJsonBody, replayWithFreshToken, tokenRejection } from './replay.js';

// A path that `new URL(path, base)` keeps on the base's origin: one leading slash, not two
// and not a backslash (which URLs read as a slash), and no tab or newline (which URLs drop,
// and which could join `/` and `/` into `//host`). Such a path needs no URL parsing.
const SAME_ORIGIN_PATH = /^\/(?![/\\])[^\t\n\r]*$/;

type HeadersInput = NonNullable<RequestInit['headers']>;

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
  const origin = base.origin;
  const originSlash = `${origin}/`;
  const injected = opts.fetch;
  // The global fetch is looked up per call, not captured, so one installed later is honoured.
  const fetchImpl: FetchLike = (input, init) =>
    injected ? injected(input, init) : globalThis.fetch(input, init);
  const timeout = new AttemptTimeout(opts.timeoutMs);

  /** Sends `init` to Basiq's `url` with the server token, replaying once on a refused token. */
  async function withToken(
    url: string | URL,
    init: RequestInit | undefined,
    callerHeaders: HeadersInput | undefined,
  ): Promise<Response> {
    const send = (token: string) =>
      timeout.run(
        (signal) => fetchImpl(url, withAuthorization(init, callerHeaders, `Bearer ${token}`, signal)),
        init?.signal,
      );
    const token = await source.getServerToken();
    const first = await send(token);
    if (first.status !== 401 && first.status !== 403) return first;
    if (!isReplayableBody(init?.body)) return first;
    return replayIfRefused(first, token, send);
  }

  /** `first` as is, unless Basiq refused `token` for being expired or invalid: then one replay. */
  async function replayIfRefused(
    first: Response,
    token: string,
    send: (token: string) => Promise<Response>,
  ): Promise<Response> {
    const rejection = tokenRejection(first.status, await peekJson(first));
    if (!rejection) return first;
    // The first answer is dropped: release its connection.
    await first.body?.cancel().catch(() => undefined);
    return replayWithFreshToken(source, opts, rejection, token, async (fresh, note) => {
      const response = await send(fresh);
      note({ status: response.status });
      return response;
    });
  }

  /** A `Request`, or a URL off the fast path: parsed, then sent like before. */
  async function general(input: string | URL | Request, init: RequestInit | undefined): Promise<Response> {
    if (typeof input === 'string' || input instanceof URL) {
      const url = parseHttpUrl(input, base);
      // Not an http(s) URL (data:, blob:, garbage): fetch's own answer, never with a token.
      if (!url) return fetchImpl(input, init);
      const headers = init?.headers;
      if (url.origin !== origin || (headers !== undefined && hasAuthorization(headers))) {
        return timeout.run((signal) => fetchImpl(url, withSignal(init, signal)), init?.signal);
      }
      return withToken(url, init, headers);
    }

    const request = new Request(input, init);
    const url = parseHttpUrl(request.url);
    const headers = new Headers(request.headers);
    const sendRequest = (h: Headers) =>
      timeout.run(
        (signal) => fetchImpl(new Request(request, signal ? { headers: h, signal } : { headers: h })),
        request.signal,
      );
    if (!url || !isBasiqOrigin(url, opts.baseUrl) || headers.has('authorization')) {
      return sendRequest(headers);
    }
    const send = (token: string) => {
      headers.set('Authorization', `Bearer ${token}`);
      return sendRequest(headers);
    };
    const token = await source.getServerToken();
    const first = await send(token);
    if (request.body !== null || (first.status !== 401 && first.status !== 403)) return first;
    return replayIfRefused(first, token, send);
  }

  return function basiqFetch(input, init) {
    if (typeof input === 'string') {
      // The usual call, a path on Basiq or a URL starting with its origin, skips URL parsing.
      const url = SAME_ORIGIN_PATH.test(input)
        ? origin + input
        : input.startsWith(originSlash)
          ? input
          : undefined;
      if (url !== undefined) {
        const headers = init?.headers;
        if (headers === undefined || !hasAuthorization(headers)) return withToken(url, init, headers);
      }
    }
    return general(input, init);
  };
}

/** A plain `{ name: value }` record, which can be read and copied without building `Headers`. */
function isRecord(headers: HeadersInput): headers is Record<string, string> {
  const proto: unknown = Object.getPrototypeOf(headers);
  return proto === Object.prototype || proto === null;
}

/** Whether caller-supplied headers (a record, a list of pairs or any `Headers`) set `Authorization`. */
function hasAuthorization(headers: HeadersInput): boolean {
  if (isRecord(headers)) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'authorization') return true;
    return false;
  }
  if (Array.isArray(headers))
    return headers.some((pair) => String(pair[0]).toLowerCase() === 'authorization');
  return new Headers(headers).has('authorization');
}

/** `init` with `Authorization` added to the caller's headers (never mutated) and `signal`. */
function withAuthorization(
  init: RequestInit | undefined,
  headers: HeadersInput | undefined,
  authorization: string,
  signal: AbortSignal | undefined,
): RequestInit {
  let merged: HeadersInput;
  if (headers === undefined) merged = { authorization };
  else if (isRecord(headers)) merged = { ...headers, authorization };
  else if (Array.isArray(headers))
    merged = [...(headers as [string, string][]), ['authorization', authorization]];
  else {
    merged = new Headers(headers);
    merged.set('authorization', authorization);
  }
  if (init === undefined) return signal ? { headers: merged, signal } : { headers: merged };
  return signal ? { ...init, headers: merged, signal } : { ...init, headers: merged };
}

function withSignal(init: RequestInit | undefined, signal: AbortSignal | undefined): RequestInit | undefined {
  return signal ? { ...init, signal } : init;
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
