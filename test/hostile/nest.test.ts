import { nestTarget } from './support/apps.js';
import { runHostileSuite } from './support/suite.js';

runHostileSuite(nestTarget('nestjs12-express', 'express'));
runHostileSuite(nestTarget('nestjs12-fastify', 'fastify'));
