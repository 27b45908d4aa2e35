/* global require, __dirname, clearTimeout -- a CommonJS Node program; the repo's lint config knows only ESM globals */
/* eslint-disable @typescript-eslint/no-require-imports -- require() is what this consumer is here to prove */
// A CommonJS JavaScript app using every published package through require(), installed from its tarball.
require('reflect-metadata');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { inspect } = require('node:util');
const { BasiqClient, BasiqConfigError, createBasiqClient } = require('@basiq-token/core');
const { basiqAxios } = require('@basiq-token/core/axios');
const { startEmulator } = require('@basiq-token/emulator');
const expressAdapter = require('@basiq-token/express');
const koaAdapter = require('@basiq-token/koa');
const nestAdapter = require('@basiq-token/nestjs');
const { createRedisStore } = require('@basiq-token/redis');

const USER_ID = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';

/** Runs the emulator's CLI as installed (node_modules/.bin), reads the URL it prints, then stops it. */
function runEmulatorCli() {
  return new Promise((resolve, reject) => {
    const bin = path.join(__dirname, 'node_modules', '.bin', 'basiq-emulator');
    const child = spawn(bin, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let url;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match && !url) {
        url = match[1];
        child.kill('SIGTERM');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      if (url && code === 0) resolve(url);
      else
        reject(
          new Error(`basiq-emulator CLI ended with ${code ?? signal} before/after printing its URL:\n${out}`),
        );
    });
  });
}

async function main() {
  assert.equal(typeof expressAdapter.basiq, 'function');
  assert.equal(typeof koaAdapter.basiq, 'function');
  assert.equal(typeof nestAdapter.BasiqModule.forRoot, 'function');
  assert.equal(typeof nestAdapter.BasiqService, 'function');
  assert.throws(() => createBasiqClient({ apiKey: '' }), BasiqConfigError);

  const emulator = await startEmulator();
  // A Redis store whose Redis is down: the client must still serve, in-process.
  const redisCalls = [];
  const store = createRedisStore({
    sendCommand: async (args) => {
      redisCalls.push(args[0]);
      throw new Error('ECONNREFUSED (no Redis in this test)');
    },
    commandTimeoutMs: 200,
  });
  const client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, store, logger: false });
  try {
    assert.ok(client instanceof BasiqClient);
    const serverToken = await client.getServerToken();
    const user = await basiqAxios(client).get(`/users/${USER_ID}`);
    assert.equal(user.status, 200);

    const viaFetch = await client.fetch(`/users/${USER_ID}`);
    const viaFetchBody = await viaFetch.json();

    // The typed client: openapi-fetch loaded by core's CommonJS build.
    const viaApi = await client.api.GET('/users/{userId}/accounts', {
      params: { path: { userId: USER_ID } },
    });
    assert.equal(viaApi.response.status, 200);

    const clientToken = await client.getClientToken(USER_ID);
    assert.notEqual(clientToken.accessToken, serverToken);

    const shown = `${inspect(client, { depth: 10 })}${JSON.stringify(client)}${inspect(store, { depth: 10 })}`;
    assert.ok(
      !shown.includes(emulator.apiKey) && !shown.includes(serverToken),
      'a secret shows in inspect/JSON',
    );

    const cliUrl = await runEmulatorCli();

    console.log(
      'RESULT ' +
        JSON.stringify({
          kind: 'js-cjs',
          userId: user.data.id,
          fetchUserId: viaFetchBody.id,
          apiAccounts: viaApi.data.data.length,
          clientTokenType: clientToken.tokenType,
          redisTried: redisCalls.length > 0,
          cliPrintedUrl: cliUrl.startsWith('http://127.0.0.1:'),
        }),
    );
  } finally {
    await client.close();
    await emulator.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
