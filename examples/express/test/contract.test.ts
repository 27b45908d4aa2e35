import { runExampleContract } from '../../../test/conformance/support/example-contract.js';
import { createApp } from '../src/app.js';

runExampleContract('express', {
  createListener: (client) => createApp({ client, logger: silent }),
  main: 'examples/express/src/main.ts',
});

const silent = { warn: () => undefined, error: () => undefined };
