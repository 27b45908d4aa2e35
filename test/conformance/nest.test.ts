import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as basiq from '@basiq-token/nestjs';
import { beforeAll } from 'vitest';
import { nestDriver } from './nest-driver.js';
import { loadNest11Kit, prepareNest11 } from './nest-11.js';
import { runConformanceSuite } from './suite.js';

// Builds our adapter for the Nest 11 project once, before any scenario (see nest-11.ts).
beforeAll(prepareNest11, 120_000);

runConformanceSuite(
  'nestjs12-express',
  nestDriver(async () => ({
    common,
    core,
    basiq,
    createHttpAdapter: () => new ExpressAdapter(),
    configure: 'forRootAsync',
  })),
);
runConformanceSuite(
  'nestjs12-fastify',
  nestDriver(async () => ({
    common,
    core,
    basiq,
    createHttpAdapter: () => new FastifyAdapter(),
    configure: 'forRoot',
  })),
);
runConformanceSuite('nestjs11-express', nestDriver(loadNest11Kit));
