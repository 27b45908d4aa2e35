import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';

/** The client to use, and whether this adapter created it (and so must close it). */
export function useClient(clientOrOptions: BasiqClient | BasiqOptions): {
  client: BasiqClient;
  owned: boolean;
} {
  if (isBasiqClient(clientOrOptions)) return { client: clientOrOptions, owned: false };
  return { client: createBasiqClient(clientOrOptions), owned: true };
}

function isBasiqClient(value: BasiqClient | BasiqOptions): value is BasiqClient {
  // Duck-typed rather than `instanceof`: an app may load core twice (ESM and CommonJS copies).
  const candidate = value as Partial<BasiqClient>;
  return typeof candidate.handleClientTokenRequest === 'function' && typeof candidate.context === 'function';
}
