import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type * as NestCommon from '@nestjs/common';
import type * as NestCore from '@nestjs/core';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type * as BasiqNest from '@basiq-token/nestjs';
import { BasiqError } from '@basiq-token/core';
import type { AdapterDriver, DriverStartOptions } from './suite.js';

/**
 * One NestJS installation: its packages, the platform to run on, and our adapter as loaded
 * against it. Nest 12 comes from the root; Nest 11 from test/fixtures/nest11 (see nest-11.ts).
 */
export interface NestKit {
  common: typeof NestCommon;
  core: typeof NestCore;
  basiq: typeof BasiqNest;
  createHttpAdapter(): AbstractHttpAdapter;
  /** How the app configures BasiqModule: both paths must behave the same. */
  configure: 'forRoot' | 'forRootAsync';
}

/**
 * A conformance driver for one NestJS major and platform. The app is written with the kit's own
 * decorators, so a Nest 11 app is a Nest 11 app through and through. They are applied as plain
 * calls (see `decorate`): test/ has no tsconfig asking vitest for legacy decorators, and it proves
 * nothing here depends on decorator metadata; every injection names its token.
 */
export function nestDriver(loadKit: () => Promise<NestKit>): AdapterDriver {
  return {
    async start(options) {
      const kit = await loadKit();
      const app = await kit.core.NestFactory.create(appModule(kit, options), kit.createHttpAdapter(), {
        logger: false,
      });
      app.useGlobalFilters(recordingFilter(kit, app.get(kit.core.HttpAdapterHost), options.onError));
      await app.listen(0, '127.0.0.1');
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    },
  };
}

function appModule(kit: NestKit, { client, resolveUserId, prefix }: DriverStartOptions): NestCommon.Type {
  const { Controller, Get, Inject, Module, Param, Res } = kit.common;
  const { BasiqModule, BasiqService } = kit.basiq;
  const { HttpAdapterHost } = kit.core;
  // A prefix is a controller path in Nest: the route's path and the app controller's both carry it.
  const base = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  const path = [base, 'client-token'].filter(Boolean).join('/');

  class UsersController {
    constructor(
      private readonly basiq: BasiqNest.BasiqService,
      private readonly adapterHost: NestCore.HttpAdapterHost,
    ) {}

    async viaHttp(userId: string): Promise<unknown> {
      const answer = await this.basiq.http.get(`/users/${encodeURIComponent(userId)}`);
      return answer.data;
    }

    async viaFetch(userId: string, response: unknown): Promise<void> {
      const answer = await this.basiq.fetch(`/users/${encodeURIComponent(userId)}`);
      this.adapterHost.httpAdapter.reply(response, await answer.json(), answer.status);
    }
  }
  decorate(UsersController, [Controller(base)], [Inject(BasiqService), Inject(HttpAdapterHost)]);
  decorate(UsersController, 'viaHttp', [Get('users/:userId')], [Param('userId')]);
  decorate(UsersController, 'viaFetch', [Get('fetch/users/:userId')], [Param('userId'), Res()]);

  const clientTokenRoute = { path, resolveUserId };
  const basiqModule =
    kit.configure === 'forRoot'
      ? BasiqModule.forRoot({ client, clientTokenRoute })
      : BasiqModule.forRootAsync({ clientTokenRoute, useFactory: async () => ({ client }) });

  class AppModule {}
  decorate(AppModule, [Module({ imports: [basiqModule], controllers: [UsersController] })]);
  return AppModule;
}

/**
 * The app's own error handling: records every error exactly as thrown, then answers as an app
 * would: Basiq errors through the adapter's BasiqExceptionFilter, others through Nest's default.
 */
function recordingFilter(
  kit: NestKit,
  adapterHost: NestCore.HttpAdapterHost,
  onError: (error: unknown) => void,
): NestCommon.ExceptionFilter {
  const basiqFilter = new kit.basiq.BasiqExceptionFilter(adapterHost, false);
  const fallback = new kit.core.BaseExceptionFilter(adapterHost.httpAdapter);

  class RecordingFilter implements NestCommon.ExceptionFilter {
    catch(error: unknown, host: NestCommon.ArgumentsHost): void {
      onError(error);
      if (error instanceof BasiqError) basiqFilter.catch(error, host);
      else fallback.catch(error, host);
    }
  }
  decorate(RecordingFilter, [kit.common.Catch()]);
  return new RecordingFilter();
}

export type Decorator = (target: any, key?: any, descriptorOrIndex?: any) => any;

/**
 * Applies decorators as TypeScript's legacy decorators would: `decorate(Class, classDecorators,
 * constructorParamDecorators)` or `decorate(Class, method, methodDecorators, paramDecorators)`.
 */
export function decorate(
  target: NestCommon.Type,
  ...args: [Decorator[], Decorator[]?] | [string, Decorator[], Decorator[]?]
): void {
  if (typeof args[0] === 'string') {
    const [method, decorators, params = []] = args as [string, Decorator[], Decorator[]?];
    const proto = target.prototype as object;
    params.forEach((param, index) => param(proto, method, index));
    const descriptor = Object.getOwnPropertyDescriptor(proto, method);
    for (const decorator of [...decorators].reverse()) decorator(proto, method, descriptor);
    return;
  }
  const [decorators, params = []] = args as [Decorator[], Decorator[]?];
  params.forEach((param, index) => param(target, undefined, index));
  for (const decorator of [...decorators].reverse()) decorator(target);
}
