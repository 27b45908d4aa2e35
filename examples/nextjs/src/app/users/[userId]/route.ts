import { relay } from '../../../lib/relay.js';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  return relay((client) => client.http.get(`/users/${encodeURIComponent(userId)}`));
}
