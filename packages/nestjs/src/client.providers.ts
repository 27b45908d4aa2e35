import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions, Logger as CoreLogger } from '@basiq-token/core';
import { Logger } from '@nestjs/common';
import type { Provider } from '@nestjs/common';
import type { BasiqModuleOptions } from './options.js';
import { BASIQ_CLIENT, BASIQ_LOGGER, BASIQ_MODULE_OPTIONS } from './tokens.js';

/** Nest's logger unless the app chose one, so the library's warnings look like the rest of the app's logs. */
export const loggerProvider: Provider = {
  provide: BASIQ_LOGGER,
  useFactory: (options: BasiqModuleOptions): CoreLogger | false =>
    options.logger === undefined ? new Logger('Basiq') : options.logger,
  inject: [BASIQ_MODULE_OPTIONS],
};

export const clientProvider: Provider = {
  provide: BASIQ_CLIENT,
  useFactory: (options: BasiqModuleOptions, logger: CoreLogger | false): BasiqClient => {
    if (options.client !== undefined) return options.client;
    return createBasiqClient({ ...coreOptions(options), logger });
  },
  inject: [BASIQ_MODULE_OPTIONS, BASIQ_LOGGER],
};

/** Core validates its options strictly; the module's own keys are not core's business. */
function coreOptions(options: BasiqModuleOptions): BasiqOptions {
  const {
    clientTokenRoute: _route,
    client: _client,
    ...rest
  } = options as BasiqOptions & {
    clientTokenRoute?: unknown;
    client?: unknown;
    isGlobal?: unknown;
  };
  delete (rest as { isGlobal?: unknown }).isGlobal;
  return rest;
}
