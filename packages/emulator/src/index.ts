/**
 * @basiq-token/emulator: a local HTTP server that behaves like Basiq's `/token`, `/users`, accounts,
 * transactions, jobs, consents, institutions and Consent UI, for development and tests. See README.md.
 */
export { startEmulator } from './emulator.js';
export type { AddApiKeyOptions, ApiKeyInfo } from './api-keys.js';
export { generateApiKey, DEFAULT_TOKEN_LIFETIME_SEC, SUPPORTED_BASIQ_VERSIONS } from './handlers/token.js';
export { validateFault } from './faults.js';
export { CONTROL_PREFIX } from './control.js';
export { DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW_MS } from './rate-window.js';
export { MAX_BODY_BYTES } from './http.js';
export { SEED_USER_ID } from './users.js';
export {
  SEED_ACCOUNT_IDS,
  SEED_CONNECTION_ID,
  SEED_CONSENT_ID,
  SEED_INSTITUTION_ID,
  SEED_INSTITUTION_IDS,
  SEED_JOB_ID,
  SEED_TRANSACTION_COUNT,
} from './seed.js';
export { MAX_TRANSACTIONS_PAGE } from './handlers/transactions.js';
export { CONSENT_ACTIONS } from './consent.js';
export type {
  BasiqEmulator,
  CreateUserFields,
  EmulatorCounters,
  EmulatorOptions,
  Fault,
  RevocationKind,
} from './types.js';
