/**
 * `@basiq-token/browser`: the front end's side of Basiq. A CLIENT_ACCESS token from the app's
 * own route when the user starts (kept in memory only), the Consent UI URL with a `state` it
 * checks on the way back, the redirect's job ids, and the job status. No dependencies; no Node.
 *
 * @packageDocumentation
 */
export { createBasiqBrowser } from './browser.js';
export type { BasiqBrowser, HandleRedirectOptions } from './browser.js';
export { CONSENT_ACTIONS } from './consent.js';
export type { ConsentAction, ConsentOptions, ConsentRedirect } from './consent.js';
export { jobOutcome } from './jobs.js';
export type { BasiqJob, BasiqJobStep, JobOutcome, WaitForJobOptions } from './jobs.js';
export type {
  BasiqBrowserOptions,
  FetchFunction,
  FetchInit,
  FetchResponse,
  HeadersOption,
  StateStorage,
} from './options.js';
export {
  BasiqBrowserError,
  BasiqConfigError,
  ClientTokenError,
  ConsentRedirectError,
  JobStatusError,
  JobTimeoutError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
} from './errors.js';
