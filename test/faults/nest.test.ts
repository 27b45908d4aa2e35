import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as basiq from '@basiq-token/nestjs';
import { beforeAll } from 'vitest';
import { nestDriver } from '../conformance/nest-driver.js';
import { ensureNest11, nest11Kit } from './nest-kits.js';
import { runFaultMatrix } from './run-matrix.js';
import { nestAnswer } from './targets.js';

// Builds our adapter for the Nest 11 project if its build is missing or stale (see nest-kits.ts).
beforeAll(ensureNest11, 120_000);

const nest12 = (createHttpAdapter: () => core.AbstractHttpAdapter) =>
  nestDriver(async () => ({ common, core, basiq, createHttpAdapter, configure: 'forRoot' }));

runFaultMatrix({
  name: 'nestjs12-express',
  driver: nest12(() => new ExpressAdapter()),
  appAnswer: nestAnswer,
});
runFaultMatrix({
  name: 'nestjs12-fastify',
  driver: nest12(() => new FastifyAdapter()),
  appAnswer: nestAnswer,
});
// The adapter comes from the Nest 11 project's CJS build of core, the client from the sources:
// two copies of core in one app, answered as one (test/faults/two-cores.test.ts).
runFaultMatrix({
  name: 'nestjs11-express',
  driver: nestDriver(nest11Kit),
  appAnswer: nestAnswer,
});
