import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ConfigurableBasiqModule } from './basiq.module-definition.js';
import type { BasiqModuleAsyncOptions, BasiqModuleForRootOptions } from './basiq.module-definition.js';

/**
 * Basiq for NestJS: provides {@link BasiqService} (and the core client under `BASIQ_CLIENT`),
 * closes the client on application shutdown, and optionally mounts the client-token route.
 * Import it once per Basiq application: all but one with a `name`, injected with
 * `@InjectBasiq(name)`; the one without is the default, injected as `BasiqService`.
 *
 * @example
 * ```ts
 * BasiqModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ apiKey: config.getOrThrow('BASIQ_API_KEY') }),
 *   clientTokenRoute: { guards: [AuthGuard], resolveUserId: (req) => req.user?.basiqUserId },
 * })
 * ```
 */
@Module({})
export class BasiqModule extends ConfigurableBasiqModule {
  /** Configures the module with options known up front. */
  static override forRoot(options: BasiqModuleForRootOptions): DynamicModule {
    return super.forRoot(options);
  }

  /**
   * Configures the module from a factory, class or existing provider (e.g. reading `ConfigService`).
   * `isGlobal` and `clientTokenRoute` go here, next to `useFactory`, since they shape the module;
   * the factory returns only the module options (core's options, or an existing `client`).
   */
  static override forRootAsync(options: BasiqModuleAsyncOptions): DynamicModule {
    return super.forRootAsync(options);
  }
}
