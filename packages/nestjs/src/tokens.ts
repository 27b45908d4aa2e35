/**
 * Injection token of the module options: what `BasiqModule.forRoot()` was given, or what the
 * `forRootAsync()` factory returned. A Symbol, so it can never collide with an app's own string token.
 */
export const BASIQ_MODULE_OPTIONS: unique symbol = Symbol('BASIQ_MODULE_OPTIONS');

/**
 * Injection token of the core `BasiqClient` the default registration created (or was handed
 * through `client`); a named registration's is {@link getBasiqClientToken}`(name)`.
 */
export const BASIQ_CLIENT: unique symbol = Symbol('BASIQ_CLIENT');

/**
 * Injection token of the logger the module gives core and {@link BasiqExceptionFilter}: the
 * `logger` option when set (`false` for silence), else Nest's `new Logger('Basiq')`.
 */
export const BASIQ_LOGGER: unique symbol = Symbol('BASIQ_LOGGER');

/**
 * Each registration's `{ name, route }`, kept in its own module, so that a check at bootstrap
 * can see every registration of the app (a duplicate name, two routes on one path). Not exported
 * from the package.
 */
export const BASIQ_REGISTRATION: unique symbol = Symbol('BASIQ_REGISTRATION');

/**
 * The injection token of a registration's core `BasiqClient`: {@link BASIQ_CLIENT} for the
 * default registration, `BasiqClient("<name>")` for `BasiqModule.forRoot({ name })` (a string,
 * so Nest's errors name it). `@InjectBasiqClient(name)` injects it.
 */
export function getBasiqClientToken(name?: string): string | typeof BASIQ_CLIENT {
  return name === undefined ? BASIQ_CLIENT : `BasiqClient("${name}")`;
}
