import { createBasiqClient } from './client.js';
import type { BasiqClient } from './client.js';
import type { BasiqOptions } from './types.js';

/** What {@link useClient} answers: the client, and how to let go of it. */
export interface UsedClient {
  /** The client handed in, or the one made from the options. */
  client: BasiqClient;
  /** Whether the client was made here from options (and so is the adapter's to close). */
  owned: boolean;
  /** Closes the client if it was made here; a client handed in stays the app's to close. */
  close(): Promise<void>;
}

/**
 * For adapters that accept either a client or options: the client to use, whether the adapter
 * created it, and a `close` that closes it only then.
 */
export function useClient(clientOrOptions: BasiqClient | BasiqOptions): UsedClient {
  if (isBasiqClient(clientOrOptions)) return { client: clientOrOptions, owned: false, close: async () => {} };
  const client = createBasiqClient(clientOrOptions);
  return { client, owned: true, close: () => client.close() };
}

/** Whether `value` is a client (made by any copy of core) rather than options to make one. */
export function isBasiqClient(value: BasiqClient | BasiqOptions): value is BasiqClient {
  // Duck-typed rather than `instanceof`: an app may load core twice (ESM and CommonJS copies).
  const candidate = value as Partial<BasiqClient>;
  return typeof candidate.handleClientTokenRequest === 'function' && typeof candidate.context === 'function';
}
