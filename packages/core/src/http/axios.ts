import axios from 'axios';
import type { AxiosAdapter, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { BasiqApiError } from '../errors.js';
import type { ServerTokenSource } from '../types.js';
import type { HttpOptions } from './http-options.js';
import { ABSOLUTE_URL, axiosTargetUrl, isBasiqOrigin, parseHttpUrl } from './origin.js';
import { isReplayableBody, parseJsonBody, replayWithFreshToken, tokenRejection } from './replay.js';
import { REDACTED, SanitisedResponse, sanitizeAxiosObject } from './sanitize.js';

/** What the library writes over the server token in a config it hands back. */
const REDACTED_BEARER = `Bearer ${REDACTED}`;

type AdapterConfig = InternalAxiosRequestConfig['adapter'];
type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;

/**
 * An axios instance bound to Basiq's base URL: it sends `Authorization: Bearer <server token>`
 * to Basiq (and only to Basiq), replays once with a fresh token when Basiq says the token
 * expired or is invalid, rejects Basiq's error answers with a {@link BasiqApiError}, and strips
 * the token from every error and response it hands back.
 */
export function createBasiqAxios(source: ServerTokenSource, opts: HttpOptions): AxiosInstance {
  const instance = axios.create({ baseURL: opts.baseUrl, timeout: opts.timeoutMs });
  const layer = attach(instance, source, opts);
  // Already wrapped by default: a request that names no adapter of its own skips the lookup.
  instance.defaults.adapter = layer.wrapperFor(instance.defaults.adapter);
  return instance;
}

/**
 * Adds the same behaviour as {@link createBasiqAxios} to an axios instance the app already
 * has, for requests whose final URL is on Basiq's origin; requests to other hosts are left
 * alone and never see the token. Basiq's error answers reach every response interceptor as
 * {@link BasiqApiError}s. Returns a function that removes the behaviour.
 */
export function attachToAxios(
  instance: AxiosInstance,
  source: ServerTokenSource,
  opts: HttpOptions,
): () => void {
  const layer = attach(instance, source, opts);
  return () => layer.detach();
}

function attach(instance: AxiosInstance, source: ServerTokenSource, opts: HttpOptions): TokenLayer {
  const layer = new TokenLayer(source, opts);
  // Synchronous: axios then runs the request without an extra promise hop per interceptor.
  const id = instance.interceptors.request.use((config) => layer.wrap(config), undefined, {
    synchronous: true,
  });
  layer.detach = () => instance.interceptors.request.eject(id);
  return layer;
}

/**
 * The two wrappers of one inner adapter: `fresh` for a config seen for the first time, and
 * `sanitised` for a config the library handed back (its `Authorization` reading
 * `Bearer [REDACTED]` is the library's own redaction, to be replaced by a real token).
 */
interface Wrappers {
  fresh: AxiosAdapter;
  sanitised: AxiosAdapter;
}

/**
 * The work happens in an adapter wrapped around the request's own (after every request
 * interceptor and `transformRequest`, so the URL and headers it judges are the ones that go on
 * the wire). Wrappers are made once per inner adapter, not per request, and a config the
 * library handed back carries the "sanitised" one: axios copies the adapter function by
 * reference when a config is sent again, so that is how a re-sent config is recognised. A
 * header's text never is: a caller can send `Bearer [REDACTED]` too.
 */
class TokenLayer {
  readonly #source: ServerTokenSource;
  readonly #opts: HttpOptions;
  readonly #baseUrl: string;
  readonly #origin: string;
  readonly #ours = new WeakSet<AxiosAdapter>();
  readonly #byName = new Map<string, Wrappers>();
  readonly #byFunction = new WeakMap<object, Wrappers>();
  // Axios copies an adapter list for every request: the last list seen is compared item by item.
  #lastList: readonly unknown[] = [];
  #lastListWrappers: Wrappers | undefined;
  readonly #redirectHook: RedirectHook;
  readonly #chainedHooks = new WeakMap<RedirectHook, RedirectHook>();
  readonly #ownHooks = new WeakSet<RedirectHook>();

  constructor(source: ServerTokenSource, opts: HttpOptions) {
    const base = parseHttpUrl(opts.baseUrl);
    if (!base) throw new TypeError('attachToAxios: baseUrl must be an absolute http(s) URL');
    this.#source = source;
    this.#opts = opts;
    this.#baseUrl = opts.baseUrl;
    this.#origin = base.origin;
    this.#redirectHook = (options) => this.#dropTokenOffBasiq(options);
    this.#ownHooks.add(this.#redirectHook);
  }

  /** Removes the interceptor (set by whoever installed it). */
  detach: () => void = () => undefined;

  wrap(config: InternalAxiosRequestConfig): InternalAxiosRequestConfig {
    const current = config.adapter;
    if (typeof current !== 'function' || !this.#ours.has(current)) config.adapter = this.wrapperFor(current);
    return config;
  }

  /** The wrapper of `inner` for a config seen for the first time. */
  wrapperFor(inner: AdapterConfig): AxiosAdapter {
    if (Array.isArray(inner)) {
      if (this.#lastListWrappers && sameItems(inner, this.#lastList)) return this.#lastListWrappers.fresh;
      const wrappers = this.#wrappersOf(inner);
      this.#lastList = [...(inner as unknown[])];
      this.#lastListWrappers = wrappers;
      return wrappers.fresh;
    }
    return this.#wrappersOf(inner).fresh;
  }

  #wrappersOf(inner: AdapterConfig): Wrappers {
    // Names and lists of names are cached by their text, functions by identity; a list holding
    // functions (rare) gets wrappers of its own.
    const name =
      inner === undefined
        ? ''
        : typeof inner === 'string'
          ? inner
          : Array.isArray(inner) && inner.every((a) => typeof a === 'string')
            ? inner.join(',')
            : undefined;
    let wrappers =
      name !== undefined
        ? this.#byName.get(name)
        : typeof inner === 'function'
          ? this.#byFunction.get(inner)
          : undefined;
    if (wrappers) return wrappers;
    const kept = (Array.isArray(inner) ? [...(inner as unknown[])] : inner) as AdapterConfig;
    const resolve = adapterResolver(kept);
    const sanitised: AxiosAdapter = (config) => this.#send(config, resolve(config), sanitised, true);
    const fresh: AxiosAdapter = (config) => this.#send(config, resolve(config), sanitised, false);
    this.#ours.add(fresh);
    this.#ours.add(sanitised);
    wrappers = { fresh, sanitised };
    if (name !== undefined) this.#byName.set(name, wrappers);
    else if (typeof inner === 'function') this.#byFunction.set(inner, wrappers);
    return wrappers;
  }

  /** Whether the request goes to Basiq's origin, without parsing a URL in the usual case. */
  #toBasiq(config: InternalAxiosRequestConfig): boolean {
    // A unix socket ignores the URL's host: the origin cannot be trusted, so no token.
    if (config.socketPath) return false;
    const url = config.url ?? '';
    // A relative path appended to Basiq's own base URL stays on its origin: nothing to parse.
    if (
      config.baseURL === this.#baseUrl &&
      typeof url === 'string' &&
      (config.allowAbsoluteUrls === false || !ABSOLUTE_URL.test(url))
    ) {
      return true;
    }
    return axiosTargetUrl(config)?.origin === this.#origin;
  }

  /**
   * `marked`: the wrapper a config carries once handed back; `sanitised`: whether this config
   * already carries it.
   */
  async #send(
    config: InternalAxiosRequestConfig,
    adapter: AxiosAdapter,
    marked: AxiosAdapter,
    sanitised: boolean,
  ): Promise<AxiosResponse> {
    if (!this.#toBasiq(config)) return adapter(config);

    if (!config.timeout) config.timeout = this.#opts.timeoutMs;
    const headers = config.headers;
    const key = authorizationKey(headers);
    const current: unknown = key === undefined ? undefined : headers[key];
    if (current === false || (typeof current === 'string' && !(sanitised && current === REDACTED_BEARER))) {
      // The caller chose its own credential (or, with `false`, none): sent as is, never
      // replaced or replayed.
      return this.#settle(config, adapter, typeof current === 'string' ? [current] : [], key);
    }

    this.#guardRedirects(config);
    const authKey = key ?? 'Authorization';
    const token = await this.#source.getServerToken();
    const sent = `Bearer ${token}`;
    headers[authKey] = sent;
    let response: AxiosResponse | undefined;
    let error: unknown;
    try {
      response = await adapter(config);
    } catch (e) {
      error = e;
    }

    const refused =
      response ?? (axios.isAxiosError(error) ? (error.response as AxiosResponse | undefined) : undefined);
    // Only a 401 or 403 can mean a refused token: no body is read on the hot path.
    const rejection =
      refused && (refused.status === 401 || refused.status === 403)
        ? tokenRejection(refused.status, parseJsonBody(refused.data))
        : undefined;
    if (!rejection || !isReplayableBody(config.data) || config.responseType === 'stream') {
      return this.#handBack(config, marked, response, error, [sent], authKey);
    }

    return replayWithFreshToken(
      this.#source,
      this.#opts,
      rejection,
      token,
      async (fresh, note) => {
        const resent = `Bearer ${fresh}`;
        headers[authKey] = resent;
        try {
          response = await adapter(config);
          error = undefined;
        } catch (e) {
          response = undefined;
          error = e;
        }
        const status = (response ?? (axios.isAxiosError(error) ? error.response : undefined))?.status;
        if (status) note({ status });
        return this.#handBack(config, marked, response, error, [sent, resent], authKey);
      },
      // No fresh token to replay with: the token error says why; the first answer is dropped.
      () => sanitizeAxiosObject(response ?? error, [sent]),
    );
  }

  /** One attempt with the caller's own `Authorization`, its credential kept out of what is handed back. */
  async #settle(
    config: InternalAxiosRequestConfig,
    adapter: AxiosAdapter,
    sent: string[],
    key: string | undefined,
  ): Promise<AxiosResponse> {
    let response: AxiosResponse;
    try {
      response = await adapter(config);
    } catch (error) {
      sanitizeAxiosObject(error, sent);
      throw this.#toApiError(error);
    }
    if (key !== undefined) redactHeader(config.headers, key);
    return new SanitisedResponse(response, sent) as AxiosResponse;
  }

  /**
   * Resolves or rejects with what the attempt gave, the server token stripped from it, and
   * marks the config as sanitised by the library so that sending it again gets a real token.
   */
  #handBack(
    config: InternalAxiosRequestConfig,
    marked: AxiosAdapter,
    response: AxiosResponse | undefined,
    error: unknown,
    sent: string[],
    authKey: string,
  ): AxiosResponse {
    config.adapter = marked;
    if (response) {
      config.headers[authKey] = REDACTED_BEARER;
      return new SanitisedResponse(response, sent) as AxiosResponse;
    }
    sanitizeAxiosObject(error, sent);
    throw this.#toApiError(error);
  }

  #toApiError(error: unknown): unknown {
    return toBasiqApiError(error, this.#baseUrl);
  }

  /** Drops the token if a redirect leaves Basiq's origin (follow-redirects only checks the host). */
  #guardRedirects(config: InternalAxiosRequestConfig): void {
    const previous = config.beforeRedirect;
    if (previous === undefined) {
      config.beforeRedirect = this.#redirectHook;
      return;
    }
    if (this.#ownHooks.has(previous)) return;
    let chained = this.#chainedHooks.get(previous);
    if (!chained) {
      chained = (options, responseDetails, requestDetails) => {
        this.#dropTokenOffBasiq(options);
        previous(options, responseDetails, requestDetails);
      };
      this.#chainedHooks.set(previous, chained);
      this.#ownHooks.add(chained);
    }
    config.beforeRedirect = chained;
  }

  #dropTokenOffBasiq(options: Record<string, unknown>): void {
    const href = typeof options.href === 'string' ? options.href : '';
    const headers = options.headers as Record<string, unknown> | undefined;
    if (headers && !isBasiqOrigin(href, this.#baseUrl)) {
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === 'authorization') delete headers[name];
      }
    }
  }
}

// Axios passes the config too (the fetch adapter reads `config.env`); its types omit it.
const getAdapter = axios.getAdapter as (adapter: AdapterConfig, config: object) => AxiosAdapter;

/**
 * How a wrapper finds the adapter it wraps. Names resolve to the same function every time
 * unless the fetch adapter is reached (it is built from `config.env`), so a list that settles
 * on `http` (axios's default in Node) or `xhr` first is resolved once, not per request.
 */
function adapterResolver(inner: AdapterConfig): (config: object) => AxiosAdapter {
  // Axios's own default, read per request: an app may change it later.
  if (inner === undefined) return (config) => getAdapter(axios.defaults.adapter, config);
  const names = inner;
  const list: unknown[] = Array.isArray(names) ? names : [names];
  const first = list.find((name) => name === 'http' || name === 'fetch' || typeof name === 'function');
  if (first !== 'http' || !list.every((name) => typeof name === 'string')) {
    return (config) => getAdapter(names, config);
  }
  let resolved: AxiosAdapter | undefined;
  return (config) => (resolved ??= getAdapter(names, config));
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The key under which axios headers hold `Authorization`, whatever its case. */
function authorizationKey(headers: object): string | undefined {
  if ('Authorization' in headers) return 'Authorization';
  for (const key of Object.keys(headers)) {
    if (key.length === 13 && key.toLowerCase() === 'authorization') return key;
  }
  return undefined;
}

/** Replaces the credential of the `Authorization` header at `key`, keeping the scheme. */
function redactHeader(headers: Record<string, unknown>, key: string): void {
  const value = headers[key];
  if (typeof value !== 'string') return;
  const scheme = /^\s*(\S+)\s+\S/.exec(value)?.[1];
  headers[key] = scheme === 'Bearer' ? REDACTED_BEARER : scheme ? `${scheme} ${REDACTED}` : REDACTED;
}

/**
 * Turns an axios error carrying an answer from Basiq into a {@link BasiqApiError}
 * (`status`, `basiqCode`, `title`, `detail`, `correlationId`); the sanitised axios response
 * stays reachable as the non-enumerable `response`. Anything else is returned unchanged.
 */
export function toBasiqApiError(error: unknown, baseUrl: string): unknown {
  if (!axios.isAxiosError(error) || !error.response || !error.config) return error;
  const target = error.config.socketPath ? undefined : axiosTargetUrl(error.config);
  if (!target || !isBasiqOrigin(target, baseUrl)) return error;
  sanitizeAxiosObject(error);
  const response = error.response;
  const apiError = new BasiqApiError(response.status, parseJsonBody(response.data), { cause: error });
  Object.defineProperty(apiError, 'response', { value: response, enumerable: false, configurable: true });
  return apiError;
}
