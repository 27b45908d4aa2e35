import { basiqAxios } from '@basiq-token/core/axios';
import { relay } from '../../../../lib/relay.js';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  return relay((client) => basiqAxios(client).get(`/users/${encodeURIComponent(userId)}/accounts`));
}
