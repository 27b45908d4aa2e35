import type { Client } from 'openapi-fetch';
import type { FetchLike } from '../types.js';
import { createClient } from './openapi-fetch.js';
import type { BasiqPaths } from './paths.js';

/**
 * A typed client for every endpoint of Basiq's v3 API (openapi-fetch over {@link BasiqPaths}):
 * `api.GET('/users/{userId}/accounts', { params: { path: { userId } } })` resolves with
 * `{ data, response }` on success and `{ error, response }` when Basiq answers an error (its JSON
 * body, typed per status); it rejects only when no answer came (no server token, network, timeout).
 */
export type BasiqApi = Client<BasiqPaths>;

/**
 * The typed client over `basiqFetch` (the client's fetch wrapper), so every call gets the server
 * token, the origin check, the timeout and the single replay on a refused token.
 */
export function createBasiqApi(basiqFetch: FetchLike, baseUrl: string): BasiqApi {
  return createClient<BasiqPaths>({
    baseUrl,
    Request: ApiRequest,
    fetch: (request) => sendThrough(basiqFetch, request),
  });
}

/**
 * The `Request` openapi-fetch builds, remembering the signal the caller gave, if any. Every
 * `Request` has a signal, and handing the wrapper one that can never abort would put every call
 * on its slower path (a timeout signal joined to it by `AbortSignal.any`), so only a caller's is
 * passed on.
 */
class ApiRequest extends Request {
  readonly #callerSignal: AbortSignal | undefined;

  constructor(...[input, init]: ConstructorParameters<typeof Request>) {
    super(input, init);
    this.#callerSignal = init?.signal ?? undefined;
  }

  /** The caller's signal: this one's own for any other `Request` (a middleware's). */
  static callerSignal(request: Request): AbortSignal | undefined {
    return #callerSignal in request ? request.#callerSignal : request.signal;
  }
}

/**
 * openapi-fetch hands over a `Request`, whose body is a stream: the fetch wrapper would send it
 * once and never replay it. Every body openapi-fetch makes is already serialised in memory
 * (JSON, form fields, text), so reading it into bytes is cheap and makes a POST replayable on a
 * refused token like a GET. Only fields every runtime accepts are passed on (Workers rejects
 * `credentials`, `mode` and `cache`).
 */
async function sendThrough(basiqFetch: FetchLike, request: Request): Promise<Response> {
  const body = request.body === null ? undefined : await request.arrayBuffer();
  const signal = ApiRequest.callerSignal(request);
  return basiqFetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(body === undefined ? {} : { body }),
    ...(signal === undefined ? {} : { signal }),
    redirect: request.redirect,
  });
}
