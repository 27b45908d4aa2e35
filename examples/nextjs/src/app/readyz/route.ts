import { answerProbe } from '@basiq-token/example-shared';
import { demoClient } from '../../lib/demo.js';

export const dynamic = 'force-dynamic';

/** Readiness: 200 once a server token is held, 503 with core's JSON error while none can be had. */
export async function GET(): Promise<Response> {
  const answer = await answerProbe(demoClient(), 'readiness');
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
}
