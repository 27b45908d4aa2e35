import { BasiqError, errorResponse } from '@basiq-token/core';
import { routeBodyText } from '@basiq-token/core/adapter';
import type { ClientTokenBodyForm, Logger as CoreLogger, RouteResponse } from '@basiq-token/core';
import { Catch, Inject, Optional } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BASIQ_LOGGER } from './tokens.js';

/**
 * Answers a Basiq error thrown by a route handler the way the client-token route does: the status
 * core chooses (429 with `Retry-After`, 502/503/504 for Basiq failures, …) and a JSON
 * `{error:{code,message}}` body without secrets. Applied to the client-token route; register it for
 * the whole app with `{ provide: APP_FILTER, useClass: BasiqExceptionFilter }` (in a module that
 * imports `BasiqModule`) or `app.useGlobalFilters(new BasiqExceptionFilter(app.get(HttpAdapterHost)))`.
 */
@Catch(BasiqError)
export class BasiqExceptionFilter implements ExceptionFilter<BasiqError> {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(BASIQ_LOGGER) private readonly logger?: CoreLogger | false,
  ) {}

  /** Answers `error` with core's status and JSON on HTTP; lets it go on elsewhere. */
  catch(error: BasiqError, host: ArgumentsHost): void {
    // Only HTTP has a status to map to; elsewhere (RPC, WebSockets) the error keeps its course.
    if (host.getType() !== 'http') throw error;
    sendRouteResponse(
      this.adapterHost,
      host.switchToHttp().getResponse(),
      errorResponse(error, this.logger || undefined),
    );
  }
}

/**
 * Writes core's answer through Nest's HTTP adapter, so the same code serves Express and Fastify;
 * the body as core's JSON text, in the route's body form.
 */
export function sendRouteResponse(
  adapterHost: HttpAdapterHost,
  response: unknown,
  answer: RouteResponse,
  form: ClientTokenBodyForm = 'object',
): void {
  const adapter = adapterHost.httpAdapter;
  for (const [name, value] of Object.entries(answer.headers)) adapter.setHeader(response, name, value);
  const text = routeBodyText(answer, form);
  if (adapter.getType() === 'express') {
    // Not reply(): on Express it goes through res.send, which adds an ETag, and so a 304 for an
    // answer that must never be cached. Fastify adds none, and its reply keeps its hooks.
    adapter.status(response, answer.status);
    adapter.end(response, text);
    return;
  }
  adapter.reply(response, text, answer.status);
}
