// `@basiq-token/core/adapter`: what framework adapters are built from, apart from what
// applications use (the root entry). Runtime-neutral like the root: no `node:` module, no axios.
export { useClient, isBasiqClient } from './client-or-options.js';
export type { UsedClient } from './client-or-options.js';
export { isBasiqClientRegistry } from './client-registry.js';
export { isClientSelection, useClientSelector } from './client-selector.js';
export type {
  BasiqClientSelection,
  ClientSelector,
  ClientSelectorSettings,
  PickedClient,
} from './client-selector.js';
export { isLoopbackHost } from './loopback.js';
export { parseBasiqErrorBody } from './errors.js';
export { createBasiqFetch, readBasiqApiError } from './http/fetch.js';
export { isBasiqOrigin } from './http/origin.js';
export type { HttpOptions } from './http/http-options.js';
export type { TelemetryHooks, TokenCallInfo, ReplayInfo, UpstreamAnswer } from './telemetry.js';
export { clientTokenRoute, routeBodyText } from './route.js';
export { validateClientTokenRouteOptions } from './route-options.js';
export type { ResolvedClientTokenRoute, ValidateRouteOptionsSettings } from './route-options.js';
export type { ServerTokenSource } from './types.js';
