import type { Server } from 'node:http';
import { browserDemoBanner, loadDemoClient, runDemo } from '@basiq-token/example-shared';
import { createApp } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const { env, client } = await loadDemoClient();
const app = createApp({ client, consentBaseUrl: env.consentBaseUrl });

await runDemo({
  name: 'Fastify',
  env,
  client,
  listen: async (port, host) => {
    await app.listen({ port, host });
    return app.server as Server;
  },
  // Stops accepting, lets requests in flight finish, runs the onClose hooks.
  close: () => app.close(),
  banner: browserDemoBanner,
});
