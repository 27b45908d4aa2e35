import { browserDemoBanner, loadDemoClient, runDemo } from '@basiq-token/example-shared';
import { createApp } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const { env, client } = await loadDemoClient();
const app = createApp({ client, consentBaseUrl: env.consentBaseUrl });

await runDemo({
  name: 'Express',
  env,
  client,
  serve: (port, host) => app.listen(port, host),
  banner: browserDemoBanner,
});
