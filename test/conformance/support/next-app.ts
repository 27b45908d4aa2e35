/**
 * The Next.js app the conformance suite and the fault matrix drive (test/fixtures/next-app):
 * built once per run, served by Next's production server in the test's process, and pointed at
 * each scenario's client, user resolution and error sink through a global slot the app reads.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ensureNextBuild } from '../../support/next-build.js';
import type { AdapterDriver, DriverStartOptions } from '../suite.js';

export const NEXT_APP_DIR = fileURLToPath(new URL('../../fixtures/next-app/', import.meta.url));
const SLOT = Symbol.for('basiq-token.test.next-app');

interface NextServer {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}
type CreateNext = (options: { dev: boolean; dir: string; hostname: string; port: number }) => NextServer;

/** What the app reads for the current scenario. */
export type NextAppHarness = Omit<DriverStartOptions, 'prefix'> & { prefix: string };

/** Points the app at a scenario (or at nothing). */
export function installHarness(harness: NextAppHarness | undefined): void {
  (globalThis as { [SLOT]?: NextAppHarness })[SLOT] = harness;
}

/** A running Next server for the fixture app. */
export interface RunningNextApp {
  /** `http://127.0.0.1:<port>`. */
  base: string;
  close(): Promise<void>;
}

/** How {@link startNextApp} serves the app. */
export interface NextAppOptions {
  /**
   * Requests for the path `from` (any query kept) reach the app's route at `to` instead, as a
   * custom server in front of Next may map them. The hostile-input suite sends every request to
   * one path, which next.config rewrites to the Pages Router route; this points that path at an
   * App Router or Edge route instead, without a second build.
   */
  alias?: { from: string; to: string };
}

/** Builds the app if needed and serves it on a free loopback port. */
export async function startNextApp(options: NextAppOptions = {}): Promise<RunningNextApp> {
  await ensureNextBuild(NEXT_APP_DIR);
  // Next's CommonJS entry, loaded by Node itself rather than through the test's transform.
  const createNext = createRequire(import.meta.url)('next') as CreateNext;
  const next = createNext({ dev: false, dir: NEXT_APP_DIR, hostname: '127.0.0.1', port: 0 });
  await next.prepare();
  const handle = next.getRequestHandler();
  const { alias } = options;
  const server: Server = createServer((req, res) => {
    if (alias && req.url !== undefined) req.url = aliased(req.url, alias);
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await next.close();
      installHarness(undefined);
    },
  };
}

function aliased(url: string, alias: { from: string; to: string }): string {
  const rest = url.slice(alias.from.length);
  return url.startsWith(alias.from) && (rest === '' || rest.startsWith('?')) ? alias.to + rest : url;
}

/**
 * A driver over the running app: the App Router routes at its root, or the Pages Router routes
 * under /api/pages. `start` points the app at the scenario; `close` takes it away.
 */
export function nextDriver(router: 'app' | 'pages', app: () => RunningNextApp): AdapterDriver {
  return {
    async start({ client, resolveUserId, prefix = '', onError }) {
      installHarness({ client, resolveUserId, onError, prefix });
      const { base } = app();
      return {
        url: router === 'app' ? base : `${base}/api/pages`,
        close: async () => installHarness(undefined),
      };
    },
  };
}
