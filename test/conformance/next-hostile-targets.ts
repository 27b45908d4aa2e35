/**
 * The hostile-input suite's targets in the Next fixture app (test/fixtures/next-app), each on a
 * Next production server of its own: next-hostile.test.ts runs the Node runtime's,
 * next-hostile-edge.test.ts the Edge runtime's.
 */
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';
import type { HostileTarget } from '../hostile/support/apps.js';
import { installHarness, startNextApp } from './support/next-app.js';
import type { NextAppOptions } from './support/next-app.js';

/**
 * Generated requests for each App Router target (Node and Edge): half the suite's default. Both
 * hand the same Fetch handler the request with no body parser in front, so they differ only in
 * Next's runtime; 10,000 against each of three next start servers would add about 80 s of this
 * machine's two cores to `npm test`. HOSTILE_RUNS still overrides it.
 */
export const APP_ROUTER_RUNS = 5_000;

/** A target whose route reads the app's harness: the test's client and the demo sign-in. */
export function nextTarget(
  name: string,
  app: NextAppOptions,
  more: Partial<HostileTarget> = {},
): HostileTarget {
  return {
    name,
    ...more,
    async start(client) {
      installHarness({
        client,
        prefix: '',
        onError: () => undefined,
        resolveUserId: ({ headers }) => demoUserId(headers[DEMO_USER_HEADER]),
      });
      const running = await startNextApp(app);
      return { url: running.base, close: () => running.close() };
    },
  };
}
