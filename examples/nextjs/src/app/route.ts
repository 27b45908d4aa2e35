import { demoPageHeaders, demoPageHtml } from '@basiq-token/example-shared';
import { consentBaseUrl, demoClient } from '../lib/demo.js';

export const dynamic = 'force-dynamic';

// The same browser demo as the other examples (also where the Consent UI sends the user back),
// served as a string: a Next page would add inline scripts that the page's strict
// Content-Security-Policy refuses.
export function GET(): Response {
  const basiqBaseUrl = basiqApiUrl();
  return new Response(demoPageHtml(consentBaseUrl(), basiqBaseUrl), {
    headers: demoPageHeaders(basiqBaseUrl),
  });
}

// Basiq's API, for the page's job status; without a client (misconfigured) the page still loads.
function basiqApiUrl(): string | undefined {
  try {
    return demoClient().baseUrl;
  } catch {
    return undefined;
  }
}
