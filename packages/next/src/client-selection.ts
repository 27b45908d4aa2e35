import { BasiqConfigError, routeResponseToFetch } from '@basiq-token/core';
import {
  isBasiqClient,
  isBasiqClientRegistry,
  isClientSelection,
  useClientSelector,
  validateClientTokenRouteOptions,
} from '@basiq-token/core/adapter';
import type { ClientSelector } from '@basiq-token/core/adapter';
import type {
  BasiqClient,
  BasiqClientEntries,
  BasiqClientRegistry,
  BasiqOptions,
  ClientTokenFetchHandler,
  ClientTokenRouteOptions,
} from '@basiq-token/core';
import { createClientTokenFetchHandler } from '@basiq-token/core';
import { getBasiqClient } from './client-cache.js';

/**
 * Several Basiq applications in one Next app (sandbox and production, several brands or
 * tenants): `clients` by name, and `select(request)` naming the one a request uses (by host,
 * path or a header). `clients` may be a function returning them, called on the first request
 * (so `next build` reads no key). Clients made from options entries are the process's, shared
 * across hot reloads like {@link getBasiqClient}'s (and closed by `closeBasiqClients()`); a
 * `BasiqClientRegistry` or clients handed in stay the app's.
 */
export interface NextClientSelection<Req = Request> {
  /** The clients by name: `createBasiqClients(...)`, its entries, or a function returning either. */
  clients: BasiqClientRegistry | BasiqClientEntries | (() => BasiqClientRegistry | BasiqClientEntries);
  /** The name of the client for this request; must answer synchronously. */
  select: (request: Req) => string;
}

/** Answers the selector for a selection, made on first use and again once its clients are closed. */
export function lazySelector<Req>(selection: NextClientSelection<Req>): () => ClientSelector<Req> {
  checkSelection(selection);
  let selector: ClientSelector<Req> | undefined;
  let made: BasiqClient[] = [];
  return () => {
    if (selector === undefined || made.some((client) => client.toJSON().closed)) {
      const source = typeof selection.clients === 'function' ? selection.clients() : selection.clients;
      selector = useClientSelector<Req>({ clients: processClients(source), select: selection.select });
      made = isBasiqClientRegistry(source) ? [] : selector.clients.names.map((n) => selector!.clients.get(n));
    }
    return selector;
  };
}

// Selections handed to getBasiqClient(selection, request), by identity (weakly held).
const selectors = new WeakMap<object, () => ClientSelector<Request>>();

/** {@link getBasiqClient} with a selection: the client `select(request)` names. */
export function selectBasiqClient(selection: NextClientSelection, request: Request): BasiqClient {
  let selectorOf = selectors.get(selection);
  if (selectorOf === undefined) {
    selectorOf = lazySelector(selection);
    selectors.set(selection, selectorOf);
  }
  return selectorOf().clientFor(request);
}

/**
 * The client-token Fetch handler over a selection: each request answered by its client's
 * handler (one per client), an unknown name by core's `500 internal_error` JSON.
 */
export function selectingFetchHandler<Req>(
  selection: NextClientSelection<Req>,
  route: ClientTokenRouteOptions<Request>,
  requestOf: (request: Request) => Req,
): ClientTokenFetchHandler {
  // Checked now, as the single-client factories check theirs; the clients come on first use.
  validateClientTokenRouteOptions(route);
  const selectorOf = lazySelector(selection);
  const handlers = new WeakMap<BasiqClient, ClientTokenFetchHandler>();
  return async (request: Request) => {
    const picked = selectorOf().pick(requestOf(request));
    if (picked.answer) return routeResponseToFetch(picked.answer);
    let handler = handlers.get(picked.client);
    if (handler === undefined) {
      handler = createClientTokenFetchHandler(picked.client, route);
      handlers.set(picked.client, handler);
    }
    return handler(request);
  };
}

/** Whether route options carry a selection (`clients` or `select`) rather than `client`. */
export function selectionOf<Req>(options: {
  client?: unknown;
  clients?: NextClientSelection<Req>['clients'];
  select?: NextClientSelection<Req>['select'];
}): NextClientSelection<Req> | undefined {
  if (!isClientSelection(options)) return undefined;
  if (options.client !== undefined) {
    throw new BasiqConfigError('Give either client or { clients, select }, not both', { option: 'client' });
  }
  return { clients: options.clients!, select: options.select! };
}

function checkSelection(selection: NextClientSelection<never>): void {
  if (typeof selection?.select !== 'function') {
    throw new BasiqConfigError('select must be a function (request) => client name', { option: 'select' });
  }
  const { clients } = selection;
  if (typeof clients !== 'function' && (typeof clients !== 'object' || clients === null)) {
    throw new BasiqConfigError(
      'clients is required: createBasiqClients(...), { name: options } or a function',
      {
        option: 'clients',
      },
    );
  }
}

// Options entries become the process's clients (getBasiqClient's cache), so a hot reload that
// evaluates the selection again finds the same clients, tokens and budgets.
function processClients(
  source: BasiqClientRegistry | BasiqClientEntries,
): BasiqClientRegistry | BasiqClientEntries {
  if (isBasiqClientRegistry(source) || typeof source !== 'object' || source === null) return source;
  const entries: Record<string, BasiqClient | BasiqOptions> = {};
  for (const [name, entry] of Object.entries(source as BasiqClientEntries)) {
    try {
      entries[name] = isProcessable(entry) ? getBasiqClient(entry) : entry;
    } catch {
      // Left as given: the registry makes it again and throws the error naming the entry.
      entries[name] = entry;
    }
  }
  return entries;
}

function isProcessable(entry: unknown): entry is BasiqOptions {
  return (
    typeof entry === 'object' &&
    entry !== null &&
    !Array.isArray(entry) &&
    !isBasiqClient(entry as BasiqOptions)
  );
}
