import { beforeAll } from 'vitest';
import { nest12Kit, nestServer } from '../support/servers/nest.js';
import { ensureNest11, nest11Kit } from './nest-kits.js';
import { runFaultMatrix } from './run-matrix.js';
import { nestAnswer } from './targets.js';

// Builds our adapter for the Nest 11 project if its build is missing or stale (see nest-kits.ts).
beforeAll(ensureNest11, 120_000);

runFaultMatrix({
  name: 'nestjs12-express',
  driver: nestServer(nest12Kit('express', 'forRoot')),
  appAnswer: nestAnswer,
});
runFaultMatrix({
  name: 'nestjs12-fastify',
  driver: nestServer(nest12Kit('fastify', 'forRoot')),
  appAnswer: nestAnswer,
});
// The adapter comes from the Nest 11 project's CJS build of core, the client from the sources:
// two copies of core in one app, answered as one (test/faults/two-cores.test.ts).
runFaultMatrix({
  name: 'nestjs11-express',
  driver: nestServer(nest11Kit),
  appAnswer: nestAnswer,
});
