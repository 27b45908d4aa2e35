// A baseline app for bench/overhead.ts: the example app itself, with a token fetched once at
// start and set by hand in place of basiq-token's client. Run by the bench as a child process:
//   BASIQ_API_URL=… BASIQ_API_KEY=… node --import tsx bench/support/baseline/main.ts express|koa|nestjs|nextjs
// (nextjs serves the example's `next build` output, as its launcher does.)
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { listening } from '@basiq-token/example-shared';
import type { BasiqClient } from '@basiq-token/core';
import { fixedHeaderClient } from './fixed-client.js';

const framework = process.argv[2];
const baseUrl = process.env.BASIQ_API_URL;
const apiKey = process.env.BASIQ_API_KEY;
if (!baseUrl || !apiKey || !['express', 'koa', 'nestjs', 'nextjs'].includes(framework ?? '')) {
  console.error('usage: BASIQ_API_URL=… BASIQ_API_KEY=… baseline/main.ts express|koa|nestjs|nextjs');
  process.exit(2);
}

const res = await fetch(`${baseUrl}/token`, {
  method: 'POST',
  headers: {
    authorization: `Basic ${apiKey}`,
    'basiq-version': '3.0',
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'scope=SERVER_ACCESS',
});
if (!res.ok) {
  console.error(`baseline: /token answered ${res.status}`);
  process.exit(1);
}
const { access_token: token } = (await res.json()) as { access_token: string };

const client = fixedHeaderClient(baseUrl, token);
let server: Server;
if (framework === 'nestjs') {
  const { createApp } = await import('../../../examples/nestjs/src/app.js');
  const app = await createApp({ basiq: { client } });
  await app.listen(0, '127.0.0.1');
  server = app.getHttpServer() as Server;
} else if (framework === 'nextjs') {
  server = await nextWithClient(client);
} else if (framework === 'express') {
  const { createApp } = await import('../../../examples/express/src/app.js');
  server = await listening(createApp({ client }).listen(0, '127.0.0.1'));
} else {
  const { createApp } = await import('../../../examples/koa/src/app.js');
  server = await listening(createApp({ client }).listen(0, '127.0.0.1'));
}
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
console.log(`baseline ${framework} listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);

/**
 * The Next example's own launcher (examples/nextjs/start.mjs) with the stand-in in place of its
 * client: the built app served by Next's production server in this process, behind the example's
 * Host check. The routes take their client from the slot the launcher fills (src/lib/demo.ts), so
 * the stand-in reaches them without a line of bench code in the example.
 */
async function nextWithClient(stand: BasiqClient): Promise<Server> {
  (globalThis as Record<symbol, unknown>)[Symbol.for('basiq-token.example-nextjs')] = { client: stand };
  // Next's CommonJS entry, typed here: its own types would make NODE_ENV a required variable in
  // every ProcessEnv of the repository's type-check.
  const next = createRequire(import.meta.url)('next') as (options: {
    dev: boolean;
    dir: string;
    hostname: string;
    port: number;
  }) => {
    prepare(): Promise<void>;
    getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  };
  const { localOnly } = await import('../../../examples/nextjs/local-only.mjs');
  const app = next({
    dev: false,
    dir: fileURLToPath(new URL('../../../examples/nextjs/', import.meta.url)),
    hostname: '127.0.0.1',
    port: 0,
  });
  await app.prepare();
  return listening(createServer(localOnly(app.getRequestHandler())).listen(0, '127.0.0.1'));
}
