// A baseline app for bench/overhead.ts: the example app itself, with a token fetched once at
// start and set by hand in place of basiq-token's client. Run by the bench as a child process:
//   BASIQ_API_URL=… BASIQ_API_KEY=… node --import tsx bench/support/baseline/main.ts express|koa|nestjs
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listening } from '@basiq-token/example-shared';
import { fixedHeaderClient } from './fixed-client.js';

const framework = process.argv[2];
const baseUrl = process.env.BASIQ_API_URL;
const apiKey = process.env.BASIQ_API_KEY;
if (!baseUrl || !apiKey || !['express', 'koa', 'nestjs'].includes(framework ?? '')) {
  console.error('usage: BASIQ_API_URL=… BASIQ_API_KEY=… baseline/main.ts express|koa|nestjs');
  process.exit(2);
}

const res = await fetch(`${baseUrl}/token`, {
  method: 'POST',
  headers: {
    authorization: `Basic ${apiKey}`,
    'basiq-version': '3.0',
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'scope=SERVER_ACCESS',
});
if (!res.ok) {
  console.error(`baseline: /token answered ${res.status}`);
  process.exit(1);
}
const { access_token: token } = (await res.json()) as { access_token: string };

const client = fixedHeaderClient(baseUrl, token);
let server: Server;
if (framework === 'nestjs') {
  const { createApp } = await import('../../../examples/nestjs/src/app.js');
  const app = await createApp({ basiq: { client } });
  await app.listen(0, '127.0.0.1');
  server = app.getHttpServer() as Server;
} else if (framework === 'express') {
  const { createApp } = await import('../../../examples/express/src/app.js');
  server = await listening(createApp({ client }).listen(0, '127.0.0.1'));
} else {
  const { createApp } = await import('../../../examples/koa/src/app.js');
  server = await listening(createApp({ client }).listen(0, '127.0.0.1'));
}
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
console.log(`baseline ${framework} listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
