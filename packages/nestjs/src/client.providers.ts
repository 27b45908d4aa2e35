import { BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, Logger as CoreLogger } from '@basiq-token/core';
import { Logger } from '@nestjs/common';
import type { InjectionToken, Provider } from '@nestjs/common';
import type { BasiqModuleOptions } from './options.js';
import { REGISTRATION_CHECKED } from './registration.js';
import { BASIQ_LOGGER, BASIQ_MODULE_OPTIONS } from './tokens.js';

/** Nest's logger unless the app chose one, so the library's warnings look like the rest of the app's logs. */
export const loggerProvider: Provider = {
  provide: BASIQ_LOGGER,
  useFactory: (options: BasiqModuleOptions): CoreLogger | false =>
    options.logger === undefined ? new Logger('Basiq') : options.logger,
  inject: [BASIQ_MODULE_OPTIONS],
};

/**
 * The registration's client, under its token (`BASIQ_CLIENT` for the default registration), made
 * once the bootstrap check has passed.
 */
export const clientProvider = (token: InjectionToken): Provider => ({
  provide: token,
  useFactory: (options: BasiqModuleOptions, logger: CoreLogger | false): BasiqClient => {
    if (typeof options === 'object' && options !== null && 'clientTokenRoute' in options) {
      // What an older version took from the factory: say where it goes now.
      throw new BasiqConfigError(
        'clientTokenRoute is not a module option: give it to BasiqModule.forRootAsync() itself, next to useFactory ' +
          '(Nest registers the route before any factory runs)',
        { option: 'clientTokenRoute' },
      );
    }
    if (options.client !== undefined) return options.client;
    // `client: undefined` is the module's own key, never core's.
    const { client: _client, ...core } = options;
    return createBasiqClient({ ...core, logger });
  },
  inject: [BASIQ_MODULE_OPTIONS, BASIQ_LOGGER, REGISTRATION_CHECKED],
});
