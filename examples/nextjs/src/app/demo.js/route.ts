import { DEMO_SCRIPT_HEADERS, DEMO_SCRIPT } from '@basiq-token/example-shared';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return new Response(DEMO_SCRIPT, { headers: DEMO_SCRIPT_HEADERS });
}
