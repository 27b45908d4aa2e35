import { demoClient } from '../../lib/demo.js';
import { json } from '../../lib/relay.js';

export const dynamic = 'force-dynamic';

/** 200 once a server token is held (or can be had now), 503 with the reason's code while none can. */
export async function GET(): Promise<Response> {
  const client = demoClient();
  try {
    await client.getServerToken();
    return json(200, { status: 'ready' }, { 'Cache-Control': 'no-store' });
  } catch (error) {
    const route = client.errorResponse(error);
    return json(503, { status: 'unavailable', ...route.body }, { 'Cache-Control': 'no-store' });
  }
}
