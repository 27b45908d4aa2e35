// The hostile-input suite (test/hostile) against the Hono adapter's client-token route on
// @hono/node-server, with JSON and form bodies parsed before the route as the other targets do.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { basiq } from '@basiq-token/hono';
import { DEMO_USER_HEADER, demoUserId } from '@basiq-token/example-shared';
import { BODY_LIMIT_BYTES, CLIENT_TOKEN_PATH } from '../hostile/support/apps.js';
import type { HostileTarget } from '../hostile/support/apps.js';
import { runHostileSuite } from '../hostile/support/suite.js';
import { running, statusOf } from './support/listen.js';

const honoTarget: HostileTarget = {
  name: 'hono',
  start(client) {
    const app = new Hono<{ Variables: { body: unknown } }>();
    const middleware = basiq(client);
    app.use(
      bodyLimit({
        maxSize: BODY_LIMIT_BYTES,
        onError: () => {
          throw new HTTPException(413, { message: 'Payload too large' });
        },
      }),
    );
    // Parsed before the route (as Express's parsers do), so hostile bodies reach a parser.
    app.use(async (c, next) => {
      c.set('body', await readBody(c));
      await next();
    });
    app.use(middleware);
    app.post(
      CLIENT_TOKEN_PATH,
      middleware.clientTokenRoute({ resolveUserId: (c) => demoUserId(c.req.header(DEMO_USER_HEADER)) }),
    );
    app.notFound((c) => c.json({ error: { code: 'not_found', message: 'No such route' } }, 404));
    app.onError((error, c) =>
      c.json(
        { error: { code: 'app_error', message: 'The request was refused' } },
        (statusOf(error) ?? 500) as 500,
      ),
    );
    return running((createAdaptorServer({ fetch: app.fetch }) as Server).listen(0, '127.0.0.1'));
  },
};

async function readBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (/^application\/x-www-form-urlencoded/i.test(type)) return c.req.parseBody();
  if (!/^application\/(.+\+)?json/i.test(type)) {
    // Read and dropped, as Node does for Express and Koa: @hono/node-server gives an unread body
    // only 500 ms to arrive after the answer before it cuts the connection, which a loaded
    // machine can miss (EPIPE on the sender).
    if (c.req.raw.body) await c.req.arrayBuffer();
    return undefined;
  }
  const text = await c.req.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HTTPException(400, { message: 'Malformed JSON' });
  }
}

runHostileSuite(honoTarget);
