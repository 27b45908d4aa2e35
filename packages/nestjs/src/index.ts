export { BasiqModule } from './basiq.module.js';
export type { BasiqModuleAsyncOptions, BasiqModuleForRootOptions } from './basiq.module-definition.js';
export { BasiqService } from './basiq.service.js';
export type { BasiqServiceMembers } from './basiq.service.js';
export { BasiqExceptionFilter } from './basiq-exception.filter.js';
export { getBasiqToken, InjectBasiq, InjectBasiqClient } from './inject.js';
export { BASIQ_CLIENT, BASIQ_LOGGER, BASIQ_MODULE_OPTIONS, getBasiqClientToken } from './tokens.js';
export { DEFAULT_CLIENT_TOKEN_PATH } from '@basiq-token/core';
export type {
  BasiqModuleExtras,
  BasiqModuleOptions,
  ClientTokenRouteOptions,
  ExistingClientOptions,
  ResolveUserId,
} from './options.js';
