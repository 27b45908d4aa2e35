import { probeRouteHandler } from '@basiq-token/next';
import { demoClient } from '../../lib/demo.js';

export const dynamic = 'force-dynamic';

/** Liveness: always 200, with the client's health (no /token call). */
export const { GET } = probeRouteHandler('liveness', demoClient);
