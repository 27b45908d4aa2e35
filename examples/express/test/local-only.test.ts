import { runLocalOnlyChecks } from '../../shared/test/local-only.js';
import { createApp } from '../src/app.js';

runLocalOnlyChecks('express', {
  createListener: (client) => createApp({ client, logger: silent }),
  main: 'examples/express/src/main.ts',
});

const silent = { warn: () => undefined, error: () => undefined };
