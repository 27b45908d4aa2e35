import { runExampleContract } from '../../../test/conformance/support/example-contract.js';
import { createListener } from '../src/app.js';

runExampleContract('hono', {
  createListener: (client) => createListener({ client, logger: silent }),
  main: 'examples/hono/src/main.ts',
});

const silent = { warn: () => undefined, error: () => undefined };
