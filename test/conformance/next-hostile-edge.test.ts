// The hostile-input suite (test/hostile) against @basiq-token/next's App Router handler on the
// Edge runtime: the conformance suite's Edge route (/edge/client-token in test/fixtures/next-app)
// under Next's production server. The sandbox shares no objects with the test, so it builds its
// own client from the suite's options, given with the demo sign-in's header name in the
// environment the sandbox copies when Next creates it; errors the route meets come back over
// loopback, as in the Edge conformance suite. HOSTILE_SEED replays a run.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_USER_HEADER } from '@basiq-token/example-shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLIENT_TOKEN_PATH } from '../hostile/support/apps.js';
import { runHostileSuite } from '../hostile/support/suite.js';
import { APP_ROUTER_RUNS } from './next-hostile-targets.js';
import { startNextApp } from './support/next-app.js';

const HARNESS_ENV = 'BASIQ_TEST_EDGE_HARNESS';
const SCENARIO_ENV = 'BASIQ_TEST_EDGE_SCENARIO';

const edgeErrors: unknown[] = [];
let harness: Server | undefined;

beforeAll(async () => {
  // Where test/fixtures/next-app/lib/edge-routes.ts reports the errors it meets.
  harness = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/errors') {
        edgeErrors.push(...(JSON.parse(body) as unknown[]));
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await once(harness.listen(0, '127.0.0.1'), 'listening');
  process.env[HARNESS_ENV] = `http://127.0.0.1:${(harness.address() as AddressInfo).port}`;
});

afterAll(async () => {
  harness?.closeAllConnections();
  await new Promise((resolve) => harness?.close(resolve));
  delete process.env[HARNESS_ENV];
  delete process.env[SCENARIO_ENV];
});

runHostileSuite({
  name: 'next (App Router, Edge runtime, next start)',
  parsesBody: false,
  numRuns: APP_ROUTER_RUNS,
  async start(_client, options) {
    // Before the first Edge request: Next's sandbox copies process.env when it creates it.
    process.env[SCENARIO_ENV] = JSON.stringify({
      generation: 1,
      options,
      prefix: '',
      userHeader: DEMO_USER_HEADER,
    });
    const app = await startNextApp({ alias: { from: CLIENT_TOKEN_PATH, to: '/edge/client-token' } });
    return { url: app.base, close: () => app.close() };
  },
});

// An error the route threw (Next's 500) already fails the suite; this also catches one the Edge
// route's own handling met and reported without the answer showing it.
it('the Edge route reported no error', () => {
  expect(edgeErrors).toEqual([]);
});
