import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { BasiqClient } from '@basiq-token/core';
import { ensureNextBuild } from '../../../test/support/next-build.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const HANDOFF = Symbol.for('basiq-token.example-nextjs');

interface NextServer {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}
type CreateNext = (options: { dev: boolean; dir: string; hostname: string; port: number }) => NextServer;

/** Next's request handler over the built example. */
export type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The example as `next build` made it, served by Next's production server in this process (what
 * start.mjs does), started before the calling file's tests and closed after them. `handler(client)`
 * hands the routes `client` the way start.mjs hands its own, and answers Next's handler.
 */
export function useNextExample(): { handler(client: BasiqClient): NextHandler } {
  let server: NextServer | undefined;
  let handle: NextHandler;
  beforeAll(async () => {
    await ensureNextBuild(APP_DIR);
    // Next's CommonJS entry, loaded by Node itself rather than through the test's transform.
    const next = createRequire(import.meta.url)('next') as CreateNext;
    server = next({ dev: false, dir: APP_DIR, hostname: '127.0.0.1', port: 0 });
    await server.prepare();
    handle = server.getRequestHandler();
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    delete (globalThis as { [HANDOFF]?: unknown })[HANDOFF];
  });
  return {
    handler(client) {
      (globalThis as { [HANDOFF]?: unknown })[HANDOFF] = { client };
      return (req, res) => handle(req, res);
    },
  };
}
