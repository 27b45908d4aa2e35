// The hostile-input suite (test/hostile) against @basiq-token/next's Pages Router client-token
// route in the fixture app (test/fixtures/next-app) under Next's production server, with Next's
// own body parser in front of it. HOSTILE_SEED replays a run.
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';
import type { HostileTarget } from '../hostile/support/apps.js';
import { runHostileSuite } from '../hostile/support/suite.js';
import { installHarness, startNextApp } from './support/next-app.js';

const nextTarget: HostileTarget = {
  name: 'next (Pages Router, next start)',
  async start(client) {
    installHarness({
      client,
      prefix: '',
      onError: () => undefined,
      resolveUserId: ({ headers }) => demoUserId(headers[DEMO_USER_HEADER]),
    });
    const app = await startNextApp();
    return { url: app.base, close: () => app.close() };
  },
};

runHostileSuite(nextTarget);
