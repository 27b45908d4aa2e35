import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as basiq from '@basiq-token/nestjs';
import { beforeAll } from 'vitest';
import { nestDriver } from '../conformance/nest-driver.js';
import { ensureNest11, nest11Core, nest11Kit } from './nest-kits.js';
import { runFaultMatrix } from './run-matrix.js';
import { nestAnswer } from './targets.js';
import type { CoreModule } from './targets.js';

let nest11AdapterCore: CoreModule | undefined;

// Builds our adapter for the Nest 11 project if its build is missing or stale (see nest-kits.ts).
beforeAll(async () => {
  await ensureNest11();
  nest11AdapterCore = await nest11Core();
}, 120_000);

const nest12 = (createHttpAdapter: () => core.AbstractHttpAdapter) =>
  nestDriver(async () => ({ common, core, basiq, createHttpAdapter, configure: 'forRoot' }));

runFaultMatrix({
  name: 'nestjs12-express',
  driver: nest12(() => new ExpressAdapter()),
  appAnswer: nestAnswer(),
});
runFaultMatrix({
  name: 'nestjs12-fastify',
  driver: nest12(() => new FastifyAdapter()),
  appAnswer: nestAnswer(),
});
runFaultMatrix({
  name: 'nestjs11-express',
  driver: nestDriver(nest11Kit),
  appAnswer: nestAnswer(() => nest11AdapterCore!),
});
