import { errorResponse } from '@basiq-token/core';
import type { BasiqClient, Logger as CoreLogger, RouteResponse } from '@basiq-token/core';
import { Controller, Get, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BasiqExceptionFilter, sendRouteResponse } from './basiq-exception.filter.js';
import type { ClientTokenRouteRuntime, ClientTokenRouteShape } from './route-options.js';
import { BASIQ_CLIENT, BASIQ_CLIENT_TOKEN_ROUTE, BASIQ_LOGGER } from './tokens.js';

/**
 * A controller class for one module definition: path, method and guards are decorator arguments,
 * so each `forRoot()`/`forRootAsync()` gets its own class. Being a real Nest route, it gets the
 * app's global prefix, guards, interceptors and filters like any other.
 */
export function createClientTokenController(shape: ClientTokenRouteShape): Type<unknown> {
  const Route = shape.method === 'GET' ? Get : Post;

  @Controller()
  @UseFilters(BasiqExceptionFilter)
  class BasiqClientTokenController {
    constructor(
      @Inject(BASIQ_CLIENT) private readonly client: BasiqClient,
      @Inject(BASIQ_CLIENT_TOKEN_ROUTE) private readonly route: ClientTokenRouteRuntime,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
      @Inject(BASIQ_LOGGER) private readonly logger: CoreLogger | false,
    ) {}

    // The answer's status is core's to choose, so the handler replies itself (`@Res()`) rather
    // than returning a value Nest would send with a fixed status.
    @Route(shape.path)
    @UseGuards(...shape.guards)
    async issueClientToken(@Req() request: unknown, @Res() response: unknown): Promise<void> {
      const userId = await this.route.resolveUserId(request);
      let answer: RouteResponse;
      try {
        answer = await this.client.handleClientTokenRequest(userId);
      } catch (error) {
        answer = errorResponse(error, this.logger || undefined);
      }
      sendRouteResponse(this.adapterHost, response, answer);
    }
  }

  return BasiqClientTokenController;
}
