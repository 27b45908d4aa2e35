import { createServer } from 'node:http';
import { createBasiqClient } from '@basiq-token/core';
import {
  closeServer,
  exitOnDemoEnvError,
  listening,
  loadDemoEnv,
  runDemo,
} from '@basiq-token/example-shared';
import { createListener } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const env = await loadDemoEnv().catch(exitOnDemoEnvError);
const client = createBasiqClient({ ...env.basiq, logger: console });
// A plain Node HTTP server: the Host check, then the Hono app through @hono/node-server.
const server = createServer(createListener({ client, consentBaseUrl: env.consentBaseUrl }));

await runDemo({
  name: 'Hono',
  env,
  listen: (port, host) => listening(server.listen(port, host)),
  close: async () => {
    await closeServer(server);
    await client.close();
  },
  banner: (url) => [`Browser demo: open ${url}/ and press "Connect your bank"`],
  warmUp: () => client.warmUp(),
});
