// The Next example's launcher: the demo environment first (without BASIQ_API_KEY it starts the
// Basiq emulator in this process and says so), then the built app (`next build`) served by
// Next's production server in this same process, so the routes use the client made here.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { createBasiqClient } from '@basiq-token/core';
import {
  closeServer,
  exitOnDemoEnvError,
  listening,
  loadDemoEnv,
  misdirectedAnswer,
  runDemo,
} from '@basiq-token/example-shared';

const env = await loadDemoEnv().catch(exitOnDemoEnvError);
const client = createBasiqClient({ ...env.basiq, logger: console });
// Handed to the routes (src/lib/demo.ts); they fall back to BASIQ_API_KEY under a plain `next start`.
globalThis[Symbol.for('basiq-token.example-nextjs')] = { client, consentBaseUrl: env.consentBaseUrl };

const app = next({
  dev: false,
  dir: fileURLToPath(new URL('.', import.meta.url)),
  hostname: '127.0.0.1',
  port: env.port,
});
await app.prepare();
const handle = app.getRequestHandler();
let server;

await runDemo({
  name: 'Next.js',
  env,
  listen: async (port, host) => {
    server = createServer((req, res) => {
      // Only requests addressed to this loopback address (DNS rebinding), as in every example.
      const refused = misdirectedAnswer(req);
      if (refused) {
        res.writeHead(refused.status, {
          ...refused.headers,
          'content-type': 'application/json; charset=utf-8',
        });
        res.end(JSON.stringify(refused.body));
        return;
      }
      handle(req, res).catch((error) => {
        console.error('Request failed:', error instanceof Error ? error.name : typeof error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: 'internal_error', message: 'Something went wrong.' } }));
      });
    });
    return listening(server.listen(port, host));
  },
  close: async () => {
    if (server) await closeServer(server);
    await app.close();
    await client.close();
  },
  banner: (url) => [`Browser demo: open ${url}/ and press "Connect your bank"`],
});
