import { runConformanceSuite } from './suite.js';
import { fastifyServer } from '../support/servers/fastify.js';

runConformanceSuite('fastify', fastifyServer({ register: 'scope' }));
runConformanceSuite('fastify with the plugin at the root', fastifyServer({ register: 'root' }));
