/* global fetch */
// An ESM JavaScript app using every published package, installed from its tarball.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import Koa from 'koa';
import { BasiqClient, BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import { basiqAxios } from '@basiq-token/core/axios';
import { startEmulator } from '@basiq-token/emulator';
import * as expressAdapter from '@basiq-token/express';
import * as koaAdapter from '@basiq-token/koa';
import * as nestAdapter from '@basiq-token/nestjs';
import * as redisStore from '@basiq-token/redis';

const USER_ID = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';

// Named imports of every package resolve to real values (the ESM build, not an empty shell).
assert.equal(typeof createBasiqClient, 'function');
assert.equal(typeof expressAdapter.basiq, 'function');
assert.equal(typeof koaAdapter.basiq, 'function');
assert.equal(typeof nestAdapter.BasiqModule.forRoot, 'function');
assert.equal(typeof nestAdapter.BasiqService, 'function');
assert.equal(typeof redisStore.createRedisStore, 'function');
assert.throws(() => createBasiqClient({ apiKey: '' }), BasiqConfigError);

const emulator = await startEmulator();
const client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
let server;
try {
  assert.ok(client instanceof BasiqClient);
  const serverToken = await client.getServerToken();
  assert.equal(typeof serverToken, 'string');

  const user = await basiqAxios(client).get(`/users/${USER_ID}`);
  assert.equal(user.status, 200);
  assert.equal(user.data.id, USER_ID);

  const shown = `${inspect(client, { depth: 10 })}${JSON.stringify(client)}`;
  assert.ok(
    !shown.includes(emulator.apiKey) && !shown.includes(serverToken),
    'a secret shows in inspect/JSON',
  );

  // A Koa app: the middleware puts the client on ctx.state.basiq; the route issues client tokens.
  const app = new Koa();
  const mw = koaAdapter.basiq(client);
  app.use(mw);
  app.use(
    mw.clientTokenRoute({ path: '/basiq/client-token', resolveUserId: (ctx) => ctx.get('x-demo-user') }),
  );
  app.use(async (ctx) => {
    const answer = await ctx.state.basiq.http.get(`/users/${ctx.path.slice('/users/'.length)}`);
    ctx.body = answer.data;
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;

  const viaKoa = await fetch(`${base}/users/${USER_ID}`);
  assert.equal(viaKoa.status, 200);
  const viaKoaBody = await viaKoa.json();

  const tokenAnswer = await fetch(`${base}/basiq/client-token`, {
    method: 'POST',
    headers: { 'x-demo-user': USER_ID },
  });
  const tokenBody = await tokenAnswer.json();
  assert.equal(tokenAnswer.status, 200);
  assert.equal(tokenAnswer.headers.get('cache-control'), 'no-store');
  const anonymous = await fetch(`${base}/basiq/client-token`, { method: 'POST' });
  await anonymous.arrayBuffer();

  console.log(
    'RESULT ' +
      JSON.stringify({
        kind: 'js-esm',
        userId: user.data.id,
        koaUserId: viaKoaBody.id,
        clientToken: { status: tokenAnswer.status, tokenType: tokenBody.token_type },
        anonymousStatus: anonymous.status,
      }),
  );
} finally {
  if (server) await new Promise((resolve) => server.close(resolve));
  await client.close();
  await emulator.stop();
}
