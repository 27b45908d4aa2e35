import { answerProbe } from '@basiq-token/example-shared';
import { demoClient } from '../../lib/demo.js';

export const dynamic = 'force-dynamic';

/** Liveness: always 200, with the client's health (no /token call). */
export async function GET(): Promise<Response> {
  const answer = await answerProbe(demoClient(), 'liveness');
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
}
