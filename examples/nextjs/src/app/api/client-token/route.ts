import { clientTokenRouteHandlers } from '@basiq-token/next';
import { demoClient, demoUser } from '../../../lib/demo.js';

export const dynamic = 'force-dynamic';

// Basiq's starter kit's route, answered safely: its browser code GETs /api/client-token and uses
// the body as the token string. The user is the signed-in one (here the demo header), never the
// kit's `?userId=` query parameter, which let anyone mint a token for any user.
export const { GET, POST } = clientTokenRouteHandlers({
  client: demoClient,
  resolveUserId: demoUser,
  method: 'GET',
  body: 'token',
});
