import { runConformanceSuite } from './suite.js';
import { fastifyDriver } from './fastify-driver.js';

runConformanceSuite('fastify', fastifyDriver({ register: 'scope' }));
runConformanceSuite('fastify with the plugin at the root', fastifyDriver({ register: 'root' }));
