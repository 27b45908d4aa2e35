import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { BasiqExceptionFilter, BasiqModule } from '@basiq-token/nestjs';
import type { BasiqModuleOptions } from '@basiq-token/nestjs';
import { DemoSignInGuard, signedInUser } from './demo-sign-in.guard.js';
import { HealthController } from './health.controller.js';
import { HttpErrorsFilter } from './http-errors.filter.js';
import { UsersController } from './users.controller.js';

/** The `basiq` configuration namespace: what `ConfigService.get('basiq')` returns. */
export const basiqConfig = (options: BasiqModuleOptions) => registerAs('basiq', () => options);

/** The demo app: the examples' HTTP contract (ARCHITECTURE.md, "The examples") on NestJS. */
@Module({})
export class AppModule {
  /**
   * `basiq` is what the environment resolved to (see `loadDemoEnv`): the API key and base URL,
   * or the emulator's, or an existing client in tests. It reaches BasiqModule through
   * `ConfigService`, as an app's settings would.
   */
  static forRoot(basiq: BasiqModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [basiqConfig(basiq)] }),
        BasiqModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => config.getOrThrow<BasiqModuleOptions>('basiq'),
          // POST /basiq/client-token, behind the demo's sign-in.
          clientTokenRoute: { guards: [DemoSignInGuard], resolveUserId: signedInUser },
        }),
      ],
      controllers: [HealthController, UsersController],
      providers: [
        // Basiq errors (no token to be had: 503, 504, …) answered as core answers them.
        { provide: APP_FILTER, useClass: HttpErrorsFilter },
        { provide: APP_FILTER, useClass: BasiqExceptionFilter },
      ],
    };
  }
}
