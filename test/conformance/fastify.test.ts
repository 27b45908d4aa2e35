import { runConformanceSuite } from './suite.js';
import { fastifyDriver } from './fastify-driver.js';

runConformanceSuite('fastify', fastifyDriver());
