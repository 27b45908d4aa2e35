import type { BasiqClient } from '@basiq-token/core';
import { getBasiqClient } from '@basiq-token/next';
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';

/**
 * What the launcher (start.mjs) hands the app: the client it created from the demo environment
 * (emulator or BASIQ_API_KEY, Redis store), which it also closes on shutdown, and the Consent
 * UI base. Under a plain `next start` there is none, and the client comes from the environment.
 */
interface Handoff {
  client?: BasiqClient;
  consentBaseUrl?: string;
}

const HANDOFF = Symbol.for('basiq-token.example-nextjs');

function handoff(): Handoff {
  return (globalThis as { [HANDOFF]?: Handoff })[HANDOFF] ?? {};
}

/** The app's Basiq client: the launcher's, else one per process from BASIQ_API_KEY/BASIQ_API_URL. */
export function demoClient(): BasiqClient {
  return getBasiqClient(handoff().client);
}

/** Where the demo page's Consent UI link points. */
export function consentBaseUrl(): string {
  return handoff().consentBaseUrl ?? 'https://consent.basiq.io';
}

/** The demo's stand-in for a session: the `x-demo-user` header (real apps read their session). */
export function demoUser(request: Request): string | undefined {
  return demoUserId(request.headers.get(DEMO_USER_HEADER) ?? undefined);
}
