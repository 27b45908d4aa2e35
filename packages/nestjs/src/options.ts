import type { BasiqClient, BasiqOptions, Logger } from '@basiq-token/core';
import type { CanActivate, Type } from '@nestjs/common';

/** Turns a request into the signed-in user's Basiq userId (or nothing when nobody is signed in). */
export type ResolveUserId = (request: any) => unknown;

/**
 * The ready-made client-token route. `path`, `method` and `guards` shape the controller, so Nest
 * must know them when the module is defined: give them to `forRoot()`, or next to `useFactory`
 * in `forRootAsync()`. `resolveUserId` may also come from the async factory.
 */
export interface ClientTokenRouteOptions {
  /** Route path (default `basiq/client-token`); any global prefix of the app applies too. */
  path?: string;
  /** HTTP method (default `POST`). */
  method?: 'POST' | 'GET';
  /** The app's own guards (classes or instances); they run before the route, as on any Nest route. */
  guards?: ReadonlyArray<Type<CanActivate> | CanActivate>;
  /**
   * Reads the signed-in user from the request, typically what the app's guard put there
   * (`request.user.basiqUserId`). Never trust a userId the browser sends unless you mean to.
   * `null`, `undefined` or `''` answer 401.
   */
  resolveUserId?: ResolveUserId;
}

/** Hand the module a core client created elsewhere; the module then never closes it. */
export interface ExistingClientOptions {
  client: BasiqClient;
  /** Logger for {@link BasiqExceptionFilter} (default Nest's `Logger('Basiq')`; `false` for silence). */
  logger?: Logger | false;
}

/**
 * Options of `BasiqModule`: core's {@link BasiqOptions} (the module creates the client, logging
 * through Nest's `Logger('Basiq')` unless `logger` is given), or an existing `client`.
 */
export type BasiqModuleOptions = ((BasiqOptions & { client?: undefined }) | ExistingClientOptions) & {
  /** Mount the client-token route (off when absent). */
  clientTokenRoute?: ClientTokenRouteOptions;
};

/** What shapes the module definition itself (given to `forRoot()`/`forRootAsync()`, never to a factory). */
export interface BasiqModuleExtras {
  /** Register the module globally, so `BasiqService` is injectable everywhere (default `false`). */
  isGlobal?: boolean;
  /** See {@link ClientTokenRouteOptions}. */
  clientTokenRoute?: ClientTokenRouteOptions;
}
