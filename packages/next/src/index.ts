export { getBasiqClient, closeBasiqClients } from './client-cache.js';
export type { NextClientSource } from './client-cache.js';
export type { NextClientSelection } from './client-selection.js';
export { clientTokenRouteHandlers } from './app-router.js';
export type {
  NextClientTokenRouteHandlers,
  NextClientTokenRouteOptions,
  NextRouteHandler,
} from './app-router.js';
export { pagesClientTokenRoute } from './pages-router.js';
export type { PagesApiRoute, PagesClientTokenRouteOptions } from './pages-router.js';
export { withBasiqErrors, withBasiqApiErrors } from './errors.js';
export type { BasiqErrorsOptions } from './errors.js';
export { probeRouteHandler } from './probe.js';
export type { NextProbeRouteHandlers } from './probe.js';
