import { probeRouteHandler } from '@basiq-token/next';
import { demoClient } from '../../lib/demo.js';

export const dynamic = 'force-dynamic';

/** Readiness: 200 once a server token is held, 503 with core's JSON error while none can be had. */
export const { GET } = probeRouteHandler('readiness', demoClient);
