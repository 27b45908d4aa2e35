// The hostile-input suite (test/hostile) against @basiq-token/next in the fixture app
// (test/fixtures/next-app) under Next's production server: the Pages Router client-token route
// behind Next's own body parser, and the App Router handler on the Node runtime (the conformance
// suite's route). The Edge runtime's is next-hostile-edge.test.ts. HOSTILE_SEED replays a run.
import { CLIENT_TOKEN_PATH } from '../hostile/support/apps.js';
import { runHostileSuite } from '../hostile/support/suite.js';
import { APP_ROUTER_RUNS, nextTarget } from './next-hostile-targets.js';

// next.config rewrites the suite's path to the Pages Router route (pages/api/hostile).
runHostileSuite(nextTarget('next (Pages Router, next start)', {}));
// The conformance suite's App Router route at /client-token (clientTokenRouteHandlers' POST).
runHostileSuite(
  nextTarget(
    'next (App Router, Node runtime, next start)',
    { alias: { from: CLIENT_TOKEN_PATH, to: '/client-token' } },
    { parsesBody: false, numRuns: APP_ROUTER_RUNS },
  ),
);
