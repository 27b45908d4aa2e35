import { clientTokenRouteHandlers } from '@basiq-token/next';
import { demoClient, demoUser } from '../../../lib/demo.js';

export const dynamic = 'force-dynamic';

// The ready-made route for the demo user. A real app resolves the user from its session
// (Auth.js's `auth()`, a cookie), never from anything the browser says about itself. GET is
// exported so that it answers the route's own JSON 405 with `Allow: POST`.
export const { GET, POST } = clientTokenRouteHandlers({ client: demoClient, resolveUserId: demoUser });
