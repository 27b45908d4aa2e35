import { closest, echoableName } from './did-you-mean.js';
import { BasiqConfigError } from './errors.js';
import { isLoopbackHost } from './loopback.js';
import type { TokenStore } from './store.js';
import type { ApiKeyProvider, Clock, FetchLike, Logger } from './types.js';

/** Basiq's production API (the browser package's default too: test/basiq-constants.test.ts). */
export const DEFAULT_BASE_URL = 'https://au-api.basiq.io';
/** The `basiq-version` sent to `/token` unless told otherwise. */
export const DEFAULT_BASIQ_VERSION = '3.0';

/**
 * The default of every option that has a plain value for one. `resolveOptions` fills these in,
 * and test/docs checks the README's options table and the `(default …)` in each option's doc
 * comment (types.ts) against this table, so a default is changed here and nowhere else.
 */
export const OPTION_DEFAULTS = {
  baseUrl: DEFAULT_BASE_URL,
  basiqVersion: DEFAULT_BASIQ_VERSION,
  tokenTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  retry: { retries: 3, minDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 },
  refresh: {
    softWindowMs: 300_000,
    hardWindowMs: 30_000,
    cooldownMs: 60_000,
    backoffMs: 5_000,
    maxBackoffMs: 300_000,
    keepWarm: false,
  },
  clientTokens: { maxEntries: 10_000, minRemainingMs: 300_000 },
  budget: { limit: 1_200, windowMs: 300_000, serverReserve: 100 },
} as const;

/** Every option with its default filled in. Internal: holds the API key, never logged. */
export interface ResolvedOptions {
  /** The key, or the app's function that reads it (called when the key is first needed). */
  apiKey: string | ApiKeyProvider;
  baseUrl: string;
  basiqVersion: string;
  tokenTimeoutMs: number;
  requestTimeoutMs: number;
  retry: { retries: number; minDelayMs: number; maxDelayMs: number; maxRetryAfterMs: number };
  refresh: {
    softWindowMs: number;
    hardWindowMs: number;
    cooldownMs: number;
    backoffMs: number;
    maxBackoffMs: number;
    keepWarm: boolean;
  };
  clientTokens: { maxEntries: number; minRemainingMs: number };
  budget: { limit: number; windowMs: number; serverReserve: number };
  store: TokenStore | undefined;
  fetch: FetchLike | undefined;
  clock: Clock;
  logger: Logger | false | undefined;
}

const TOP_LEVEL = [
  'apiKey',
  'baseUrl',
  'basiqVersion',
  'tokenTimeoutMs',
  'requestTimeoutMs',
  'retry',
  'refresh',
  'clientTokens',
  'budget',
  'store',
  'fetch',
  'clock',
  'logger',
] as const;

const systemClock: Clock = { now: () => Date.now() };

/**
 * Validates `options` and fills in defaults. Every problem throws `BasiqConfigError`
 * (code `invalid_options`) naming the option and saying what to fix, so a wrong setting
 * fails at start-up rather than on the first request. Messages never include the key.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  const o = section(options, 'options', TOP_LEVEL);
  const d = OPTION_DEFAULTS;
  const retry = section(o.retry, 'retry', Object.keys(d.retry));
  const refresh = section(o.refresh, 'refresh', Object.keys(d.refresh));
  const clientTokens = section(o.clientTokens, 'clientTokens', Object.keys(d.clientTokens));
  const budget = section(o.budget, 'budget', Object.keys(d.budget));

  const resolved: ResolvedOptions = {
    apiKey: apiKey(o.apiKey),
    baseUrl: baseUrl(o.baseUrl),
    basiqVersion: basiqVersion(o.basiqVersion),
    tokenTimeoutMs: positive(o.tokenTimeoutMs, 'tokenTimeoutMs', d.tokenTimeoutMs),
    requestTimeoutMs: positive(o.requestTimeoutMs, 'requestTimeoutMs', d.requestTimeoutMs),
    retry: {
      retries: count(retry.retries, 'retry.retries', d.retry.retries),
      minDelayMs: positive(retry.minDelayMs, 'retry.minDelayMs', d.retry.minDelayMs),
      maxDelayMs: positive(retry.maxDelayMs, 'retry.maxDelayMs', d.retry.maxDelayMs),
      maxRetryAfterMs: positive(retry.maxRetryAfterMs, 'retry.maxRetryAfterMs', d.retry.maxRetryAfterMs),
    },
    refresh: {
      softWindowMs: positive(refresh.softWindowMs, 'refresh.softWindowMs', d.refresh.softWindowMs),
      hardWindowMs: positive(refresh.hardWindowMs, 'refresh.hardWindowMs', d.refresh.hardWindowMs),
      cooldownMs: positive(refresh.cooldownMs, 'refresh.cooldownMs', d.refresh.cooldownMs),
      backoffMs: positive(refresh.backoffMs, 'refresh.backoffMs', d.refresh.backoffMs),
      maxBackoffMs: positive(refresh.maxBackoffMs, 'refresh.maxBackoffMs', d.refresh.maxBackoffMs),
      keepWarm: bool(refresh.keepWarm, 'refresh.keepWarm', d.refresh.keepWarm),
    },
    clientTokens: {
      maxEntries: positiveInteger(
        clientTokens.maxEntries,
        'clientTokens.maxEntries',
        d.clientTokens.maxEntries,
      ),
      minRemainingMs: positive(
        clientTokens.minRemainingMs,
        'clientTokens.minRemainingMs',
        d.clientTokens.minRemainingMs,
      ),
    },
    budget: {
      limit: positiveInteger(budget.limit, 'budget.limit', d.budget.limit),
      windowMs: positive(budget.windowMs, 'budget.windowMs', d.budget.windowMs),
      serverReserve: count(budget.serverReserve, 'budget.serverReserve', d.budget.serverReserve),
    },
    store: store(o.store),
    fetch: fn<FetchLike>(o.fetch, 'fetch', 'a fetch-compatible function'),
    clock: clock(o.clock),
    logger: logger(o.logger),
  };

  const { retry: r, refresh: f, budget: b } = resolved;
  if (r.maxDelayMs < r.minDelayMs) {
    fail(
      'retry.maxDelayMs',
      `retry.maxDelayMs (${r.maxDelayMs}) must be at least retry.minDelayMs (${r.minDelayMs})`,
    );
  }
  if (f.hardWindowMs >= f.softWindowMs) {
    fail(
      'refresh.hardWindowMs',
      `refresh.hardWindowMs (${f.hardWindowMs}) must be smaller than refresh.softWindowMs (${f.softWindowMs}): ` +
        'callers wait only in the last, hard part of the soft window',
    );
  }
  if (f.maxBackoffMs < f.backoffMs) {
    fail(
      'refresh.maxBackoffMs',
      `refresh.maxBackoffMs (${f.maxBackoffMs}) must be at least refresh.backoffMs (${f.backoffMs})`,
    );
  }
  if (b.serverReserve >= b.limit) {
    fail(
      'budget.serverReserve',
      `budget.serverReserve (${b.serverReserve}) must be smaller than budget.limit (${b.limit}), ` +
        'or no client token could ever be issued',
    );
  }
  return resolved;
}

function fail(option: string, message: string): never {
  throw new BasiqConfigError(`Invalid Basiq option \`${option}\`: ${message}`, { option });
}

function section(value: unknown, name: string, known: readonly string[]): Record<string, unknown> {
  const isTop = name === 'options';
  if (value === undefined && !isTop) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (isTop) {
      throw new BasiqConfigError(
        'Basiq options must be an object such as { apiKey: process.env.BASIQ_API_KEY }',
        {
          option: 'options',
        },
      );
    }
    fail(name, `expected an object, got ${typeName(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (known.includes(key)) continue;
    const shown = echoableName(key) !== undefined;
    const path = shown ? (isTop ? key : `${name}.${key}`) : name;
    const guess = closest(key, known);
    fail(
      path,
      `${shown ? 'unknown option' : `an unknown option name (not shown) in ${isTop ? 'the options' : `\`${name}\``}`}` +
        `${guess ? `; did you mean \`${isTop ? guess : `${name}.${guess}`}\`?` : ''} ` +
        `(known: ${known.join(', ')})`,
    );
  }
  return record;
}

function apiKey(value: unknown): string | ApiKeyProvider {
  if (value === undefined || value === null || value === '') {
    fail(
      'apiKey',
      'it is required: pass the API key from the Basiq dashboard (for example process.env.BASIQ_API_KEY), ' +
        'or a function returning it (or a promise of it)',
    );
  }
  // A secret manager's read: called when the key is first needed, and again only on a rotation.
  if (typeof value === 'function') return value as ApiKeyProvider;
  if (typeof value !== 'string') {
    fail('apiKey', `expected a string, or a function returning one, got ${typeName(value)}`);
  }
  const problem = apiKeyProblem(value);
  if (problem) fail('apiKey', problem);
  return value;
}

/**
 * What is wrong with a key string, in words that never repeat it, or `undefined` when it can be
 * sent. Shared by the option, `rotateApiKey(next)` and what an `apiKey` function answers.
 */
export function apiKeyProblem(value: string): string | undefined {
  if (value === '') return 'it is empty';
  if (/^\s*(basic|bearer)\s/i.test(value)) {
    return 'pass the key alone, without the "Basic " prefix: the library adds the header itself';
  }
  if (/\s/.test(value)) {
    return 'it contains whitespace (a trailing newline from an env file?); pass the key exactly as given';
  }
  return undefined;
}

function baseUrl(value: unknown): string {
  if (value === undefined) return DEFAULT_BASE_URL;
  if (typeof value !== 'string') fail('baseUrl', `expected a URL string, got ${typeName(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value is not echoed: a mixed-up argument could be the key itself.
    fail('baseUrl', `it is not an absolute URL; use something like ${DEFAULT_BASE_URL}`);
  }
  if (url.username || url.password) {
    fail('baseUrl', 'it must not contain credentials; the API key goes in `apiKey`');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    fail(
      'baseUrl',
      'it uses http: tokens must travel over https; plain http is allowed only for loopback hosts (the emulator)',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const protocol = url.protocol.length <= MAX_SHOWN_STRING ? ` ${url.protocol}` : '';
    fail('baseUrl', `unsupported protocol${protocol}; use https, e.g. ${DEFAULT_BASE_URL}`);
  }
  if (url.search || url.hash) fail('baseUrl', 'it must not have a query string or a fragment');
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function basiqVersion(value: unknown): string {
  if (value === undefined) return DEFAULT_BASIQ_VERSION;
  if (typeof value === 'number')
    fail('basiqVersion', `pass it as a string such as "${DEFAULT_BASIQ_VERSION}"`);
  if (typeof value !== 'string' || !/^\d+(\.\d+)*$/.test(value)) {
    fail('basiqVersion', `expected a version string such as "${DEFAULT_BASIQ_VERSION}" (or "2.1")`);
  }
  return value;
}

// Node's timers overflow past this (about 24.8 days) and fire at once.
const MAX_MS = 2_147_483_647;

function positive(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(option, `expected a positive finite number of milliseconds, got ${show(value)}`);
  }
  if (value > MAX_MS) fail(option, `${value} ms is longer than timers allow (${MAX_MS} ms)`);
  return value;
}

function positiveInteger(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(option, `expected a positive whole number, got ${show(value)}`);
  }
  return value;
}

function count(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(option, `expected a whole number, 0 or more, got ${show(value)}`);
  }
  return value;
}

function bool(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(option, `expected true or false, got ${show(value)}`);
  return value;
}

function fn<T>(value: unknown, option: string, what: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail(option, `expected ${what}, got ${typeName(value)}`);
  return value as T;
}

const STORE_METHODS = ['get', 'set', 'delete', 'acquireLock', 'releaseLock', 'takeSlot'] as const;

function store(value: unknown): TokenStore | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    fail('store', `expected a TokenStore (such as a RedisStore or MemoryStore), got ${typeName(value)}`);
  }
  const missing = STORE_METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) fail('store', `not a TokenStore: missing method(s) ${missing.join(', ')}`);
  const close = (value as Record<string, unknown>).close;
  if (close !== undefined && typeof close !== 'function')
    fail('store', '`close`, when present, must be a function');
  return value as TokenStore;
}

function clock(value: unknown): Clock {
  if (value === undefined) return systemClock;
  if (typeof value !== 'object' || value === null || typeof (value as Clock).now !== 'function') {
    fail('clock', 'expected an object with a now() method returning epoch milliseconds');
  }
  const c = value as Clock;
  return { now: () => c.now() };
}

function logger(value: unknown): Logger | false | undefined {
  if (value === undefined || value === false) return value;
  if (typeof value !== 'object' || value === null) {
    fail(
      'logger',
      `expected a logger object (console, pino, Nest's Logger) or false, got ${typeName(value)}`,
    );
  }
  const l = value as Record<string, unknown>;
  for (const method of ['warn', 'error']) {
    if (typeof l[method] !== 'function') fail('logger', `a logger needs a ${method}(message) method`);
  }
  for (const method of ['debug', 'info']) {
    if (l[method] !== undefined && typeof l[method] !== 'function') {
      fail('logger', `logger.${method}, when present, must be a function`);
    }
  }
  return value as Logger;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

// Strings longer than this are never echoed in an option error: a mixed-up argument could be
// the API key, and even its first characters are a piece of it. "30000" still shows.
const MAX_SHOWN_STRING = 6;

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    return value.length <= MAX_SHOWN_STRING
      ? `the string ${JSON.stringify(value)}`
      : `a string of ${value.length} characters (not shown: it could be a secret)`;
  }
  return typeName(value);
}
