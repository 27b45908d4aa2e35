// Run by open-handles.test.ts in a child process (`node --import tsx`, with exit-probe.mjs): an
// app on one adapter, whose client the adapter creates from options, serves a few requests
// against an in-process emulator, then everything is closed the documented way. The process must
// then end by itself: no process.exit() anywhere here.
import express from 'express5';
import Koa from 'koa3';
import type { BasiqOptions } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import { expressServer } from '../../support/servers/express.js';
import { koaServer } from '../../support/servers/koa.js';
import { nest12Kit, nestServer } from '../../support/servers/nest.js';
import type { ServerFactory } from '../../support/servers/server.js';

// Nest's module takes the options through forRoot() on both platforms.
const SERVERS: Readonly<Record<string, ServerFactory>> = {
  express: expressServer(express),
  koa: koaServer(Koa, { router: true }),
  'nest-express': nestServer(nest12Kit('express', 'forRoot')),
  'nest-fastify': nestServer(nest12Kit('fastify', 'forRoot')),
};

const server = SERVERS[process.argv[2] ?? ''];
if (!server) throw new Error(`unknown adapter ${process.argv[2]}`);
const emulator = await startEmulator();
const options: BasiqOptions = { apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false };
// Options, not a client: the adapter makes the client, and close() (server first) closes it.
const app = await server.start({
  client: options,
  resolveUserId: (req) => req.headers['x-demo-user'],
  prefix: '/basiq',
});
const statuses: number[] = [];
for (const [method, path] of [
  ['POST', '/basiq/client-token'],
  ['GET', `/basiq/users/${SEED_USER_ID}`],
  ['GET', `/basiq/fetch/users/${SEED_USER_ID}`],
  ['POST', '/basiq/client-token'],
] as const) {
  const res = await fetch(app.url + path, { method, headers: { 'x-demo-user': SEED_USER_ID } });
  await res.arrayBuffer();
  statuses.push(res.status);
}
await app.close();
await emulator.stop();
console.log(`done ${statuses.join(' ')}`);
