export { basiqFastify, basiqFastify as default } from './plugin.js';
export type { BasiqPluginOptions, BasiqPluginExtras, BasiqPluginSelection } from './plugin.js';
export type { ClientTokenRouteOptions } from './client-token-route.js';
export { basiqErrorHandler } from './error-handler.js';
export type { BasiqErrorHandlerOptions, FastifyErrorHandler } from './error-handler.js';
export { probeHandler } from './probe.js';
export type { ProbeRouteHandler } from './probe.js';
export type { BasiqClient, BasiqOptions, BasiqClientRegistry, BasiqClientSelection } from '@basiq-token/core';
export type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
