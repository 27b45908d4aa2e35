import { BasiqConfigError, DEFAULT_CLIENT_TOKEN_PATH, errorResponse } from '@basiq-token/core';
import { validateClientTokenRouteOptions } from '@basiq-token/core/adapter';
import type { BasiqClient, ClientTokenMethod, Logger as CoreLogger, RouteResponse } from '@basiq-token/core';
import { Controller, Get, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { CanActivate, InjectionToken, Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BasiqExceptionFilter, sendRouteResponse } from './basiq-exception.filter.js';
import type { ClientTokenRouteOptions, ResolveUserId } from './options.js';
import { routeKeys } from './registration.js';
import { BASIQ_CLIENT, BASIQ_LOGGER } from './tokens.js';

/**
 * A controller class for one module definition, its options checked now (core's validator, and
 * the guards here), so a mistake fails when the app's module tree is built. Path, methods and
 * guards are decorator arguments, so each `forRoot()`/`forRootAsync()` gets its own class. Being
 * a real Nest route, it gets the app's global prefix, guards, interceptors and filters like any other.
 * It answers with the client under `clientToken` (the registration's own), and says which
 * `METHOD /path` it mounts for the bootstrap check of routes mounted twice.
 */
export function createClientTokenController(
  options: ClientTokenRouteOptions,
  clientToken: InjectionToken = BASIQ_CLIENT,
): { controller: Type<unknown>; routes: string[] } {
  const route = validateClientTokenRouteOptions(options, { optionPrefix: 'clientTokenRoute' });
  const guards = validGuards(options.guards);
  const path = route.path ?? DEFAULT_CLIENT_TOKEN_PATH;
  const resolveUserId = route.resolveUserId as ResolveUserId;
  const { body } = route;
  // A handler is routed only for the methods the app asked for.
  const answers = (method: ClientTokenMethod): MethodDecorator =>
    route.methods.includes(method) ? (method === 'GET' ? Get : Post)(path) : () => undefined;

  @Controller()
  @UseFilters(BasiqExceptionFilter)
  @UseGuards(...guards)
  class BasiqClientTokenController {
    constructor(
      @Inject(clientToken) private readonly client: BasiqClient,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
      @Inject(BASIQ_LOGGER) private readonly logger: CoreLogger | false,
    ) {}

    // The answer's status is core's to choose, so the handlers reply themselves (`@Res()`)
    // rather than return a value Nest would send with a fixed status.
    @answers('POST')
    async viaPost(@Req() request: unknown, @Res() response: unknown): Promise<void> {
      await this.answer(request, response);
    }

    @answers('GET')
    async viaGet(@Req() request: unknown, @Res() response: unknown): Promise<void> {
      await this.answer(request, response);
    }

    private async answer(request: unknown, response: unknown): Promise<void> {
      const userId = await resolveUserId(request);
      let answer: RouteResponse;
      try {
        answer = await this.client.handleClientTokenRequest(userId);
      } catch (error) {
        answer = errorResponse(error, this.logger || undefined);
      }
      sendRouteResponse(this.adapterHost, response, answer, body);
    }
  }

  return { controller: BasiqClientTokenController, routes: routeKeys(path, route.methods) };
}

function validGuards(value: unknown): Array<Type<CanActivate> | CanActivate> {
  const guards = value ?? [];
  if (
    !Array.isArray(guards) ||
    guards.some((guard) => typeof guard !== 'function' && !isGuardInstance(guard))
  ) {
    throw new BasiqConfigError('clientTokenRoute.guards must be an array of guard classes or instances', {
      option: 'clientTokenRoute.guards',
    });
  }
  return [...(guards as Array<Type<CanActivate> | CanActivate>)];
}

function isGuardInstance(value: unknown): value is CanActivate {
  return (
    typeof value === 'object' && value !== null && typeof (value as CanActivate).canActivate === 'function'
  );
}
