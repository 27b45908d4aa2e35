/**
 * @basiq-token/emulator: a local HTTP server that behaves like Basiq's `/token`, `/users` and Consent UI,
 * for development and tests. See README.md.
 */
export { startEmulator } from './emulator.js';
export { generateApiKey, DEFAULT_TOKEN_LIFETIME_SEC, SUPPORTED_BASIQ_VERSIONS } from './handlers/token.js';
export { validateFault } from './faults.js';
export { CONTROL_PREFIX } from './control.js';
export { DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW_MS } from './rate-window.js';
export { MAX_BODY_BYTES } from './http.js';
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
