import type { HttpOptions } from './http/http-options.js';

/**
 * Where a client hands the `/axios` entry the options of its own HTTP wrappers (timeout, fetch,
 * logger, replay event; nothing secret). A registry symbol rather than a private field: Next
 * bundles its own copy of core beside the one that made the client, and both must agree.
 */
export const HTTP_OPTIONS: symbol = Symbol.for('@basiq-token/core:http-options');

/** The HTTP options of a client made by any copy of core, or `undefined` for anything else. */
export function httpOptionsOf(client: unknown): HttpOptions | undefined {
  const read = (client as Record<symbol, unknown> | null | undefined)?.[HTTP_OPTIONS];
  return typeof read === 'function' ? (read.call(client) as HttpOptions) : undefined;
}
