import { Hono } from 'hono';
import type { Context } from 'hono';
import { env, getRuntimeKey } from 'hono/adapter';
import { basiq } from '@basiq-token/hono';
import type { BasiqEnv } from '@basiq-token/hono';

/**
 * The one app every runtime suite runs (Bun, Deno, workerd): `@basiq-token/hono` as an app
 * would mount it, unchanged, with its configuration read through Hono's `env(c)` (process env on
 * Bun, `Deno.env` on Deno, bindings on Workers). Each runtime's entry only serves `createApp()`.
 *
 * Under each slot (`/a`, `/b`, …) sits its own middleware, so its own client, made on the slot's
 * first request: a scenario takes a fresh slot and meets a client with no token yet and no
 * refresh behind it (core bounds forced refreshes to one per 30 s per client, which a second
 * revocation on the same client would meet).
 */
export const SLOTS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'] as const;

/** The header standing in for the app's session in these suites. */
export const USER_HEADER = 'x-test-user';

/** What the entry tells about the runtime it started on, for `GET /runtime`. */
export interface RuntimeInfo {
  /** The runtime's own version (`Bun.version`, `Deno.version.deno`), when it has one. */
  version?: string;
}

// A type, not an interface: `env<T>()` wants an index signature, which only a type alias gets implicitly.
type Bindings = {
  BASIQ_API_KEY?: string;
  BASIQ_API_URL?: string;
};

export function createApp(info: RuntimeInfo = {}): Hono {
  const app = new Hono();
  app.get('/runtime', (c) => c.json({ key: getRuntimeKey(), ...info }));
  for (const slot of SLOTS) app.route(`/${slot}`, slotApp());
  return app;
}

function slotApp(): Hono<BasiqEnv> {
  const middleware = basiq((c: Context) => {
    const { BASIQ_API_KEY, BASIQ_API_URL } = env<Bindings>(c);
    return {
      apiKey: BASIQ_API_KEY ?? '',
      ...(BASIQ_API_URL ? { baseUrl: BASIQ_API_URL } : {}),
      retry: { retries: 1, minDelayMs: 5, maxDelayMs: 20 },
    };
  });
  const api = new Hono<BasiqEnv>();
  api.use(middleware);
  api.post(
    '/client-token',
    middleware.clientTokenRoute({ resolveUserId: (c: Context) => c.req.header(USER_HEADER) }),
  );
  // Relays Basiq's status and body as they came, through the Fetch wrapper.
  api.get('/fetch/users/:userId', async (c) => {
    const answer = await c.var.basiq.fetch(`/users/${encodeURIComponent(c.req.param('userId'))}`);
    return c.body(await answer.text(), answer.status as 200, { 'content-type': 'application/json' });
  });
  // Through the typed client (over the same Fetch wrapper), relaying Basiq's status and JSON.
  api.get('/api/users/:userId/accounts', async (c) => {
    const { data, error, response } = await c.var.basiq.api.GET('/users/{userId}/accounts', {
      params: { path: { userId: c.req.param('userId') } },
    });
    return c.json(data ?? error, response.status as 200);
  });
  // Through the axios instance (its fetch adapter on workerd): a Basiq refusal throws, to onError.
  api.get('/http/users/:userId', async (c) => {
    const answer = await c.var.basiq.http.get(`/users/${encodeURIComponent(c.req.param('userId'))}`);
    return c.json(answer.data as object);
  });
  api.onError(middleware.onError());
  return api;
}
