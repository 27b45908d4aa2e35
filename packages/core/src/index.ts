export * from './errors.js';
export * from './store.js';
export type * from './types.js';

export { BasiqClient, createBasiqClient } from './client.js';
export type { BasiqClientState } from './client.js';
export { useClient, isBasiqClient } from './client-or-options.js';
export type { ServerTokenPhase } from './server-token.js';
export { validateUserId, MAX_USER_ID_LENGTH } from './user-id.js';
export { DEFAULT_BASE_URL, DEFAULT_BASIQ_VERSION, isLoopbackHost } from './options.js';
export { redactCredentials } from './secrets.js';

export {
  createBasiqAxios,
  attachToAxios,
  createBasiqFetch,
  isBasiqOrigin,
  readBasiqApiError,
  toBasiqApiError,
} from './http/index.js';
export type { HttpOptions } from './http/index.js';
export { createBasiqApi } from './api/index.js';
export type { BasiqApi, BasiqPaths } from './api/index.js';
export { clientTokenRoute, errorResponse, routeBodyText } from './route.js';
export { createClientTokenFetchHandler, routeResponseToFetch } from './fetch-handler.js';
export type { ClientTokenFetchHandler, ClientSource } from './fetch-handler.js';
export {
  DEFAULT_CLIENT_TOKEN_PATH,
  DEFAULT_CLIENT_TOKEN_METHOD,
  validateClientTokenRouteOptions,
} from './route-options.js';
export type {
  ClientTokenMethod,
  ClientTokenBodyForm,
  ClientTokenRouteOptions,
  ResolveUserId,
  ResolvedClientTokenRoute,
  ValidateRouteOptionsSettings,
} from './route-options.js';
export { buildConsentUrl, CONSENT_ACTIONS } from './consent.js';
export type { ConsentUrlOptions } from './consent.js';
