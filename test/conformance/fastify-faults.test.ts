// The fault matrix (test/faults) through the Fastify plugin: every row's exact answers, upstream
// calls and settle bounds, as for Express, Koa and Nest. The plugin is in a scope of its own, so
// what its error handler passes on reaches the app's handler at the root.
import { runFaultMatrix } from '../faults/run-matrix.js';
import { appHandlerAnswer } from '../faults/targets.js';
import { fastifyServer } from '../support/servers/fastify.js';

runFaultMatrix({
  name: 'fastify',
  driver: fastifyServer({ register: 'scope' }),
  appAnswer: appHandlerAnswer,
});
