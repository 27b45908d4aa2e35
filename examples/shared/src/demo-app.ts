import { buildConsentUrl } from '@basiq-token/core';
import type { BasiqClient, Logger } from '@basiq-token/core';
import { BASIQ_BROWSER_SCRIPT_PATH, basiqBrowserScript } from './browser-bundle.js';
import { DEMO_SCRIPT, demoPageCsp, demoPageHtml } from './demo-page.js';

/** What a demo app serving the browser demo is made of (the Express, Hono and Fastify examples). */
export interface DemoAppOptions {
  /** The Basiq client the app uses (the caller creates and closes it). */
  client: BasiqClient;
  /** Where failures are logged (default `console`). */
  logger?: Logger;
  /**
   * The Consent UI's base URL the demo page links to (default `https://consent.basiq.io`; the
   * emulator's stand-in is at `${emulator.url}/consent`). Checked at once.
   */
  consentBaseUrl?: string;
}

/** One fixed answer of the browser demo: its path, headers (`Content-Type` included) and body. */
export interface DemoAsset {
  path: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

/** The headers of the demo's scripts (its own and `@basiq-token/browser`). */
export const DEMO_SCRIPT_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/javascript; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
};

/** The demo page's headers: its Content-Security-Policy (see `demoPageCsp`), no referrer, no sniffing. */
export function demoPageHeaders(basiqBaseUrl?: string): Readonly<Record<string, string>> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': demoPageCsp(basiqBaseUrl),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  };
}

/**
 * The browser demo's same-origin answers, for an app to serve each with `GET`: the page (also
 * where the Consent UI sends the user back), its script and `@basiq-token/browser`. The Consent
 * UI's base goes through core's own check (absolute http(s), no query), so a typo fails at start-up.
 */
export function demoAssets(
  basiqBaseUrl: string,
  consentBaseUrl = 'https://consent.basiq.io',
): readonly DemoAsset[] {
  buildConsentUrl('start-up-check', { consentBaseUrl });
  return [
    { path: '/', headers: demoPageHeaders(basiqBaseUrl), body: demoPageHtml(consentBaseUrl, basiqBaseUrl) },
    { path: '/demo.js', headers: DEMO_SCRIPT_HEADERS, body: DEMO_SCRIPT },
    { path: BASIQ_BROWSER_SCRIPT_PATH, headers: DEMO_SCRIPT_HEADERS, body: basiqBrowserScript() },
  ];
}

/** The liveness probe's path: always 200 while the process answers. */
export const LIVENESS_PATH = '/healthz';
/** The readiness probe's path: 200 once a server token is held, 503 while none can be had. */
export const READINESS_PATH = '/readyz';

/** The probes' paths with the kind of probe each answers (core's `probeResponse`, through each adapter's helper). */
export const PROBES = [
  [LIVENESS_PATH, 'liveness'],
  [READINESS_PATH, 'readiness'],
] as const;
