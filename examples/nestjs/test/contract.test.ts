import type { RequestListener } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { afterAll } from 'vitest';
import { runExampleContract } from '../../../test/conformance/support/example-contract.js';
import { createApp } from '../src/app.js';

// The contract wants a request listener at once; a Nest app is created asynchronously, so the
// listener waits for it. Apps are closed at the end (the contract closes the clients it gave).
const apps: INestApplication[] = [];
afterAll(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function nestListener(app: Promise<INestApplication>): RequestListener {
  const ready = app.then((nest) => {
    apps.push(nest);
    return nest.getHttpAdapter().getInstance() as RequestListener;
  });
  return (req, res) => {
    ready.then(
      (listener) => listener(req, res),
      (error: unknown) => {
        res.statusCode = 500;
        res.end(`the Nest app failed to start: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  };
}

runExampleContract('nestjs', {
  createListener: (client) => nestListener(createApp({ basiq: { client }, logger: false })),
  main: 'examples/nestjs/src/main.ts',
});
