import axios from 'axios';
import type { AxiosAdapter, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { BasiqApiError } from '../errors.js';
import type { ServerTokenSource } from '../types.js';
import type { HttpOptions } from './http-options.js';
import { axiosTargetUrl, isBasiqOrigin, parseHttpUrl } from './origin.js';
import { isReplayableBody, parseJsonBody, tokenRejection } from './replay.js';
import { REDACTED, readAuthorization, sanitizeAxiosObject } from './sanitize.js';

// What a redacted bearer header reads after sanitising. A config re-sent as is (retry
// interceptors do `instance.request(error.config)`) carries it: it is ours, not the caller's.
const REDACTED_BEARER = `Bearer ${REDACTED}`;
const WRAPPED = Symbol('basiq-token.adapter');

type Outcome = { response: AxiosResponse; error?: undefined } | { response?: undefined; error: unknown };
type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;

/**
 * An axios instance bound to Basiq's base URL: it sends `Authorization: Bearer <server token>`
 * to Basiq (and only to Basiq), replays once with a fresh token when Basiq says the token
 * expired or is invalid, rejects Basiq's error answers with a {@link BasiqApiError}, and strips
 * the token from every error and response it hands back.
 */
export function createBasiqAxios(source: ServerTokenSource, opts: HttpOptions): AxiosInstance {
  const instance = axios.create({ baseURL: opts.baseUrl, timeout: opts.timeoutMs });
  attachToAxios(instance, source, opts);
  return instance;
}

/**
 * Adds the same behaviour as {@link createBasiqAxios} to an axios instance the app already
 * has, for requests whose final URL is on Basiq's origin; requests to other hosts are left
 * alone and never see the token. Attach before adding your own response interceptors so
 * they receive {@link BasiqApiError}s. Returns a function that removes the interceptors.
 */
export function attachToAxios(
  instance: AxiosInstance,
  source: ServerTokenSource,
  opts: HttpOptions,
): () => void {
  const base = parseHttpUrl(opts.baseUrl);
  if (!base) throw new TypeError('attachToAxios: baseUrl must be an absolute http(s) URL');
  const requestId = instance.interceptors.request.use((config) => {
    const current = config.adapter;
    if (typeof current === 'function' && WRAPPED in current) return config;
    const adapter = (async (c: InternalAxiosRequestConfig) =>
      send(c, current, source, opts, base.origin)) as AxiosAdapter;
    Object.defineProperty(adapter, WRAPPED, { value: true });
    config.adapter = adapter;
    return config;
  });
  const responseId = instance.interceptors.response.use(undefined, (error: unknown) =>
    Promise.reject(toBasiqApiError(error, opts.baseUrl)),
  );
  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}

/**
 * Runs as the adapter, after every request interceptor and `transformRequest`, so the URL
 * and headers it judges are the ones that go on the wire.
 */
async function send(
  config: InternalAxiosRequestConfig,
  inner: InternalAxiosRequestConfig['adapter'],
  source: ServerTokenSource,
  opts: HttpOptions,
  basiqOrigin: string,
): Promise<AxiosResponse> {
  const adapter = axios.getAdapter(inner ?? axios.defaults.adapter);
  // A unix socket ignores the URL's host: the origin cannot be trusted, so no token.
  const target = config.socketPath ? undefined : axiosTargetUrl(config);
  if (!target || target.origin !== basiqOrigin) return adapter(config);

  if (!config.timeout) config.timeout = opts.timeoutMs;
  const callerAuthorization = readAuthorization(config.headers);
  if (callerAuthorization !== undefined && callerAuthorization !== REDACTED_BEARER) {
    // The caller chose its own credential: sent as is, never replaced or replayed.
    return settle(await attempt(adapter, config), []);
  }

  guardRedirects(config, opts.baseUrl);
  const used: string[] = [];
  let token = await source.getServerToken();
  used.push(token);
  config.headers.set('Authorization', `Bearer ${token}`);
  let outcome = await attempt(adapter, config);

  const rejection = rejectionOf(outcome);
  if (rejection && isReplayableBody(config.data) && config.responseType !== 'stream') {
    opts.onReplay?.(rejection);
    opts.logger?.debug?.(
      `basiq-token: Basiq refused the server token (${rejection.status} ${rejection.basiqCode}); replaying once with a fresh one`,
    );
    try {
      await source.invalidateServerToken(token);
    } catch {
      opts.logger?.warn('basiq-token: could not invalidate the refused server token; replaying anyway');
    }
    try {
      token = await source.getServerToken();
    } catch (error) {
      // No fresh token to replay with: the token error says why; the first answer is dropped.
      sanitizeAxiosObject(outcome.response ?? outcome.error, used);
      throw error;
    }
    used.push(token);
    config.headers.set('Authorization', `Bearer ${token}`);
    outcome = await attempt(adapter, config);
  }
  return settle(outcome, used);
}

async function attempt(adapter: AxiosAdapter, config: InternalAxiosRequestConfig): Promise<Outcome> {
  try {
    return { response: await adapter(config) };
  } catch (error) {
    return { error };
  }
}

function rejectionOf(outcome: Outcome) {
  const response =
    outcome.response ?? (axios.isAxiosError(outcome.error) ? outcome.error.response : undefined);
  // Only a 401 or 403 can mean a refused token: no body is read on the hot path.
  if (!response || (response.status !== 401 && response.status !== 403)) return undefined;
  return tokenRejection(response.status, parseJsonBody(response.data));
}

/** Strips every token sent from what is handed back, then resolves or rejects with it. */
function settle(outcome: Outcome, used: readonly string[]): AxiosResponse {
  sanitizeAxiosObject(outcome.response ?? outcome.error, used);
  if (outcome.response) return outcome.response;
  throw outcome.error;
}

/** Drops the token if a redirect leaves Basiq's origin (follow-redirects only checks the host). */
function guardRedirects(config: InternalAxiosRequestConfig, baseUrl: string): void {
  const previous = config.beforeRedirect;
  const hook: RedirectHook = (options, responseDetails, requestDetails) => {
    const href = typeof options.href === 'string' ? options.href : '';
    const headers = options.headers as Record<string, unknown> | undefined;
    if (headers && !isBasiqOrigin(href, baseUrl)) {
      for (const name of Object.keys(headers))
        if (name.toLowerCase() === 'authorization') delete headers[name];
    }
    previous?.(options, responseDetails, requestDetails);
  };
  config.beforeRedirect = hook;
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
