import { parseBasiqErrorBody } from '../errors.js';
import type { UpstreamAnswer } from '../telemetry.js';
import type { ServerTokenSource } from '../types.js';
import type { HttpOptions } from './http-options.js';

/** Why Basiq refused a token, when the answer says the token (not the request) is at fault. */
export interface TokenRejection {
  status: number;
  basiqCode: string;
  /** Basiq's id of the refusal, for telemetry. */
  correlationId: string | undefined;
}

/**
 * Whether an answer means "this token is no good, a fresh one would do": a 401
 * `invalid-authorization-token`, or Basiq's 403 `access-denied` "Token has expired" (an
 * expired token is a 403 there, not a 401). A 403 `forbidden-access` (wrong scope) or any
 * other refusal is not: a fresh token would be refused again.
 */
export function tokenRejection(status: number, body: unknown): TokenRejection | undefined {
  if (status !== 401 && status !== 403) return undefined;
  const { correlationId, errors } = parseBasiqErrorBody(body);
  for (const error of errors) {
    if (status === 401 && error.code === 'invalid-authorization-token') {
      return { status, basiqCode: error.code, correlationId };
    }
    if (status === 403 && error.code === 'access-denied' && /token has expired/i.test(error.detail ?? '')) {
      return { status, basiqCode: error.code, correlationId };
    }
  }
  return undefined;
}

const ignoreAnswer = (): void => undefined;

/**
 * The one refresh-and-replay both transports make once Basiq refused `refused` (the token the
 * first attempt carried): reports it, drops that token (if it is still the current one), gets a
 * fresh one and calls `resend` with it, under the client's telemetry when there is one.
 * `noFreshToken` runs when no fresh token can be had, before that error is thrown: the first
 * answer is dropped then, and may need cleaning.
 */
export function replayWithFreshToken<T>(
  source: ServerTokenSource,
  opts: Pick<HttpOptions, 'logger' | 'onReplay' | 'telemetry'>,
  rejection: TokenRejection,
  refused: string,
  resend: (fresh: string, note: (answer: UpstreamAnswer) => void) => Promise<T>,
  noFreshToken?: () => void,
): Promise<T> {
  opts.onReplay?.({ status: rejection.status, basiqCode: rejection.basiqCode });
  opts.logger?.debug?.(
    `basiq-token: Basiq refused the server token (${rejection.status} ${rejection.basiqCode}); replaying once with a fresh one`,
  );
  const replay = async (note: (answer: UpstreamAnswer) => void): Promise<T> => {
    try {
      await source.invalidateServerToken(refused);
    } catch {
      opts.logger?.warn('basiq-token: could not invalidate the refused server token; replaying anyway');
    }
    let fresh: string;
    try {
      fresh = await source.getServerToken();
    } catch (error) {
      noFreshToken?.();
      throw error;
    }
    return resend(fresh, note);
  };
  return opts.telemetry ? opts.telemetry.replay(rejection, replay) : replay(ignoreAnswer);
}

/** Reads a JSON body that may still be raw text or bytes; `undefined` when it is not JSON. */
export function parseJsonBody(data: unknown): unknown {
  let text: string | undefined;
  if (typeof data === 'string') text = data;
  // TextDecoder rather than Buffer: workers have no Buffer. A Node Buffer is a Uint8Array.
  else if (data instanceof Uint8Array || data instanceof ArrayBuffer) text = new TextDecoder().decode(data);
  else if (typeof data === 'object' && data !== null && !isStreamLike(data)) return data;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Whether a request body can be sent a second time unchanged. Strings, bytes, URL-encoded
 * and JSON bodies can; a stream cannot (it was consumed by the first attempt), and neither can
 * a multipart body built over streams (the `form-data` package's object is itself a stream).
 */
export function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer) return true;
  if (ArrayBuffer.isView(body)) return true;
  if (body instanceof URLSearchParams || body instanceof Blob) return true;
  if (body instanceof FormData) return true; // its values are strings and Blobs: re-readable
  if (isStreamLike(body)) return false;
  // A plain object/array here is a JSON payload not yet serialised.
  return (
    typeof body === 'object' &&
    (Array.isArray(body) ||
      Object.getPrototypeOf(body) === Object.prototype ||
      Object.getPrototypeOf(body) === null)
  );
}

/** Node streams, web streams and async iterables: bodies that are read once. */
function isStreamLike(value: object): boolean {
  const v = value as { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return (
    typeof v.pipe === 'function' ||
    typeof v.getReader === 'function' ||
    typeof v[Symbol.asyncIterator] === 'function'
  );
}
