import { runLocalOnlyChecks } from '../../shared/test/local-only.js';
import { createListener } from '../src/app.js';

runLocalOnlyChecks('hono', {
  createListener: (client) => createListener({ client, logger: silent }),
  main: 'examples/hono/src/main.ts',
});

const silent = { warn: () => undefined, error: () => undefined };
