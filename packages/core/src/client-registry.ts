import type { BasiqClient, BasiqClientState } from './client.js';
import { useClient } from './client-or-options.js';
import { BasiqConfigError, BasiqError } from './errors.js';
import type { BasiqHealth } from './health.js';
import type { BasiqOptions, RouteResponse } from './types.js';

/**
 * What {@link createBasiqClients} takes: one entry per Basiq application, by name. Each is a
 * client (the app's, never closed by the registry) or options to make one (the registry's, closed
 * by {@link BasiqClientRegistry.close}).
 */
export type BasiqClientEntries<N extends string = string> = Readonly<Record<N, BasiqClient | BasiqOptions>>;

/** What {@link BasiqClientRegistry.health} and {@link BasiqClientRegistry.warmUp} answer. */
export interface BasiqClientsHealth<N extends string = string> {
  /** Every client holds a server token ({@link BasiqHealth.ready} for each). */
  ready: boolean;
  /** Each client's own {@link BasiqHealth}, by name. */
  clients: Record<N, BasiqHealth>;
}

// Names are written by the app, but a selector may answer one built from a request (a Host
// header): only these characters ever reach an error message, so none can forge a log line.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * A fixed set of Basiq applications in one process (sandbox and production, several brands or
 * tenants), by name. Each client keeps its own token cache, store namespace (store keys are
 * derived from its own API key) and `/token` budget, so one shared store serves them all without
 * ever answering one with another's token. The set is fixed when the registry is made: nothing
 * a request says can add a client, so a process holds no more clients than the app defined.
 * Make it with {@link createBasiqClients}.
 */
export class BasiqClientRegistry<N extends string = string> {
  readonly #clients: ReadonlyMap<string, BasiqClient>;
  readonly #owned: readonly BasiqClient[];
  readonly #names: readonly N[];
  #closing: Promise<void> | undefined;

  /**
   * Validates `entries` and makes a client for each entry given as options. A wrong entry throws
   * a `BasiqConfigError` naming it (`option: 'clients.<name>…'`), and the clients already made
   * are closed.
   */
  constructor(entries: BasiqClientEntries<N>) {
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      throw new BasiqConfigError(
        'createBasiqClients needs an object of clients by name: { sandbox: options, production: client }',
        { option: 'clients' },
      );
    }
    const names = Object.keys(entries) as N[];
    if (names.length === 0) {
      throw new BasiqConfigError('createBasiqClients needs at least one client', { option: 'clients' });
    }
    for (const name of names) {
      if (!NAME.test(name)) {
        throw new BasiqConfigError(
          `createBasiqClients: a client name must be 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit (got ${JSON.stringify(name.slice(0, 70))})`,
          { option: 'clients' },
        );
      }
    }
    const clients = new Map<string, BasiqClient>();
    const owned: BasiqClient[] = [];
    for (const name of names) {
      const entry = entries[name] as unknown;
      try {
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
          throw new BasiqConfigError(`expected a BasiqClient or BasiqOptions, got ${typeName(entry)}`);
        }
        const used = useClient(entry as BasiqClient | BasiqOptions);
        if (used.owned) owned.push(used.client);
        clients.set(name, used.client);
      } catch (error) {
        // The clients made so far would otherwise keep their timers and stores.
        for (const client of owned) void client.close().catch(() => {});
        throw entryError(name, error);
      }
    }
    this.#clients = clients;
    this.#owned = owned;
    this.#names = Object.freeze([...names]);
  }

  /** The clients' names, in the order they were given. */
  get names(): readonly N[] {
    return this.#names;
  }

  /** Whether `name` is one of the registry's clients. */
  has(name: unknown): name is N {
    return typeof name === 'string' && this.#clients.has(name);
  }

  /**
   * The client called `name`. Throws a `BasiqConfigError` (`option: 'select'`) for any other
   * value; its message repeats the value only when it has a client name's form, and never lists
   * the registry's names.
   */
  get(name: N): BasiqClient {
    const client = typeof name === 'string' ? this.#clients.get(name) : undefined;
    if (client === undefined) throw unknownName(name);
    return client;
  }

  /**
   * The error answer for a request that could not be given a client (core's `errorResponse`:
   * `500 internal_error` JSON for an unknown name), logged through the first client's logger.
   */
  errorResponse(error: unknown): RouteResponse {
    return (this.#clients.get(this.#names[0] as string) as BasiqClient).errorResponse(error);
  }

  /** Every client's {@link BasiqClient.health}, read from memory (no `/token` call, no I/O). */
  health(): BasiqClientsHealth<N> {
    const clients = {} as Record<N, BasiqHealth>;
    let ready = true;
    for (const name of this.#names) {
      const health = this.get(name).health();
      clients[name] = health;
      ready &&= health.ready;
    }
    return { ready, clients };
  }

  /**
   * Fetches every client's server token at once ({@link BasiqClient.warmUp}) and resolves with
   * {@link BasiqClientRegistry.health} once all have settled. It never rejects: a client that got no token shows
   * `ready: false` and its `serverToken.lastFailure`, so one wrong key does not hide the others.
   */
  async warmUp(): Promise<BasiqClientsHealth<N>> {
    await Promise.allSettled(this.#names.map((name) => this.get(name).warmUp()));
    return this.health();
  }

  /**
   * Closes the clients the registry made from options; clients handed in stay the app's to close.
   * Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= Promise.all(this.#owned.map((client) => client.close())).then(() => {});
    return this.#closing;
  }

  /** The names and each client's state, for logs: no key, no token. */
  toJSON(): { names: readonly N[]; clients: Record<N, BasiqClientState> } {
    const clients = {} as Record<N, BasiqClientState>;
    for (const name of this.#names) clients[name] = this.get(name).toJSON();
    return { names: this.#names, clients };
  }
}

/**
 * A bounded registry of Basiq applications in one process, by name: each entry a client or the
 * options to make one. Adapters take it with a `select(request)` that names the client for each
 * request (`basiq({ clients, select })`). Throws a `BasiqConfigError` for an empty object, a
 * malformed name or a wrong entry.
 *
 * @example
 * ```ts
 * const clients = createBasiqClients({
 *   sandbox: { apiKey: process.env.BASIQ_SANDBOX_KEY!, store },
 *   production: { apiKey: process.env.BASIQ_API_KEY!, store },
 * });
 * app.use(basiq({ clients, select: (req) => (req.hostname.startsWith('sandbox.') ? 'sandbox' : 'production') }));
 * ```
 */
export function createBasiqClients<const N extends string>(
  entries: BasiqClientEntries<N>,
): BasiqClientRegistry<N> {
  return new BasiqClientRegistry(entries);
}

/**
 * Whether `value` is a client registry (made by any copy of core), rather than the entries to
 * make one.
 */
export function isBasiqClientRegistry(value: unknown): value is BasiqClientRegistry {
  // Duck-typed like isBasiqClient: an app may load core twice (ESM and CommonJS copies).
  const candidate = value as Partial<BasiqClientRegistry> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.get === 'function' &&
    typeof candidate.has === 'function' &&
    typeof candidate.warmUp === 'function' &&
    Array.isArray(candidate.names)
  );
}

/** The error for a name that is not in the registry (what a selector answered). */
export function unknownName(name: unknown): BasiqConfigError {
  const what =
    typeof name === 'string' && NAME.test(name)
      ? `"${name}", which is not one of the registry's clients`
      : typeof name === 'object' && name !== null && typeof (name as { then?: unknown }).then === 'function'
        ? 'a promise: it must answer a client name synchronously'
        : `${typeName(name)}, not a client name`;
  return new BasiqConfigError(`select(request) answered ${what}`, { option: 'select' });
}

function entryError(name: string, error: unknown): BasiqConfigError {
  if (!(error instanceof BasiqError)) {
    return new BasiqConfigError(`clients.${name}: the client could not be made`, {
      option: `clients.${name}`,
      cause: error,
    });
  }
  const option = (error as BasiqConfigError).option;
  return new BasiqConfigError(`clients.${name}: ${error.message}`, {
    option: option ? `clients.${name}.${option}` : `clients.${name}`,
  });
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
