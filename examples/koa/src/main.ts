import { createBasiqClient } from '@basiq-token/core';
import {
  closeServer,
  exitOnDemoEnvError,
  listening,
  loadDemoEnv,
  runDemo,
} from '@basiq-token/example-shared';
import type { Server } from 'node:http';
import { createApp } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const env = await loadDemoEnv().catch(exitOnDemoEnvError);
const client = createBasiqClient({ ...env.basiq, logger: console });
const app = createApp({ client });
let server: Server | undefined;

await runDemo({
  name: 'Koa',
  env,
  listen: async (port, host) => (server = await listening(app.listen(port, host))),
  close: async () => {
    if (server) await closeServer(server);
    await client.close();
  },
  warmUp: () => client.warmUp(),
});
