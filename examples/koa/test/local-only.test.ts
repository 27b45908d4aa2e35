import { runLocalOnlyChecks } from '../../shared/test/local-only.js';
import { createApp } from '../src/app.js';

runLocalOnlyChecks('koa', {
  createListener: (client) => createApp({ client, logger: silent }).callback(),
  main: 'examples/koa/src/main.ts',
});

const silent = { warn: () => undefined, error: () => undefined };
