// The root entry: what applications use. It runs wherever fetch and Web Crypto exist (Node,
// Bun, Deno, Workers, Edge): no `node:` module and no axios here or below. The axios
// integration is `@basiq-token/core/axios`; adapter plumbing is `@basiq-token/core/adapter`.
export {
  BasiqError,
  BasiqConfigError,
  BasiqInputError,
  BasiqRateLimitError,
  BasiqTokenError,
  BasiqApiError,
} from './errors.js';
export type { BasiqErrorCode, BasiqErrorInit, BasiqErrorDetail } from './errors.js';
export * from './store.js';
export type {
  Logger,
  Clock,
  FetchLike,
  RetryOptions,
  RefreshOptions,
  ClientTokenOptions,
  BudgetOptions,
  BasiqOptions,
  ApiKeyProvider,
  KeyRotationReason,
  ClientToken,
  BasiqEvents,
  BasiqRequestContext,
  RouteResponse,
  ClientTokenBody,
  ErrorBody,
  ServerTokenSource,
} from './types.js';

export { BasiqClient, createBasiqClient } from './client.js';
export type { BasiqClientState } from './client.js';
export { BasiqClientRegistry, createBasiqClients } from './client-registry.js';
export type { BasiqClientEntries, BasiqClientsHealth } from './client-registry.js';
export type { BasiqClientSelection } from './client-selector.js';
export type { BasiqHealth } from './health.js';
export type { ServerTokenPhase } from './server-token.js';
export { validateUserId, MAX_USER_ID_LENGTH } from './user-id.js';
export { DEFAULT_BASE_URL, DEFAULT_BASIQ_VERSION } from './options.js';
export { redactCredentials } from './secrets.js';

export { createBasiqApi } from './api/index.js';
export type { BasiqApi, BasiqPaths } from './api/index.js';
export { errorResponse } from './route.js';
export { createClientTokenFetchHandler, routeResponseToFetch } from './fetch-handler.js';
export type { ClientTokenFetchHandler, ClientSource } from './fetch-handler.js';
export { DEFAULT_CLIENT_TOKEN_PATH, DEFAULT_CLIENT_TOKEN_METHOD } from './route-options.js';
export type {
  ClientTokenMethod,
  ClientTokenBodyForm,
  ClientTokenRouteOptions,
  ResolveUserId,
} from './route-options.js';
export { createProbe, createProbeFetchHandler, probeResponse, probeResponseToFetch } from './probe.js';
export type {
  Probe,
  ProbeFetchHandler,
  ProbeHealthBody,
  ProbeKind,
  ProbeOptions,
  ProbeResponse,
  ProbeSource,
  ProbeTarget,
} from './probe.js';
export { buildConsentUrl, CONSENT_ACTIONS } from './consent.js';
export type { ConsentUrlOptions } from './consent.js';
