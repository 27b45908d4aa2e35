import { runExampleContract } from '../../../test/conformance/support/example-contract.js';
import { createApp } from '../src/app.js';

runExampleContract('koa', {
  createListener: (client) => createApp({ client, logger: silent }).callback(),
  main: 'examples/koa/src/main.ts',
});

const silent = { warn: () => undefined, error: () => undefined };
