import { loadDemoClient, runDemo } from '@basiq-token/example-shared';
import { createApp } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const { env, client } = await loadDemoClient();
const app = createApp({ client });

await runDemo({ name: 'Koa', env, client, serve: (port, host) => app.listen(port, host) });
