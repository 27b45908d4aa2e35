import { DEMO_PAGE_CSP, demoPageHtml } from '@basiq-token/example-shared';
import { consentBaseUrl } from '../lib/demo.js';

export const dynamic = 'force-dynamic';

// The same browser demo as the other examples, served as a string: a Next page would add inline
// scripts that the page's strict Content-Security-Policy refuses.
export function GET(): Response {
  return new Response(demoPageHtml(consentBaseUrl()), {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': DEMO_PAGE_CSP,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
