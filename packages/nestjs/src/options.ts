import type {
  BasiqClient,
  BasiqOptions,
  ClientTokenRouteOptions as CoreClientTokenRouteOptions,
  Logger,
  ResolveUserId as CoreResolveUserId,
} from '@basiq-token/core';
import type { CanActivate, Type } from '@nestjs/common';

/** Turns the platform's request (Express or Fastify) into the signed-in user's Basiq userId, or nothing. */
export type ResolveUserId = CoreResolveUserId<any>;

/**
 * The ready-made client-token route: core's one route description (`resolveUserId`, `path`
 * (default `/basiq/client-token`, after any global prefix), `method` or `methods` (default
 * `POST`), `body`), plus the app's `guards`. All of it shapes the controller, which Nest registers
 * before any options factory runs, so it is given in one place: to `forRoot()`, or to
 * `forRootAsync()` next to `useFactory`. `resolveUserId` receives the platform's request; when it
 * needs the app's services, let a guard (which has them) put the user on the request, and read it there.
 */
export interface ClientTokenRouteOptions extends CoreClientTokenRouteOptions<any> {
  /** The app's own guards (classes or instances); they run before the route, as on any Nest route. */
  guards?: ReadonlyArray<Type<CanActivate> | CanActivate>;
}

/** Hand the module a core client created elsewhere; the module then never closes it. */
export interface ExistingClientOptions {
  /** The client to use, from `createBasiqClient()`; the app keeps it and closes it. */
  client: BasiqClient;
  /** Logger for {@link BasiqExceptionFilter} (default Nest's `Logger('Basiq')`; `false` for silence). */
  logger?: Logger | false;
}

/**
 * Options of `BasiqModule`: core's {@link BasiqOptions} (the module creates the client, logging
 * through Nest's `Logger('Basiq')` unless `logger` is given), or an existing `client`. What
 * `forRoot()` takes besides these, or an async factory returns.
 */
export type BasiqModuleOptions = (BasiqOptions & { client?: undefined }) | ExistingClientOptions;

/** What shapes the module definition itself (given to `forRoot()`/`forRootAsync()`, never to a factory). */
export interface BasiqModuleExtras {
  /**
   * Name this registration, to register more than one Basiq application in an app (sandbox and
   * production, several brands): each has its own client (cache, store namespace, budget) and is
   * injected with `@InjectBasiq(name)`. Leave it out for the default registration, injected as
   * `BasiqService`. A name may be used once per app (checked at bootstrap).
   */
  name?: string;
  /** Register the module globally, so its service is injectable everywhere (default `false`). */
  isGlobal?: boolean;
  /** Mount the client-token route (off when absent); see {@link ClientTokenRouteOptions}. */
  clientTokenRoute?: ClientTokenRouteOptions;
}
