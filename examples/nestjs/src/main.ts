import type { Server } from 'node:http';
import { BasiqService } from '@basiq-token/nestjs';
import { exitOnDemoEnvError, loadDemoEnv, runDemo } from '@basiq-token/example-shared';
import { createApp } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const env = await loadDemoEnv().catch(exitOnDemoEnvError);
const app = await createApp({ basiq: env.basiq });

// Our own signal handling (in runDemo) rather than app.enableShutdownHooks(): Nest re-raises
// the signal after closing, which would end the process by SIGTERM instead of a clean exit 0.
await runDemo({
  name: 'NestJS',
  env,
  listen: async (port, host) => {
    await app.listen(port, host);
    return app.getHttpServer() as Server;
  },
  // Closes the HTTP server, then BasiqModule closes the client it created (onApplicationShutdown).
  close: () => app.close(),
  warmUp: () => app.get(BasiqService).warmUp(),
});
