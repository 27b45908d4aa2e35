import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadDemoEnv } from '@basiq-token/example-shared';
import { createApp } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const env = await loadDemoEnv();
const app = await createApp({ basiq: env.basiq });

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  // Closes the HTTP server, then BasiqModule closes the client it created (onApplicationShutdown).
  await app.close();
  await env.close();
  // Everything is closed; should a stray handle remain, do not hang on it.
  setTimeout(() => process.exit(0), 1_000).unref();
}

// Our own handlers rather than app.enableShutdownHooks(): Nest re-raises the signal after
// closing, which would end the process by SIGTERM instead of a clean exit 0.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    shutdown(signal).catch((error: unknown) => {
      console.error('Shutdown failed:', error instanceof Error ? error.message : error);
      process.exit(1);
    });
  });
}

// Handlers are in place before the URL is printed: whoever reads it may signal at once.
try {
  await app.listen(env.port, '127.0.0.1');
} catch (error) {
  console.error(`Cannot listen on 127.0.0.1:${env.port}: ${error instanceof Error ? error.message : error}`);
  await app.close();
  await env.close();
  process.exit(1);
}
const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
console.log(`basiq-token NestJS example listening on http://127.0.0.1:${port}`);
