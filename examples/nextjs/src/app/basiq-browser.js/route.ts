import { DEMO_SCRIPT_HEADERS, basiqBrowserScript } from '@basiq-token/example-shared';

export const dynamic = 'force-dynamic';

// @basiq-token/browser's ESM file, which the demo page's script imports.
export function GET(): Response {
  return new Response(basiqBrowserScript(), { headers: DEMO_SCRIPT_HEADERS });
}
