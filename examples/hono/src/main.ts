import { createServer } from 'node:http';
import { browserDemoBanner, loadDemoClient, runDemo } from '@basiq-token/example-shared';
import { createListener } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const { env, client } = await loadDemoClient();
// A plain Node HTTP server: the Host check, then the Hono app through @hono/node-server.
const server = createServer(createListener({ client, consentBaseUrl: env.consentBaseUrl }));

await runDemo({
  name: 'Hono',
  env,
  client,
  serve: (port, host) => server.listen(port, host),
  banner: browserDemoBanner,
});
