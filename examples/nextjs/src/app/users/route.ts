import { apiAnswer } from '@basiq-token/example-shared';
import type { NewBasiqUser } from '@basiq-token/example-shared';
import { jsonBody, relay } from '../../lib/relay.js';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  const read = await jsonBody(request);
  if ('refused' in read) return read.refused;
  return relay((client) => apiAnswer(client.api.POST('/users', { body: (read.body ?? {}) as NewBasiqUser })));
}
