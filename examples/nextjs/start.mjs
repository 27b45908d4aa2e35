// The Next example's launcher: the demo environment first (without BASIQ_API_KEY it starts the
// Basiq emulator in this process and says so), then the built app (`next build`) served by
// Next's production server in this same process, so the routes use the client made here.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { browserDemoBanner, loadDemoClient, runDemo } from '@basiq-token/example-shared';
import { localOnly } from './local-only.mjs';

const { env, client } = await loadDemoClient();
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

await runDemo({
  name: 'Next.js',
  env,
  client,
  // Only requests addressed to this loopback address (DNS rebinding), as in every example.
  serve: (port, host) => createServer(localOnly(handle)).listen(port, host),
  close: () => app.close(),
  banner: browserDemoBanner,
});
