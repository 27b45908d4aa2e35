import type { Server } from 'node:http';
import { createBasiqClient } from '@basiq-token/core';
import { exitOnDemoEnvError, loadDemoEnv, runDemo } from '@basiq-token/example-shared';
import { createApp } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const env = await loadDemoEnv().catch(exitOnDemoEnvError);
const client = createBasiqClient({ ...env.basiq, logger: console });
const app = createApp({ client, consentBaseUrl: env.consentBaseUrl });

await runDemo({
  name: 'Fastify',
  env,
  listen: async (port, host) => {
    await app.listen({ port, host });
    return app.server as Server;
  },
  close: async () => {
    // Stops accepting, lets requests in flight finish, runs the onClose hooks.
    await app.close();
    await client.close();
  },
  banner: (url) => [`Browser demo: open ${url}/ and press "Connect your bank"`],
  warmUp: () => client.warmUp(),
});
