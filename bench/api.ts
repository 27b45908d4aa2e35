// What the typed client (`client.api`, openapi-fetch over core's fetch wrapper) costs per call on
// top of the wrapper itself, in this process's CPU: every client answers from an in-memory fetch
// (no network, no server), so only the client side is measured. Rows: core's `client.fetch`
// (reading the JSON body), `client.api.GET` (the same request, typed), and openapi-fetch over a
// plain fetch with a fixed header (what a hand-made typed client would cost without core).
// Run: npx tsx bench/api.ts [--quick]
import createClient from 'openapi-fetch';
import { createBasiqClient } from '../packages/core/src/index.js';
import type { BasiqPaths } from '../packages/core/src/index.js';

const quick = process.argv.includes('--quick');
const calls = quick ? 20_000 : 200_000;
const rounds = 5;
const baseUrl = 'https://au-api.basiq.io';
const tokenBody = JSON.stringify({
  access_token: 'bench.server.token',
  expires_in: 3600,
  token_type: 'Bearer',
});
const userBody = JSON.stringify({ type: 'user', id: 'u1', email: 'bench@example.com' });

/** Basiq answering from memory: /token and any data path. */
async function memoryBasiq(input: string | URL | Request): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  const body = url.endsWith('/token') ? tokenBody : userBody;
  return new Response(body, { headers: { 'content-type': 'application/json' } });
}

const client = createBasiqClient({ apiKey: 'bench-key', baseUrl, fetch: memoryBasiq, logger: false });
await client.getServerToken();
const plainApi = createClient<BasiqPaths>({
  baseUrl,
  headers: { authorization: 'Bearer bench.server.token' },
  fetch: (request) => memoryBasiq(request),
});

const rows: [string, () => Promise<unknown>][] = [
  ['client.fetch(path), body read', async () => (await client.fetch('/users/u1')).json()],
  [
    'client.api.GET(/users/{userId})',
    () => client.api.GET('/users/{userId}', { params: { path: { userId: 'u1' } } }),
  ],
  [
    'baseline: openapi-fetch over a plain fetch',
    () => plainApi.GET('/users/{userId}', { params: { path: { userId: 'u1' } } }),
  ],
];

/** Median over rounds of CPU µs per call; the rows take turns within each round. */
const perRound = new Map<string, number[]>(rows.map(([name]) => [name, []]));
for (const [, call] of rows) for (let i = 0; i < calls / 10; i++) await call(); // warm-up
for (let round = 0; round < rounds; round++) {
  for (const [name, call] of rows) {
    const before = process.cpuUsage();
    for (let i = 0; i < calls / rounds; i++) await call();
    const used = process.cpuUsage(before);
    perRound.get(name)!.push((used.user + used.system) / (calls / rounds));
  }
}
await client.close();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`CPU per call, median of ${rounds} rounds of ${calls / rounds} calls (in-memory Basiq)`);
for (const [name] of rows) console.log(`${name.padEnd(50)} ${median(perRound.get(name)!).toFixed(1)} µs`);
