import { basiqAxios } from '@basiq-token/core/axios';
import { jsonBody, relay } from '../../lib/relay.js';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  const read = await jsonBody(request);
  if ('refused' in read) return read.refused;
  return relay((client) => basiqAxios(client).post('/users', read.body ?? {}));
}
