import { Inject } from '@nestjs/common';
import { BasiqService } from './basiq.service.js';
import { getBasiqClientToken } from './tokens.js';

/**
 * The injection token of a registration's {@link BasiqService}: the class itself for the default
 * registration (so `@Inject(BasiqService)` keeps working), `BasiqService("<name>")` for
 * `BasiqModule.forRoot({ name })`. For `app.get(getBasiqToken('sandbox'))` and custom providers'
 * `inject` lists; in constructors, {@link InjectBasiq} says the same.
 */
export function getBasiqToken(name?: string): string | typeof BasiqService {
  return name === undefined ? BasiqService : `BasiqService("${name}")`;
}

/**
 * Injects the {@link BasiqService} of the registration called `name`
 * (`BasiqModule.forRoot({ name, … })`), or of the default registration without one. An unknown
 * name fails the app's bootstrap with Nest's missing-dependency error naming `BasiqService("<name>")`.
 *
 * @example
 * ```ts
 * constructor(
 *   @InjectBasiq() private readonly production: BasiqService,
 *   @InjectBasiq('sandbox') private readonly sandbox: BasiqService,
 * ) {}
 * ```
 */
export function InjectBasiq(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getBasiqToken(name));
}

/**
 * Injects the core `BasiqClient` of the registration called `name` (the default registration's
 * without one, the same as `@Inject(BASIQ_CLIENT)`), for what {@link BasiqService} leaves to the
 * client: events (`on`), `errorResponse`, `handleClientTokenRequest`, `attach`, …
 */
export function InjectBasiqClient(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getBasiqClientToken(name));
}
