// `@basiq-token/core/axios`: the axios integration, apart from the root entry so that the root
// loads no axios and runs where only fetch exists (workers, Edge). The Node adapters import it.
import type { AxiosInstance } from 'axios';
import { httpOptionsOf } from './client-http.js';
import type { BasiqClient } from './client.js';
import { BasiqConfigError } from './errors.js';
import { attachToAxios as attachWithOptions, createBasiqAxios } from './http/axios.js';
import type { HttpOptions } from './http/http-options.js';
import type { BasiqRequestContext, ServerTokenSource } from './types.js';

export { createBasiqAxios, toBasiqApiError } from './http/axios.js';

/** What the Node adapters put on each request: the client's context plus its axios instance. */
export interface BasiqAxiosRequestContext extends BasiqRequestContext {
  /** An axios instance bound to Basiq's base URL that sends the server token (and only to Basiq). */
  readonly http: AxiosInstance;
}

const instances = new WeakMap<BasiqClient, AxiosInstance>();
const contexts = new WeakMap<BasiqClient, BasiqAxiosRequestContext>();

/**
 * The axios instance of `client` (what `client.http` was): bound to its base URL, it sends the
 * server token to Basiq and only to Basiq, replays once with a fresh token when Basiq refuses
 * one, and rejects Basiq's error answers with a `BasiqApiError`. Made on first use, then the
 * same instance for that client.
 *
 * @example
 * import { basiqAxios } from '@basiq-token/core/axios';
 * const { data } = await basiqAxios(basiq).get(`/users/${userId}`);
 */
export function basiqAxios(client: BasiqClient): AxiosInstance {
  let instance = instances.get(client);
  if (!instance) {
    instance = createBasiqAxios(client, clientOptions(client));
    instances.set(client, instance);
  }
  return instance;
}

/**
 * `client.context()` with `http` (that client's {@link basiqAxios} instance): one frozen object
 * per client, what the Express, Koa, NestJS, Fastify and Hono adapters put on each request.
 */
export function basiqRequestContext(client: BasiqClient): BasiqAxiosRequestContext {
  let context = contexts.get(client);
  if (!context) {
    const base = client.context();
    context = Object.freeze({
      http: basiqAxios(client),
      fetch: base.fetch,
      get api() {
        return base.api;
      },
      getServerToken: base.getServerToken,
      getClientToken: base.getClientToken,
    });
    contexts.set(client, context);
  }
  return context;
}

/**
 * Adds token injection and refresh-and-replay to an axios instance the app already has, for
 * requests whose final URL is on Basiq's origin (requests to other hosts never see the token);
 * Basiq's error answers reach every response interceptor as `BasiqApiError`s. Returns a
 * function that removes the behaviour. With a client, what `client.attach(instance)` did.
 */
export function attachToAxios(instance: AxiosInstance, client: BasiqClient): () => void;
/** The same over any token source, with its HTTP options (for adapter authors and tests). */
export function attachToAxios(
  instance: AxiosInstance,
  source: ServerTokenSource,
  opts: HttpOptions,
): () => void;
export function attachToAxios(
  instance: AxiosInstance,
  source: BasiqClient | ServerTokenSource,
  opts?: HttpOptions,
): () => void {
  return attachWithOptions(instance, source, opts ?? clientOptions(source));
}

function clientOptions(client: unknown): HttpOptions {
  const options = httpOptionsOf(client);
  if (!options) {
    throw new BasiqConfigError(
      'expected a client from createBasiqClient() of this copy of @basiq-token/core (or a token source with HTTP options)',
      { option: 'client' },
    );
  }
  return options;
}

export type { HttpOptions } from './http/http-options.js';
export type { ServerTokenSource } from './types.js';
