import { BasiqConfigError } from './errors.js';

/** What a `fetch` answer must offer; the browser's `Response` fits. */
export interface FetchResponse {
  /** The HTTP status. */
  readonly status: number;
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The response headers (only `get` is used). */
  readonly headers: { get(name: string): string | null };
  /** The body as text. */
  text(): Promise<string>;
}

/** What a request made by this package passes to `fetch`. */
export interface FetchInit {
  /** `GET` or `POST`. */
  method: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** Cookies go only to the app's route (its option), never to Basiq (`omit`). */
  credentials: 'omit' | 'same-origin' | 'include';
  /** A token answer must never come from, or go into, the HTTP cache. */
  cache: 'no-store';
  /** Aborts at the timeout or the caller's signal. */
  signal: AbortSignal;
}

/** A `fetch` function; the browser's (the default) fits. */
export type FetchFunction = (url: string, init: FetchInit) => Promise<FetchResponse>;

/** Where issued Consent UI `state` values wait for the redirect back (`sessionStorage` fits). */
export interface StateStorage {
  /** The value under `key`, or null. */
  getItem(key: string): string | null;
  /** Stores `value` under `key`. */
  setItem(key: string, value: string): void;
  /** Forgets `key`. */
  removeItem(key: string): void;
}

/** Headers sent to the client-token route: fixed, or made for each request. */
export type HeadersOption =
  Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** Options of {@link createBasiqBrowser}. Every field is optional and checked at once. */
export interface BasiqBrowserOptions {
  /** The app's client-token route. Default `/basiq/client-token` (same origin). */
  tokenUrl?: string;
  /** Its method. Default `POST`. */
  tokenMethod?: 'POST' | 'GET';
  /** Whether cookies go with it (fetch's `credentials`). Default `same-origin`. */
  credentials?: 'omit' | 'same-origin' | 'include';
  /** Extra headers for it (a CSRF token, the app's own auth); a function is called per request. */
  headers?: HeadersOption;
  /**
   * The Consent UI's base. Default `https://consent.basiq.io`. https only, except loopback hosts
   * (the emulator's stand-in at `${emulator.url}/consent`): the URL carries the client token.
   */
  consentBaseUrl?: string;
  /** Basiq's API, for job status. Default `https://au-api.basiq.io`; https only, except loopback. */
  basiqBaseUrl?: string;
  /** Sent as `basiq-version` on job status reads. Default `3.0`. */
  basiqVersion?: string;
  /**
   * A token is asked for again this long before it expires. Default 60 000 (one minute), never
   * more than half its lifetime.
   */
  refreshMarginMs?: number;
  /** Each request's timeout. Default 15 000. */
  timeoutMs?: number;
  /**
   * Where issued `state` values wait for the redirect back: `'session'` (default;
   * `sessionStorage`, falling back to memory where it is unavailable), `'memory'` (single-page
   * flows), or your own storage. Only states go there, never a token.
   */
  stateStorage?: 'session' | 'memory' | StateStorage;
  /** How long an issued `state` stays acceptable. Default 3 600 000 (one hour). */
  stateMaxAgeMs?: number;
  /** How {@link BasiqBrowser.openConsent} goes to the Consent UI. Default `location.assign(url)`. */
  navigate?: (url: string) => void;
  /** The `fetch` to use. Default the global one. */
  fetch?: FetchFunction;
  /** The clock (epoch ms). Default `Date.now`. */
  now?: () => number;
}

/** The options after checking, defaults filled in. */
export interface ResolvedOptions {
  tokenUrl: string;
  tokenMethod: 'POST' | 'GET';
  credentials: 'omit' | 'same-origin' | 'include';
  headers: HeadersOption | undefined;
  consentHome: string;
  basiqBaseUrl: string;
  basiqVersion: string;
  refreshMarginMs: number;
  timeoutMs: number;
  stateStorage: StateStorage;
  stateMaxAgeMs: number;
  navigate: ((url: string) => void) | undefined;
  fetch: FetchFunction;
  now: () => number;
}

const KNOWN = new Set([
  'tokenUrl',
  'tokenMethod',
  'credentials',
  'headers',
  'consentBaseUrl',
  'basiqBaseUrl',
  'basiqVersion',
  'refreshMarginMs',
  'timeoutMs',
  'stateStorage',
  'stateMaxAgeMs',
  'navigate',
  'fetch',
  'now',
]);

function fail(code: string, message: string): never {
  throw new BasiqConfigError(code, `@basiq-token/browser: ${message}`);
}

/** Loopback hosts, where plain http cannot reach the network (the emulator). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/** An absolute https URL (http on loopback), no query or fragment, without trailing slashes. */
function baseUrl(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') fail('invalid_url', `${name} must be a string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail('invalid_url', `${name} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail('invalid_url', `${name} must be an http(s) URL`);
  if (url.search || url.hash || url.username || url.password) {
    fail('invalid_url', `${name} must have no query, fragment or credentials`);
  }
  // The client token travels to this URL: plain http would hand it to the network.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    fail('insecure_url', `${name} must be https (plain http only for loopback hosts)`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail('invalid_number', `${name} must be a finite number >= 0`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail('invalid_option', `${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function fn<T>(name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail('invalid_option', `${name} must be a function`);
  return value as T;
}

/** Memory, for where `sessionStorage` is missing or refuses (sandboxed frames, some private modes). */
export function memoryStorage(): StateStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

function sessionStorageOrMemory(): StateStorage {
  try {
    const storage = (globalThis as { sessionStorage?: StateStorage }).sessionStorage;
    if (storage) {
      // Reading the property can work while writing throws (quota 0): try both once.
      storage.setItem('basiq-token:probe', '1');
      storage.removeItem('basiq-token:probe');
      return storage;
    }
  } catch {
    // fall through to memory
  }
  return memoryStorage();
}

function stateStorage(value: unknown): StateStorage {
  if (value === undefined || value === 'session') return sessionStorageOrMemory();
  if (value === 'memory') return memoryStorage();
  const storage = value as Partial<StateStorage> | null;
  if (
    typeof storage !== 'object' ||
    storage === null ||
    typeof storage.getItem !== 'function' ||
    typeof storage.setItem !== 'function' ||
    typeof storage.removeItem !== 'function'
  ) {
    fail(
      'invalid_option',
      "stateStorage must be 'session', 'memory' or an object with getItem/setItem/removeItem",
    );
  }
  return storage as StateStorage;
}

/** Checks every option and fills in the defaults. */
export function resolveOptions(options: BasiqBrowserOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('invalid_option', 'options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail('unknown_option', `unknown option ${JSON.stringify(key).slice(0, 40)}`);
  }
  const tokenUrl = options.tokenUrl ?? '/basiq/client-token';
  if (typeof tokenUrl !== 'string' || tokenUrl.trim() === '')
    fail('invalid_url', 'tokenUrl must be a non-empty string');
  if (/^[a-z][a-z0-9+.-]*:/i.test(tokenUrl) && !/^https?:/i.test(tokenUrl)) {
    fail('invalid_url', 'tokenUrl must be a path or an http(s) URL');
  }
  const headers = options.headers;
  if (
    headers !== undefined &&
    typeof headers !== 'function' &&
    (typeof headers !== 'object' || headers === null)
  ) {
    fail('invalid_option', 'headers must be an object or a function returning one');
  }
  const basiqVersion = options.basiqVersion ?? '3.0';
  if (typeof basiqVersion !== 'string' || !/^\d+\.\d+$/.test(basiqVersion)) {
    fail('invalid_option', "basiqVersion must look like '3.0'");
  }
  const fetchFn = fn<FetchFunction>('fetch', options.fetch) ?? defaultFetch();
  return {
    tokenUrl,
    tokenMethod: oneOf('tokenMethod', options.tokenMethod, ['POST', 'GET'] as const, 'POST'),
    credentials: oneOf(
      'credentials',
      options.credentials,
      ['omit', 'same-origin', 'include'] as const,
      'same-origin',
    ),
    headers,
    consentHome: `${baseUrl('consentBaseUrl', options.consentBaseUrl, 'https://consent.basiq.io')}/home`,
    basiqBaseUrl: baseUrl('basiqBaseUrl', options.basiqBaseUrl, 'https://au-api.basiq.io'),
    basiqVersion,
    refreshMarginMs: positive('refreshMarginMs', options.refreshMarginMs, 60_000),
    timeoutMs: positive('timeoutMs', options.timeoutMs, 15_000) || 15_000,
    stateStorage: stateStorage(options.stateStorage),
    stateMaxAgeMs: positive('stateMaxAgeMs', options.stateMaxAgeMs, 3_600_000),
    navigate: fn<(url: string) => void>('navigate', options.navigate),
    fetch: fetchFn,
    now: fn<() => number>('now', options.now) ?? Date.now,
  };
}

function defaultFetch(): FetchFunction {
  const global = (globalThis as { fetch?: FetchFunction }).fetch;
  if (typeof global !== 'function') fail('no_fetch', 'no global fetch here: pass the fetch option');
  // Called unbound, window.fetch throws "Illegal invocation".
  return (url, init) => global.call(globalThis, url, init);
}
