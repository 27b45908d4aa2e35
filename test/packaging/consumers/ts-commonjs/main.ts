// A TypeScript CommonJS app (module: commonjs, node10 resolution: the top-level main/types fields)
// with Express 5 and the published packages, from their tarballs.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request } from 'express';
import { createBasiqClient } from '@basiq-token/core';
import type { ClientTokenBody } from '@basiq-token/core';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { startEmulator } from '@basiq-token/emulator';
import { basiq, clientTokenRoute } from '@basiq-token/express';

const USER_ID = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// The express package types `req.basiq` by merging into Express's Request: exactly core's context, not `any`.
const reqBasiqIsTyped: Equals<Request['basiq'], BasiqRequestContext> = true;

interface BasiqUser {
  id: string;
}

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
  const app = express();
  app.use(basiq(client));
  app.get('/users/:userId', async (req, res, next) => {
    try {
      // @ts-expect-error a property the context does not have must not type-check
      void req.basiq.notAMethod;
      const answer = await req.basiq.fetch(`/users/${encodeURIComponent(req.params.userId)}`);
      res.status(answer.status).json((await answer.json()) as BasiqUser);
    } catch (error) {
      next(error);
    }
  });
  app.post(
    '/basiq/client-token',
    clientTokenRoute(client, { resolveUserId: (req) => req.header('x-demo-user') }),
  );

  const server = app.listen(0, '127.0.0.1');
  try {
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const userAnswer = await fetch(`${base}/users/${USER_ID}`);
    assert.equal(userAnswer.status, 200);
    const user = (await userAnswer.json()) as BasiqUser;

    const tokenAnswer = await fetch(`${base}/basiq/client-token`, {
      method: 'POST',
      headers: { 'x-demo-user': USER_ID },
    });
    assert.equal(tokenAnswer.status, 200);
    assert.equal(tokenAnswer.headers.get('cache-control'), 'no-store');
    const token = (await tokenAnswer.json()) as ClientTokenBody;

    console.log(
      'RESULT ' +
        JSON.stringify({
          kind: 'ts-commonjs',
          reqBasiqIsTyped,
          userId: user.id,
          clientToken: { status: tokenAnswer.status, tokenType: token.token_type },
        }),
    );
  } finally {
    server.close();
    await once(server, 'close');
    await client.close();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
