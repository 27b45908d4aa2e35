// The hostile-input suite (test/hostile) against the Fastify plugin's client-token route, with
// Fastify's own JSON parser (and its prototype-poisoning checks) in front of it
// (test/support/servers/fastify.ts).
import { serverTarget } from '../hostile/support/apps.js';
import { runHostileSuite } from '../hostile/support/suite.js';
import { fastifyServer } from '../support/servers/fastify.js';

runHostileSuite(serverTarget('fastify', fastifyServer({ register: 'scope' })));
