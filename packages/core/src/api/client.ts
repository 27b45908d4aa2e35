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
  return createClient<BasiqPaths>({ baseUrl, fetch: (request) => sendThrough(basiqFetch, request) });
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
  return basiqFetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(body === undefined ? {} : { body }),
    signal: request.signal,
    redirect: request.redirect,
  });
}
