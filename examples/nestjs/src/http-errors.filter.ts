import { Catch, HttpException, Inject } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Nest's own HTTP errors in the demo's JSON shape, `{error:{code,message}}`, as the other demos
 * answer them: an unknown route (404) and a request body that is not JSON (400, from Nest's body
 * parser; no route of this app throws a 400 of its own).
 */
@Catch(HttpException)
export class HttpErrorsFilter implements ExceptionFilter<HttpException> {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: HttpException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<{ method: string; url: string }>();
    const status = error.getStatus();
    const body =
      status === 404
        ? { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` }
        : status === 400
          ? { code: 'invalid_body', message: 'The request body must be JSON.' }
          : { code: 'http_error', message: error.message };
    this.adapterHost.httpAdapter.reply(http.getResponse(), { error: body }, status);
  }
}
