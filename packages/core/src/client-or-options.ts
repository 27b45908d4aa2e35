import { createBasiqClient } from './client.js';
import type { BasiqClient } from './client.js';
import type { BasiqOptions } from './types.js';

/**
 * For adapters that accept either a client or options: the client to use, and whether the
 * adapter created it (and so must close it).
 */
export function useClient(clientOrOptions: BasiqClient | BasiqOptions): {
  client: BasiqClient;
  owned: boolean;
} {
  if (isBasiqClient(clientOrOptions)) return { client: clientOrOptions, owned: false };
  return { client: createBasiqClient(clientOrOptions), owned: true };
}

/** Whether `value` is a client (made by any copy of core) rather than options to make one. */
export function isBasiqClient(value: BasiqClient | BasiqOptions): value is BasiqClient {
  // Duck-typed rather than `instanceof`: an app may load core twice (ESM and CommonJS copies).
  const candidate = value as Partial<BasiqClient>;
  return typeof candidate.handleClientTokenRequest === 'function' && typeof candidate.context === 'function';
}
