/**
 * Injection token of the module options: what `BasiqModule.forRoot()` was given, or what the
 * `forRootAsync()` factory returned. A Symbol, so it can never collide with an app's own string token.
 */
export const BASIQ_MODULE_OPTIONS: unique symbol = Symbol('BASIQ_MODULE_OPTIONS');

/** Injection token of the core `BasiqClient` the module created (or was handed through `client`). */
export const BASIQ_CLIENT: unique symbol = Symbol('BASIQ_CLIENT');

/**
 * Injection token of the logger the module gives core and {@link BasiqExceptionFilter}: the
 * `logger` option when set (`false` for silence), else Nest's `new Logger('Basiq')`.
 */
export const BASIQ_LOGGER: unique symbol = Symbol('BASIQ_LOGGER');
