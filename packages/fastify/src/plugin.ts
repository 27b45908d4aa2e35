import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { BasiqConfigError } from '@basiq-token/core';
import type { BasiqClient, BasiqClientEntries, BasiqClientSelection, BasiqOptions } from '@basiq-token/core';
import {
  isBasiqClient,
  isBasiqClientRegistry,
  isClientSelection,
  routeBodyText,
  useClient,
  useClientSelector,
} from '@basiq-token/core/adapter';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { registerClientTokenRoute } from './client-token-route.js';
import type { ClientTokenRouteOptions } from './client-token-route.js';
import { basiqErrorHandler } from './error-handler.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The Basiq client for this request (`http`, `fetch`, `getServerToken`, `getClientToken`),
     * set by the `@basiq-token/fastify` plugin in the scopes it is registered in.
     */
    basiq: BasiqRequestContext;
  }
}

/** What the plugin does besides `request.basiq`. */
export interface BasiqPluginExtras {
  /** Register the client-token route (see {@link ClientTokenRouteOptions}); absent or `false`: none. */
  clientTokenRoute?: ClientTokenRouteOptions | false;
  /**
   * Answer Basiq errors in this scope with core's `errorResponse` (default `true`); other errors
   * go on to the parent scope's handler. See {@link basiqErrorHandler}.
   */
  errorHandler?: boolean;
}

/**
 * The plugin's options: core's `BasiqOptions` (the plugin creates the client, logs through
 * Fastify's logger unless `logger` is given, and closes it in `onClose`), or an existing `client`
 * (the app's to close), or several Basiq applications, `{ clients, select }` (see
 * {@link BasiqPluginSelection}), plus {@link BasiqPluginExtras}.
 */
export type BasiqPluginOptions = (
  (BasiqOptions & { client?: undefined }) | { client: BasiqClient } | BasiqPluginSelection
) &
  BasiqPluginExtras;

/**
 * Several Basiq applications in one scope: `request.basiq` is the client `select(request)` names
 * among `clients` (`createBasiqClients(...)`, the app's to close, or its entries, made with
 * Fastify's logger unless they give one and closed in `onClose`). A name the registry does not
 * hold is answered `500 internal_error` JSON in `onRequest`; an error `select` throws reaches
 * Fastify's error handling.
 */
export interface BasiqPluginSelection extends BasiqClientSelection<FastifyRequest> {
  /** Not with `clients`: the selection names its clients. */
  client?: undefined;
}

// Fastify's own register options, passed along in the plugin's options; never core's business.
const FASTIFY_KEYS = ['prefix', 'logLevel', 'logSerializers'] as const;

// Scopes the plugin was registered in, to refuse a second Basiq application in the same one.
const registered = new WeakSet<object>();

const basiqPlugin: FastifyPluginAsync<BasiqPluginOptions> = async (fastify, options) => {
  if (registered.has(fastify)) {
    throw new BasiqConfigError(
      '@basiq-token/fastify is already registered in this scope; register a second Basiq application in its own scope (fastify.register(async (scope) => …))',
      { option: 'client' },
    );
  }
  if (isClientSelection(options)) {
    selecting(fastify, options as BasiqPluginSelection & BasiqPluginExtras);
    registered.add(fastify);
    return;
  }
  const { client, close } = useClient(clientOrOptions(fastify, options));
  // Once per scope, never per request.
  const context = basiqRequestContext(client);

  // null, then set per request: Fastify refuses an object shared by every request as a decorator
  // value. A nested scope with its own application reuses the parent's decorator; its hook runs last.
  if (!fastify.hasRequestDecorator('basiq')) fastify.decorateRequest('basiq', null, []);
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.basiq = context;
    done();
  });
  if (options.errorHandler !== false) fastify.setErrorHandler(basiqErrorHandler({ client }));
  if (options.clientTokenRoute) registerClientTokenRoute(fastify, client, options.clientTokenRoute);
  fastify.addHook('onClose', () => close());
  registered.add(fastify);
};

function selecting(fastify: FastifyInstance, options: BasiqPluginSelection & BasiqPluginExtras): void {
  if (options.client !== undefined) {
    throw new BasiqConfigError('@basiq-token/fastify takes either client or { clients, select }, not both', {
      option: 'client',
    });
  }
  const selector = useClientSelector(
    { ...options, clients: withFastifyLogger(fastify, options.clients) },
    {
      optionPrefix: '@basiq-token/fastify',
      context: basiqRequestContext,
      allowedKeys: ['client', 'clientTokenRoute', 'errorHandler', ...FASTIFY_KEYS],
    },
  );
  const { clients } = selector;
  if (!fastify.hasRequestDecorator('basiq')) fastify.decorateRequest('basiq', null, []);
  fastify.addHook('onRequest', (request, reply, done) => {
    let picked;
    try {
      picked = selector.pick(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (picked.answer) {
      // Answered here, without `done()`: Fastify ends the request with this reply.
      void reply.code(picked.answer.status).headers(picked.answer.headers).send(routeBodyText(picked.answer));
      return;
    }
    request.basiq = picked.context;
    done();
  });
  if (options.errorHandler !== false) {
    fastify.setErrorHandler(basiqErrorHandler({ client: clients.get(clients.names[0] as string) }));
  }
  if (options.clientTokenRoute) {
    registerClientTokenRoute(fastify, (request) => selector.pick(request), options.clientTokenRoute);
  }
  fastify.addHook('onClose', () => selector.close());
}

// Entries the plugin makes clients from log through Fastify's logger, as a single client does.
function withFastifyLogger(
  fastify: FastifyInstance,
  clients: BasiqPluginSelection['clients'],
): BasiqPluginSelection['clients'] {
  if (typeof clients !== 'object' || clients === null || isBasiqClientRegistry(clients)) return clients;
  const entries: Record<string, BasiqClient | BasiqOptions> = {};
  for (const [name, entry] of Object.entries(clients as BasiqClientEntries)) {
    const isOptions = typeof entry === 'object' && entry !== null && !isBasiqClient(entry);
    entries[name] = isOptions && entry.logger === undefined ? { ...entry, logger: fastify.log } : entry;
  }
  return entries;
}

function clientOrOptions(fastify: FastifyInstance, options: BasiqPluginOptions): BasiqClient | BasiqOptions {
  if (typeof options !== 'object' || options === null) {
    throw new BasiqConfigError('@basiq-token/fastify needs options: { apiKey, … } or { client }', {
      option: 'options',
    });
  }
  if (options.client !== undefined) return options.client;
  const rest: Record<string, unknown> = { ...options };
  for (const key of ['client', 'clientTokenRoute', 'errorHandler', ...FASTIFY_KEYS]) delete rest[key];
  const basiqOptions = rest as unknown as BasiqOptions;
  return basiqOptions.logger === undefined ? { ...basiqOptions, logger: fastify.log } : basiqOptions;
}

/**
 * The Basiq plugin for Fastify 5: `request.basiq` in the scope it is registered in, the optional
 * client-token route, core's error answers for Basiq errors, and the client closed in `onClose`
 * when the plugin created it. Wrapped with `fastify-plugin`, so it decorates the scope that
 * registers it (not a hidden child): register it at the root for the whole app, or inside
 * `fastify.register(async (scope) => …)` to give one part of the app its own Basiq application.
 *
 * @example
 * ```ts
 * await app.register(basiqFastify, {
 *   apiKey: process.env.BASIQ_API_KEY!,
 *   clientTokenRoute: { resolveUserId: (request) => request.user?.basiqUserId },
 * });
 * app.get('/accounts', async (request) => (await request.basiq.http.get('/users/…/accounts')).data);
 * ```
 */
export const basiqFastify = fp(basiqPlugin, { fastify: '5.x', name: '@basiq-token/fastify' });
