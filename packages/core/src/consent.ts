import { isLoopbackHost } from './loopback.js';
import type { ClientToken } from './types.js';

/**
 * The Consent UI's actions; none at all means "create a consent". The browser package and the
 * emulator keep their own copies (neither depends on core); test/basiq-constants.test.ts checks
 * that all three agree.
 */
export const CONSENT_ACTIONS = ['connect', 'manage', 'extend', 'update', 'reauthorise'] as const;

/** Options of {@link buildConsentUrl}. */
export interface ConsentUrlOptions {
  /** What the user comes to do; omit it to create a consent. */
  action?: (typeof CONSENT_ACTIONS)[number];
  /** Your own value, handed back on the redirect (e.g. a CSRF nonce or where to return). */
  state?: string;
  /** Open the Consent UI at this institution. */
  institutionId?: string;
  /** The connection to update or reauthorise. */
  connectionId?: string;
  /**
   * Default `https://consent.basiq.io`; the emulator serves its stand-in at `${emulator.url}/consent`.
   * Must be https, except on loopback hosts: the URL carries the client token.
   */
  consentBaseUrl?: string;
}

const DEFAULT_CONSENT_BASE_URL = 'https://consent.basiq.io';

/**
 * The Basiq Consent UI URL for a CLIENT_ACCESS token:
 * `https://consent.basiq.io/home?token=…&action=…[&state=…][&institutionId=…][&connectionId=…]`,
 * every value URL-encoded. Throws a `TypeError` for an unknown action or a missing token.
 * Only ever give it a client token: the URL ends up in a browser.
 */
export function buildConsentUrl(token: string | ClientToken, opts: ConsentUrlOptions = {}): string {
  const accessToken = typeof token === 'string' ? token : token?.accessToken;
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
    throw new TypeError('buildConsentUrl: a CLIENT_ACCESS token (string or ClientToken) is required');
  }
  const { action } = opts;
  if (action !== undefined && !(CONSENT_ACTIONS as readonly string[]).includes(action)) {
    throw new TypeError(
      `buildConsentUrl: unknown action ${JSON.stringify(String(action)).slice(0, 40)}; expected one of ${CONSENT_ACTIONS.join(', ')} (or none to create a consent)`,
    );
  }
  const home = homeUrl(opts.consentBaseUrl ?? DEFAULT_CONSENT_BASE_URL);

  const params: [string, string | undefined][] = [
    ['token', accessToken],
    ['action', action],
    ['state', optionalString('state', opts.state)],
    ['institutionId', optionalString('institutionId', opts.institutionId)],
    ['connectionId', optionalString('connectionId', opts.connectionId)],
  ];
  // encodeURIComponent rather than URLSearchParams: a space is %20, not the form-style '+'.
  const query = params
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
  return `${home}?${query}`;
}

function homeUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TypeError('buildConsentUrl: consentBaseUrl must be an absolute http(s) URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new TypeError('buildConsentUrl: consentBaseUrl must be an http(s) URL without query or fragment');
  }
  // The URL carries the client token: plain http would hand it to the network, except on loopback
  // (the emulator's stand-in page).
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TypeError('buildConsentUrl: consentBaseUrl must be https (plain http only for loopback hosts)');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/home`;
}

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`buildConsentUrl: ${name} must be a string`);
  return value;
}
