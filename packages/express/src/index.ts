export { basiq } from './middleware.js';
export type { BasiqMiddleware, BasiqClientsMiddleware } from './middleware.js';
export { clientTokenRoute } from './client-token-route.js';
export type { ClientTokenRouteOptions } from './client-token-route.js';
export { basiqErrorHandler } from './error-handler.js';
export type { BasiqErrorHandlerOptions } from './error-handler.js';
export { probeHandler } from './probe.js';
export type { BasiqClient, BasiqOptions, BasiqClientRegistry, BasiqClientSelection } from '@basiq-token/core';
export type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
