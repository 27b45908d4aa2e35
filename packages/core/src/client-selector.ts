import type { BasiqClient } from './client.js';
import { isBasiqClient } from './client-or-options.js';
import { BasiqClientRegistry, isBasiqClientRegistry, unknownName } from './client-registry.js';
import type { BasiqClientEntries } from './client-registry.js';
import { echoableName } from './did-you-mean.js';
import { BasiqConfigError } from './errors.js';
import type { RouteResponse } from './types.js';

/**
 * What an adapter takes instead of one client to serve several Basiq applications: a registry
 * (or the entries to make one, see `createBasiqClients`) and `select(request)`, which names the
 * client a request uses (by host, path, tenant header or session). `select` runs on every
 * request and must answer synchronously; a name the registry does not hold is answered
 * `500 internal_error` (core's `errorResponse`), an error it throws goes to the framework's
 * error handling as thrown (throw your own 404 for an unknown host).
 */
export interface BasiqClientSelection<Req = unknown> {
  /** The clients by name: a `BasiqClientRegistry` (the app's to close) or its entries (closed with the adapter). */
  clients: BasiqClientRegistry | BasiqClientEntries;
  /** The name of the client for this request. */
  select: (request: Req) => string;
}

/** What {@link ClientSelector.pick} answers: the request's client, or the answer to send instead. */
export type PickedClient<Ctx> =
  | { name: string; client: BasiqClient; context: Ctx; answer?: undefined }
  | { answer: RouteResponse; name?: undefined; client?: undefined; context?: undefined };

/** What {@link useClientSelector} answers: the client for each request, and how to let go of them. */
export interface ClientSelector<Req, Ctx = BasiqClient> {
  /** The registry the requests are served from. */
  readonly clients: BasiqClientRegistry;
  /** Whether the registry was made here from entries (and so is the adapter's to close). */
  readonly owned: boolean;
  /**
   * The request's client and its context (made once per client), or, when `select` answered
   * a name the registry does not hold, the `500 internal_error` answer to send. An error thrown
   * by `select` is thrown on.
   */
  pick(request: Req): PickedClient<Ctx>;
  /** The request's client; throws a `BasiqConfigError` (`option: 'select'`) for an unknown name. */
  clientFor(request: Req): BasiqClient;
  /** Core's `errorResponse` for an error met outside a picked client, logged by the registry. */
  errorResponse(error: unknown): RouteResponse;
  /** Closes the registry if it was made here; a registry handed in stays the app's to close. */
  close(): Promise<void>;
}

/** Settings of {@link useClientSelector}. */
export interface ClientSelectorSettings<Ctx> {
  /** How the adapter names the selection in errors (`basiq`, `@basiq-token/fastify`); default `basiq`. */
  optionPrefix?: string;
  /** Made once per client, handed out by `pick` (the adapter's request context). */
  context?: (client: BasiqClient) => Ctx;
  /** Keys the adapter reads from the same object besides `clients` and `select` (its own options). */
  allowedKeys?: readonly string[];
}

const SELECTION_KEYS = ['clients', 'select'];

/**
 * Whether an adapter was given a {@link BasiqClientSelection} (an object with `clients` or
 * `select` set) rather than a client or `BasiqOptions`.
 */
export function isClientSelection(value: unknown): value is BasiqClientSelection<never> {
  if (typeof value !== 'object' || value === null || isBasiqClient(value as BasiqClient)) return false;
  return SELECTION_KEYS.some((key) => (value as Record<string, unknown>)[key] !== undefined);
}

/**
 * For adapters that take `{ clients, select }`: validates it at once (a `BasiqConfigError`
 * naming the option: a missing or empty registry, a `select` that is not a function, a key
 * that belongs to neither `BasiqOptions` nor the selection), makes the registry from entries if
 * needed, and answers the client for each request. The set of clients is fixed here: a request
 * can only choose among them.
 */
export function useClientSelector<Req, Ctx = BasiqClient>(
  selection: BasiqClientSelection<Req>,
  settings: ClientSelectorSettings<Ctx> = {},
): ClientSelector<Req, Ctx> {
  const prefix = settings.optionPrefix ?? 'basiq';
  if (typeof selection !== 'object' || selection === null) {
    throw new BasiqConfigError(`${prefix} needs { clients, select }`, { option: prefix });
  }
  const allowed = new Set([...SELECTION_KEYS, ...(settings.allowedKeys ?? [])]);
  for (const key of Object.keys(selection)) {
    if (!allowed.has(key)) {
      const shown = echoableName(key);
      throw new BasiqConfigError(
        `${prefix}: ${shown ? `'${shown}'` : 'a key (name not shown)'} is not an option of { clients, select }; give each client its own options inside clients`,
        { option: shown ? `${prefix}.${shown}` : prefix },
      );
    }
  }
  const { clients: source, select } = selection;
  if (typeof select !== 'function') {
    throw new BasiqConfigError(`${prefix}: select must be a function (request) => client name`, {
      option: `${prefix}.select`,
    });
  }
  if (source === undefined || source === null) {
    throw new BasiqConfigError(
      `${prefix}: clients is required (createBasiqClients(...) or { name: options })`,
      {
        option: `${prefix}.clients`,
      },
    );
  }
  const owned = !isBasiqClientRegistry(source);
  const clients = owned ? new BasiqClientRegistry(source as BasiqClientEntries) : source;

  const make = settings.context ?? ((client: BasiqClient) => client as unknown as Ctx);
  const contexts = new Map<BasiqClient, Ctx>();
  for (const name of clients.names) {
    const client = clients.get(name);
    if (!contexts.has(client)) contexts.set(client, make(client));
  }

  const nameOf = (request: Req): unknown => (select as (request: Req) => unknown)(request);
  const choose = (request: Req): PickedClient<Ctx> => {
    const name = nameOf(request);
    if (!clients.has(name)) return { answer: clients.errorResponse(unknownName(name)) };
    const client = clients.get(name);
    return { name, client, context: contexts.get(client) as Ctx };
  };
  // The middleware and the client-token route both pick for the same request object: `select`
  // runs once per request, not once per stage.
  const picked = new WeakMap<object, PickedClient<Ctx>>();
  return {
    clients,
    owned,
    pick(request) {
      if (typeof request !== 'object' || request === null) return choose(request);
      let choice = picked.get(request);
      if (choice === undefined) {
        choice = choose(request);
        picked.set(request, choice);
      }
      return choice;
    },
    clientFor(request) {
      return clients.get(nameOf(request) as string);
    },
    errorResponse: (error) => clients.errorResponse(error),
    close: owned ? () => clients.close() : async () => {},
  };
}
