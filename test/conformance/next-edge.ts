/**
 * The conformance driver for the Next fixture's Edge routes (test/fixtures/next-app, under /edge).
 * Next runs them in a sandbox that shares no objects with this process and snapshots
 * `process.env` when it creates it, so the scenario is served over loopback HTTP instead: the
 * routes read this harness's URL from BASIQ_TEST_EDGE_HARNESS, fetch the client's options and
 * prefix per request, and post back the errors the app's handling met (as plain records: class names,
 * code, upstreamStatus).
 */
import { createServer } from 'node:http';
import type { AdapterDriver } from './suite.js';
import type { RunningNextApp } from './support/next-app.js';
import { running } from './support/listen.js';

export const EDGE_HARNESS_ENV = 'BASIQ_TEST_EDGE_HARNESS';

interface Current {
  generation: number;
  options: unknown;
  prefix: string;
  onError(error: unknown): void;
}

/** Serves the current scenario to the Edge routes; set its URL in the env before Next starts. */
export async function startEdgeHarness(): Promise<{
  url: string;
  driver(app: () => RunningNextApp): AdapterDriver;
  close(): Promise<void>;
}> {
  let current: Current | undefined;
  let generation = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (!current) {
        res.writeHead(503).end();
      } else if (req.method === 'GET' && req.url === '/scenario') {
        const { generation, options, prefix } = current;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ generation, options, prefix }));
      } else if (req.method === 'POST' && req.url === '/errors') {
        for (const error of JSON.parse(body) as unknown[]) current.onError(error);
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  const harness = await running(server.listen(0, '127.0.0.1'));
  return {
    url: harness.url,
    driver: (app) => ({
      async start({ options, prefix = '', onError }) {
        if (!options) throw new Error('the Edge driver needs the options the suite built its client with');
        current = { generation: ++generation, options, prefix, onError };
        return {
          url: `${app().base}/edge`,
          close: async () => {
            current = undefined;
          },
        };
      },
    }),
    close: () => harness.close(),
  };
}
