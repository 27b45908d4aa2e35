/**
 * @basiq-token/emulator: a local HTTP server that behaves like Basiq's `/token`, `/users` and Consent UI,
 * for development and tests. See README.md.
 */
export {
  startEmulator,
  generateApiKey,
  validateFault,
  CONTROL_PREFIX,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RATE_WINDOW_MS,
  DEFAULT_TOKEN_LIFETIME_SEC,
  MAX_BODY_BYTES,
  SUPPORTED_BASIQ_VERSIONS,
} from './emulator.js';
export { SEED_USER_ID } from './users.js';
export { CONSENT_ACTIONS } from './consent.js';
export type {
  BasiqEmulator,
  CreateUserFields,
  EmulatorCounters,
  EmulatorOptions,
  Fault,
  RevocationKind,
} from './types.js';
