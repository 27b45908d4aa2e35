// The fault matrix (test/faults) through the Hono adapter: every row's exact answers, upstream
// calls and settle bounds, as for Express, Koa and Nest.
import { runFaultMatrix } from '../faults/run-matrix.js';
import { appHandlerAnswer } from '../faults/targets.js';
import { honoServer } from '../support/servers/hono.js';

runFaultMatrix({ name: 'hono', driver: honoServer({ mount: 'route' }), appAnswer: appHandlerAnswer });
