import { BasiqConfigError } from '@basiq-token/core';
import type { CanActivate, Type } from '@nestjs/common';
import type { ClientTokenRouteOptions, ResolveUserId } from './options.js';

/** The parts of the route Nest needs at module-definition time. */
export interface ClientTokenRouteShape {
  path: string;
  method: 'POST' | 'GET';
  guards: Array<Type<CanActivate> | CanActivate>;
}

/** The parts of the route used per request. */
export interface ClientTokenRouteRuntime {
  resolveUserId: ResolveUserId;
}

export const DEFAULT_CLIENT_TOKEN_PATH = 'basiq/client-token';

/** Validates the static route options, so a typo fails when the module is defined, not on a request. */
export function clientTokenRouteShape(route: ClientTokenRouteOptions): ClientTokenRouteShape {
  if (typeof route !== 'object' || route === null) {
    throw new BasiqConfigError('clientTokenRoute must be an object', { option: 'clientTokenRoute' });
  }
  const path = route.path ?? DEFAULT_CLIENT_TOKEN_PATH;
  if (typeof path !== 'string' || path.trim() === '') {
    throw new BasiqConfigError('clientTokenRoute.path must be a non-empty string', {
      option: 'clientTokenRoute.path',
    });
  }
  const method = typeof route.method === 'string' ? route.method.toUpperCase() : (route.method ?? 'POST');
  if (method !== 'POST' && method !== 'GET') {
    throw new BasiqConfigError(
      `clientTokenRoute.method must be "POST" or "GET", got "${String(route.method)}"`,
      {
        option: 'clientTokenRoute.method',
      },
    );
  }
  const guards = route.guards ?? [];
  if (
    !Array.isArray(guards) ||
    guards.some((guard) => typeof guard !== 'function' && !isGuardInstance(guard))
  ) {
    throw new BasiqConfigError('clientTokenRoute.guards must be an array of guard classes or instances', {
      option: 'clientTokenRoute.guards',
    });
  }
  if (route.resolveUserId !== undefined && typeof route.resolveUserId !== 'function') {
    throw new BasiqConfigError('clientTokenRoute.resolveUserId must be a function', {
      option: 'clientTokenRoute.resolveUserId',
    });
  }
  return { path, method, guards: [...guards] };
}

/**
 * Joins the route given when the module was defined with the one an async factory returned.
 * The factory may supply `resolveUserId` (it often needs injected services); it cannot move or
 * re-guard the route, because Nest registered the controller before any factory ran: saying so
 * beats silently serving a route elsewhere than configured.
 */
export function clientTokenRouteRuntime(
  declared: ClientTokenRouteOptions | undefined,
  fromFactory: ClientTokenRouteOptions | undefined,
): ClientTokenRouteRuntime | undefined {
  if (fromFactory !== undefined && fromFactory !== null) {
    if (declared === undefined) {
      throw new BasiqConfigError(
        'clientTokenRoute came from the forRootAsync factory, but the route is registered before factories run: ' +
          'pass clientTokenRoute (path, method, guards) to forRootAsync() next to useFactory; the factory may then supply resolveUserId',
        { option: 'clientTokenRoute' },
      );
    }
    const shape = clientTokenRouteShape(declared);
    const other = clientTokenRouteShape(fromFactory);
    const moved =
      (fromFactory.path !== undefined && other.path !== shape.path) ||
      (fromFactory.method !== undefined && other.method !== shape.method) ||
      (fromFactory.guards !== undefined &&
        (other.guards.length !== shape.guards.length || other.guards.some((g, i) => g !== shape.guards[i])));
    if (moved) {
      throw new BasiqConfigError(
        'clientTokenRoute path, method and guards returned by the forRootAsync factory differ from those given to forRootAsync(); ' +
          'they shape the controller and can only be set there',
        { option: 'clientTokenRoute' },
      );
    }
  }
  if (declared === undefined) return undefined;
  const resolveUserId = fromFactory?.resolveUserId ?? declared.resolveUserId;
  if (typeof resolveUserId !== 'function') {
    throw new BasiqConfigError(
      'clientTokenRoute.resolveUserId is required: it reads the signed-in user from the request (for example what your guard put there)',
      { option: 'clientTokenRoute.resolveUserId' },
    );
  }
  return { resolveUserId };
}

function isGuardInstance(value: unknown): value is CanActivate {
  return (
    typeof value === 'object' && value !== null && typeof (value as CanActivate).canActivate === 'function'
  );
}
