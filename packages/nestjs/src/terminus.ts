/**
 * `@basiq-token/nestjs/terminus`: a NestJS Terminus health indicator for Basiq. A subpath of its
 * own, so `@nestjs/terminus` (an optional peer) is loaded only by apps that import it.
 *
 * @packageDocumentation
 */
import { BasiqConfigError } from '@basiq-token/core';
import type { BasiqClient, BasiqHealth } from '@basiq-token/core';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { getBasiqClientToken } from './tokens.js';

/** Which registration {@link BasiqHealthIndicator.isHealthy} reports on. */
export interface BasiqHealthCheckOptions {
  /** The `name` the registration was given (`BasiqModule.forRoot({ name })`); absent: the default one. */
  name?: string;
}

/**
 * A Terminus health indicator: `up` while a Basiq registration holds a valid server token, `down`
 * otherwise, each with core's `client.health()` (the token's phase and time left, the last
 * failure's code, the back-off window, the store, the budget: no key, no token, no user id).
 * It reads that state from memory, so a probe never calls Basiq's `/token`; warm the client up
 * at start (`BasiqService.warmUp()`) so that readiness turns `up` before the first request.
 * Works with `@nestjs/terminus` 11 (NestJS 11) and 12 (NestJS 11 and 12).
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [TerminusModule, BasiqModule.forRoot({ apiKey })],
 *   controllers: [HealthController],
 *   providers: [BasiqHealthIndicator],
 * })
 * class AppModule {}
 *
 * @Controller('readyz')
 * class HealthController {
 *   constructor(
 *     @Inject(HealthCheckService) private readonly health: HealthCheckService,
 *     @Inject(BasiqHealthIndicator) private readonly basiq: BasiqHealthIndicator,
 *   ) {}
 *
 *   @Get()
 *   @HealthCheck()
 *   check() {
 *     return this.health.check([() => this.basiq.isHealthy('basiq')]);
 *   }
 * }
 * ```
 */
@Injectable()
export class BasiqHealthIndicator {
  readonly #clients = new Map<string | undefined, BasiqClient>();

  constructor(
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
  ) {}

  /**
   * The registration's health under `key` (default `basiq`): `up` when `client.health().ready`,
   * `down` otherwise (Terminus then answers 503), with the health as the result's details.
   */
  async isHealthy<const Key extends string = 'basiq'>(
    key: Key = 'basiq' as Key,
    options: BasiqHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const health = this.#client(options.name).health();
    const session = this.indicators.check(key);
    // A copy as a plain record: Terminus takes additional data as one.
    const details = { ...health } as BasiqHealth & Record<string, unknown>;
    return health.ready ? session.up(details) : session.down(details);
  }

  #client(name: string | undefined): BasiqClient {
    let client = this.#clients.get(name);
    if (client === undefined) {
      try {
        // Not strict: the registration may live in any module of the app, imported there or not.
        client = this.modules.get<BasiqClient>(getBasiqClientToken(name), { strict: false });
      } catch {
        throw new BasiqConfigError(
          name === undefined
            ? 'BasiqHealthIndicator found no default BasiqModule registration in this app'
            : `BasiqHealthIndicator found no BasiqModule registration named "${name}" in this app`,
          { option: 'name' },
        );
      }
      this.#clients.set(name, client);
    }
    return client;
  }
}
