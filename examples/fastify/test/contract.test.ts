import { runExampleContract } from '../../../test/conformance/support/example-contract.js';
import { createListener } from '../src/app.js';

runExampleContract('fastify', {
  createListener: (client) => createListener({ client, logger: silent }),
  main: 'examples/fastify/src/main.ts',
});

const silent = { warn: () => undefined, error: () => undefined };
