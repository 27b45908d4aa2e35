import { BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import { isBasiqClient, isClientSelection } from '@basiq-token/core/adapter';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { selectBasiqClient } from './client-selection.js';
import type { NextClientSelection } from './client-selection.js';

/**
 * Where the Next adapter finds its Basiq client: an existing `BasiqClient` (the app's; never
 * cached or closed here), `BasiqOptions`, or a function returning either (called lazily, on the
 * first request, so a missing environment variable fails that request rather than `next build`;
 * a route handler calls it again only once the client it got is closed). Absent: options from
 * the environment, `BASIQ_API_KEY` and `BASIQ_API_URL`.
 */
export type NextClientSource = BasiqClient | BasiqOptions | (() => BasiqClient | BasiqOptions);

// One registry per process under a global symbol: Next re-evaluates modules on every dev hot
// reload (and may load this package twice, ESM and CommonJS), and each copy must find the same
// clients rather than open a new one, with its own token and timers, per reload.
const SLOT = Symbol.for('basiq-token.next');

interface Registry {
  clients: Map<string, BasiqClient>;
  /** `apiKey` functions by identity (kept here, not per module copy, so ids stay unique). */
  keyFunctions: WeakMap<object, number>;
  lastKeyFunction: number;
}

function registry(): Registry {
  const holder = globalThis as typeof globalThis & { [SLOT]?: Registry };
  const found = (holder[SLOT] ??= { clients: new Map(), keyFunctions: new WeakMap(), lastKeyFunction: 0 });
  // A registry left by an older copy of this package, before key functions were tracked.
  found.keyFunctions ??= new WeakMap();
  found.lastKeyFunction ??= 0;
  return found;
}

/**
 * The process's Basiq client for these options, created on first use and shared afterwards by
 * every route handler, Server Action and Server Component of the process, across Next's
 * development hot reloads. Clients are keyed by a hash of the options, so the same
 * configuration gives the same client and a changed one a new client. A client passed in (or
 * returned by the function) is returned as is. Without options it reads `BASIQ_API_KEY` (and
 * `BASIQ_API_URL`) now, not at import, and throws a `BasiqConfigError` if the key is missing.
 *
 * @example
 * ```ts
 * // app/accounts/page.tsx (a Server Component)
 * const { data } = await getBasiqClient().api.GET('/users/{userId}/accounts', {
 *   params: { path: { userId } },
 * });
 * ```
 */
export function getBasiqClient(source?: NextClientSource): BasiqClient;
/**
 * Several Basiq applications: the client `selection.select(request)` names (see
 * {@link NextClientSelection}), for a route handler or a Server Component given the request.
 * Throws a `BasiqConfigError` for a name the selection does not hold (`withBasiqErrors`
 * answers it `500 internal_error`).
 *
 * @example
 * ```ts
 * // lib/basiq.ts
 * export const tenants = {
 *   clients: () => ({ sandbox: { apiKey: process.env.BASIQ_SANDBOX_KEY! }, production: { apiKey: process.env.BASIQ_API_KEY! } }),
 *   select: (request: Request) => (new URL(request.url).hostname.startsWith('sandbox.') ? 'sandbox' : 'production'),
 * };
 * // app/api/institutions/route.ts
 * export const GET = withBasiqErrors(async (request: Request) => {
 *   const { data } = await getBasiqClient(tenants, request).api.GET('/institutions');
 *   return Response.json(data);
 * });
 * ```
 */
export function getBasiqClient(selection: NextClientSelection, request: Request): BasiqClient;
export function getBasiqClient(
  source?: NextClientSource | NextClientSelection,
  request?: Request,
): BasiqClient {
  if (isClientSelection(source)) {
    if (request === undefined) {
      throw new BasiqConfigError('getBasiqClient(selection, request) needs the request to select a client', {
        option: 'request',
      });
    }
    return selectBasiqClient(source as NextClientSelection, request);
  }
  const resolved =
    typeof source === 'function'
      ? source()
      : ((source as BasiqClient | BasiqOptions | undefined) ?? optionsFromEnv());
  if (isBasiqClient(resolved)) return resolved;
  if (typeof resolved !== 'object' || resolved === null) {
    throw new BasiqConfigError(
      'getBasiqClient needs BasiqOptions, a BasiqClient or a function returning one',
      {
        option: 'options',
      },
    );
  }
  const { clients } = registry();
  const key = optionsKey(resolved);
  const cached = clients.get(key);
  if (cached && !cached.toJSON().closed) return cached;
  const client = createBasiqClient(resolved);
  clients.set(key, client);
  return client;
}

/**
 * Closes and forgets every client {@link getBasiqClient} created in this process (for tests and
 * graceful shutdown; clients handed in by the app are the app's to close).
 */
export async function closeBasiqClients(): Promise<void> {
  const { clients } = registry();
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((client) => client.close()));
}

function optionsFromEnv(): BasiqOptions {
  // `process` may be absent (a non-Node runtime without Next's env shim).
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const apiKey = env.BASIQ_API_KEY;
  if (!apiKey) {
    throw new BasiqConfigError(
      'BASIQ_API_KEY is not set: set it in the environment, or give the Basiq options to @basiq-token/next',
      { option: 'apiKey' },
    );
  }
  return { apiKey, ...(env.BASIQ_API_URL ? { baseUrl: env.BASIQ_API_URL } : {}) };
}

/**
 * A stable text key for options: the same configuration after a hot reload (new objects, same
 * content) gives the same key. Functions count by their source, class instances (a store, a
 * logger) by their class and own fields. Hashed, so the registry never holds the API key.
 * An `apiKey` function is the exception: it counts by identity, because two with one source
 * (`() => secrets.read(tenant)`) may close over different applications' keys, and sharing a
 * client between them would serve one application's tokens to the other. (The price: each hot
 * reload that makes a new key function makes a new client in development.)
 */
function optionsKey(options: BasiqOptions): string {
  const { apiKey, ...rest } = options;
  const keyPart =
    typeof apiKey === 'function' ? `k:${keyFunctionId(apiKey)}` : canonical(apiKey, new Set(), 0);
  return hash(`${keyPart}|${canonical(rest, new Set(), 0)}`);
}

function keyFunctionId(fn: object): number {
  const r = registry();
  let id = r.keyFunctions.get(fn);
  if (id === undefined) {
    id = ++r.lastKeyFunction;
    r.keyFunctions.set(fn, id);
  }
  return id;
}

function canonical(value: unknown, seen: Set<object>, depth: number): string {
  if (typeof value === 'function') return `f:${String(value)}`;
  if (typeof value !== 'object' || value === null) return `${typeof value}:${String(value)}`;
  if (seen.has(value) || depth > 4) return '~';
  seen.add(value);
  const parts = Array.isArray(value)
    ? value.map((v) => canonical(v, seen, depth + 1))
    : Object.keys(value)
        .sort()
        .map((k) => `${k}=${canonical((value as Record<string, unknown>)[k], seen, depth + 1)}`);
  seen.delete(value);
  const kind = Array.isArray(value)
    ? 'a'
    : ((value as { constructor?: { name?: string } }).constructor?.name ?? 'o');
  return `${kind}{${parts.join(',')}}`;
}

// Two 32-bit FNV-1a passes with different offsets: a 64-bit key without `node:crypto` (absent
// on Edge) or async Web Crypto (the accessor is synchronous). Not a security boundary: it only
// tells configurations apart.
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193 + 2);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
