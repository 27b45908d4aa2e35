// The far end of the in-process CPU measurement (bench/support/cpu-per-request.ts): answers
// every GET with a small JSON body and POST /token with a token, doing as little as it can so
// that the client's CPU is what varies. Runs in its own process: `node --import tsx <this>`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const TOKEN = JSON.stringify({
  access_token: `eyJhbGciOiJIUzI1NiJ9.${'x'.repeat(600)}.${'s'.repeat(43)}`,
  token_type: 'Bearer',
  expires_in: 3600,
});
const BODY = '{"type":"user","id":"8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5"}';

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    req.resume().once('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(TOKEN));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
