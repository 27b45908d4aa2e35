import { runLocalOnlyChecks } from '../../shared/test/local-only.js';
import { localOnly } from '../local-only.mjs';
import { useNextExample } from './next-server.js';

const next = useNextExample();

// The same listener start.mjs serves: Next's handler behind the Host check.
runLocalOnlyChecks('nextjs', {
  createListener: (client) => localOnly(next.handler(client)),
  main: 'examples/nextjs/start.mjs',
});
