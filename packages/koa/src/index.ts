export { basiq } from './middleware.js';
export type { BasiqMiddleware, BasiqClientsMiddleware, BasiqState } from './middleware.js';
export { clientTokenRoute } from './client-token-route.js';
export type { ClientTokenRouteOptions } from './client-token-route.js';
export { toKoaError } from './koa-error.js';
export { probeMiddleware } from './probe.js';
export type { BasiqClient, BasiqOptions, BasiqClientRegistry, BasiqClientSelection } from '@basiq-token/core';
export type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
