import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { runLocalOnlyChecks } from '../../shared/test/local-only.js';
import { ensureNextBuild } from '../../../test/support/next-build.js';
import { localOnly } from '../local-only.mjs';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const HANDOFF = Symbol.for('basiq-token.example-nextjs');

interface NextServer {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}
type CreateNext = (options: { dev: boolean; dir: string; hostname: string; port: number }) => NextServer;

let server: NextServer | undefined;
let handle: ReturnType<NextServer['getRequestHandler']>;

beforeAll(async () => {
  await ensureNextBuild(APP_DIR);
  const next = createRequire(import.meta.url)('next') as CreateNext;
  server = next({ dev: false, dir: APP_DIR, hostname: '127.0.0.1', port: 0 });
  await server.prepare();
  handle = server.getRequestHandler();
}, 180_000);

afterAll(async () => {
  await server?.close();
  delete (globalThis as { [HANDOFF]?: unknown })[HANDOFF];
});

// The same listener start.mjs serves: Next's handler behind the Host check.
runLocalOnlyChecks('nextjs', {
  createListener(client) {
    (globalThis as { [HANDOFF]?: unknown })[HANDOFF] = { client };
    return localOnly((req, res) => handle(req, res));
  },
  main: 'examples/nextjs/start.mjs',
});
