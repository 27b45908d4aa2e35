import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createBasiqClient } from '@basiq-token/core';
import { loadDemoEnv } from '@basiq-token/example-shared';
import { createApp } from './app.js';

// The environment first: without BASIQ_API_KEY this starts the emulator and says so.
const env = await loadDemoEnv();
const client = createBasiqClient({ ...env.basiq, logger: console });
const server = createApp({ client, consentBaseUrl: env.consentBaseUrl }).listen(env.port, '127.0.0.1');

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  // Requests still running get a few seconds to finish before their sockets are cut.
  const cut = setTimeout(() => server.closeAllConnections(), 5_000).unref();
  await closed;
  clearTimeout(cut);
  await client.close();
  await env.close();
  // Everything is closed; should a stray handle remain, do not hang on it.
  setTimeout(() => process.exit(0), 1_000).unref();
}

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
  await once(server, 'listening');
} catch (error) {
  console.error(`Cannot listen on 127.0.0.1:${env.port}: ${error instanceof Error ? error.message : error}`);
  await client.close();
  await env.close();
  process.exit(1);
}
const { port } = server.address() as AddressInfo;
console.log(`basiq-token Express example listening on http://127.0.0.1:${port}`);
console.log(`Browser demo: open http://127.0.0.1:${port}/ and press "Connect your bank"`);
