import { apiAnswer } from '@basiq-token/example-shared';
import { relay } from '../../../../lib/relay.js';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  return relay((client) =>
    apiAnswer(client.api.GET('/users/{userId}/accounts', { params: { path: { userId } } })),
  );
}
