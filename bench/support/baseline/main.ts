// A baseline app for bench/overhead.ts: the examples' `GET /users/:userId` route with a token
// fetched once at start and set by hand, no basiq-token. Run by the bench as a child process:
//   BASIQ_API_URL=… BASIQ_API_KEY=… node --import tsx bench/support/baseline/main.ts express|koa|nestjs
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressBaseline } from './express.js';
import { koaBaseline } from './koa.js';
import { nestBaseline } from './nestjs.js';

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

let server: Server;
if (framework === 'nestjs') {
  server = await nestBaseline(baseUrl, token, 0);
} else {
  server = createServer(
    framework === 'express' ? expressBaseline(baseUrl, token) : koaBaseline(baseUrl, token),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
console.log(`baseline ${framework} listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
