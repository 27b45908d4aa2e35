import { runLocalOnlyChecks } from '../../shared/test/local-only.js';
import { createListener } from '../src/app.js';

runLocalOnlyChecks('fastify', {
  createListener: (client) => createListener({ client, logger: silent }),
  main: 'examples/fastify/src/main.ts',
});

const silent = { warn: () => undefined, error: () => undefined };
