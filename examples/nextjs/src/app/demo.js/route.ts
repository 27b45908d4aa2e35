import { DEMO_SCRIPT } from '@basiq-token/example-shared';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return new Response(DEMO_SCRIPT, {
    headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}
