import { Hono } from 'hono';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getRequestListener } from '@hono/node-server';
import type { HttpBindings } from '@hono/node-server';
import type { RequestListener } from 'node:http';
import { basiq, basiqErrorHandler, probeHandler } from '@basiq-token/hono';
import type { BasiqVariables } from '@basiq-token/hono';
import { DEMO_USER_HEADER, PROBES, apiAnswer, basiqAnswerOf } from '@basiq-token/example-shared';
import { demoAssets, demoUserId, localHostOnly } from '@basiq-token/example-shared';
import type { DemoAppOptions, NewBasiqUser } from '@basiq-token/example-shared';

/** Largest request body read (Basiq's user fields are small). */
const MAX_BODY_BYTES = 100 * 1024;

/** What the demo app is made of. */
export type AppOptions = DemoAppOptions;

/** The app's Hono environment on `@hono/node-server`: Node's request and response, and `c.var.basiq`. */
export type AppEnv = { Bindings: HttpBindings; Variables: BasiqVariables };

/**
 * The demo app as a Node request listener, what `main` serves: the Host check first (only
 * requests addressed to this server's own address, against DNS rebinding), then the Hono app
 * through `@hono/node-server`. The check runs on Node's request, before Hono: `@hono/node-server`
 * itself answers 400 to a Host it cannot make a URL of, where the demo's answer is 421.
 */
export function createListener(options: AppOptions): RequestListener {
  const honoListener = getRequestListener(createApp(options).fetch);
  return (req, res) => localHostOnly(req, res, () => void honoListener(req, res));
}

/** The demo app (the examples' HTTP contract) as a Hono app, not yet listening. */
export function createApp({ client, logger = console, consentBaseUrl }: AppOptions): Hono<AppEnv> {
  const assets = demoAssets(client.baseUrl, consentBaseUrl);
  const app = new Hono<AppEnv>();
  const basiqMiddleware = basiq(client);

  app.use(basiqMiddleware);

  // Liveness (always 200, with the client's health) and readiness (503 while no server token can be had).
  for (const [path, probe] of PROBES) app.get(path, probeHandler(client, probe));

  // The browser demo: the page (where the Consent UI sends the user back), its script and
  // @basiq-token/browser, all same-origin.
  for (const { path, headers, body } of assets) app.get(path, (c) => c.body(body, 200, headers));

  // A real app resolves the user from its session; the demo trusts the x-demo-user header.
  app.post(
    '/basiq/client-token',
    basiqMiddleware.clientTokenRoute({ resolveUserId: (c) => demoUserId(c.req.header(DEMO_USER_HEADER)) }),
  );

  // Basiq through the typed client: openapi-fetch encodes the path parameters.
  app.get('/users/:userId', (c) =>
    relay(
      c,
      apiAnswer(
        c.var.basiq.api.GET('/users/{userId}', { params: { path: { userId: c.req.param('userId') } } }),
      ),
    ),
  );
  app.get('/users/:userId/accounts', (c) =>
    relay(
      c,
      apiAnswer(
        c.var.basiq.api.GET('/users/{userId}/accounts', {
          params: { path: { userId: c.req.param('userId') } },
        }),
      ),
    ),
  );
  app.post(
    '/users',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => invalidBody(c, 413, 'The request body is too large.'),
    }),
    async (c) => {
      const fields = await readJson(c);
      if (fields instanceof Response) return fields;
      return relay(c, apiAnswer(c.var.basiq.api.POST('/users', { body: fields as NewBasiqUser })));
    },
  );

  app.notFound((c) =>
    json(c, 404, { error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }),
  );
  // Basiq errors (no token to be had, …) as core answers them; anything else a 500 internal_error.
  app.onError(basiqErrorHandler({ logger }));
  return app;
}

/** Basiq's status and JSON body, from its answer or from the error it answered with. */
async function relay(c: Context, call: Promise<{ status: number; data: unknown }>): Promise<Response> {
  try {
    const answer = await call;
    return json(c, answer.status, answer.data);
  } catch (error) {
    // Not an answer from Basiq (no token, timeout, …): the error handler maps it.
    const answer = basiqAnswerOf(error);
    if (!answer) throw error;
    return json(c, answer.status, answer.body);
  }
}

/** The request's JSON body (empty: `{}`), or the 4xx answer refusing it. */
async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  if (!/^application\/(.+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
    return invalidBody(c, 415, 'The request body must be JSON (Content-Type: application/json).');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return invalidBody(c, 400, 'The request body is not valid JSON.');
  }
}

function invalidBody(c: Context, status: number, message: string): Response {
  return json(c, status, { error: { code: 'invalid_body', message } });
}

function json(c: Context, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  // Basiq's 204s (none on these routes today) have no body to relay.
  if (status === 204 || body === undefined) return c.body(null, status as 204, headers);
  return c.body(JSON.stringify(body), status as 200, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
  });
}
