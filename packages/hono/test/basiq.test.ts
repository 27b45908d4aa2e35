import { Hono } from 'hono';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { BasiqApiError, BasiqConfigError, BasiqError, createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { basiq, basiqErrorHandler, clientTokenRoute } from '@basiq-token/hono';
import type { BasiqEnv, BasiqVariables } from '@basiq-token/hono';

// Creating a client contacts nothing: tests that never reach Basiq point at a closed port.
const OFFLINE = { apiKey: 'test-key', baseUrl: 'http://127.0.0.1:9', logger: false as const };

describe('@basiq-token/hono', () => {
  let emulator: BasiqEmulator;
  const clients: BasiqClient[] = [];
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    emulator.resetCounters();
  });
  function newClient(options: Partial<Parameters<typeof createBasiqClient>[0]> = {}): BasiqClient {
    const client = createBasiqClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      logger: false,
      ...options,
    });
    clients.push(client);
    return client;
  }

  it('puts the one request context of the client on c.var.basiq, where it is mounted', async () => {
    const client = newClient();
    const mw = basiq(client);
    const app = new Hono<BasiqEnv>();
    const seen: unknown[] = [];
    app.use('/api/*', mw);
    app.get('/api/user', async (c) => {
      seen.push(c.var.basiq, c.get('basiq'));
      return c.json((await c.var.basiq.http.get(`/users/${SEED_USER_ID}`)).data);
    });
    app.get('/other', (c) => {
      seen.push(c.var.basiq);
      return c.text('ok');
    });
    const res = await app.request('/api/user');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(SEED_USER_ID);
    await app.request('/api/user');
    expect((await app.request('/other')).status).toBe(200);
    expect(seen[0]).toBe(basiqRequestContext(client));
    expect(seen.slice(0, 4)).toEqual(Array(4).fill(seen[0]));
    expect(seen[4]).toBeUndefined();
    expect(emulator.counters.serverTokens).toBe(1);
  });

  it('types c.var.basiq through BasiqVariables with createMiddleware, not a global augmentation', () => {
    expectTypeOf<BasiqVariables['basiq']>().toEqualTypeOf<BasiqRequestContext>();
    const mine = createMiddleware<{ Variables: BasiqVariables }>(async (c, next) => {
      expectTypeOf(c.var.basiq).toEqualTypeOf<BasiqRequestContext>();
      await next();
    });
    expect(typeof mine).toBe('function');
    // Without BasiqEnv, Hono knows nothing of `basiq`: no global ContextVariableMap entry.
    new Hono().get('/', (c) => {
      // @ts-expect-error the variable is typed only where the app says the middleware runs
      void c.var.basiq.http;
      return c.text('');
    });
  });

  it('creates and owns a client from options, and close() closes it', async () => {
    const mw = basiq({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
    expect(mw.client).toBeDefined();
    await mw.close();
    await expect(mw.client.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });
  });

  it('leaves a client it was given open on close()', async () => {
    const client = newClient();
    const mw = basiq(client);
    expect(mw.client).toBe(client);
    await mw.close();
    expect(client.toJSON().closed).toBe(false);
  });

  it('rejects wrong options at once', () => {
    expect(() => basiq({ apiKey: '' })).toThrow(BasiqConfigError);
    const mw = basiq(newClient());
    expect(() => mw.clientTokenRoute({} as never)).toThrow(BasiqConfigError);
    expect(() => mw.clientTokenRoute({ resolveUserId: () => 'x', method: 'PUT' as never })).toThrow(
      expect.objectContaining({ option: 'clientTokenRoute.method' }),
    );
    expect(() => basiqErrorHandler({ otherwise: 'nope' as never })).toThrow(TypeError);
  });

  it('with a factory: makes the client on the first request from its context, once', async () => {
    let made = 0;
    const mw = basiq((c: Context) => {
      made += 1;
      const { BASIQ_API_KEY, BASIQ_API_URL } = c.env as Record<string, string>;
      return { apiKey: BASIQ_API_KEY ?? '', baseUrl: BASIQ_API_URL, logger: false as const };
    });
    expect(mw.client).toBeUndefined();
    const app = new Hono<BasiqEnv>();
    app.use(mw);
    app.get('/user', async (c) => c.json((await c.var.basiq.http.get(`/users/${SEED_USER_ID}`)).data));
    app.post('/token', mw.clientTokenRoute({ resolveUserId: () => SEED_USER_ID }));
    // What a Worker's bindings hold; app.request's third argument is Hono's `c.env`.
    const bindings = { BASIQ_API_KEY: emulator.apiKey, BASIQ_API_URL: emulator.url };
    for (let i = 0; i < 3; i++) expect((await app.request('/user', {}, bindings)).status).toBe(200);
    expect((await app.request('/token', { method: 'POST' }, bindings)).status).toBe(200);
    expect(made).toBe(1);
    expect(mw.client).toBeDefined();
    expect(emulator.counters.serverTokens).toBe(1);
    await mw.close();
    await expect(mw.client!.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });
  });

  it('with a factory: the client-token route makes the client itself where the middleware is not mounted', async () => {
    let made = 0;
    const mw = basiq(() => {
      made += 1;
      return { apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false as const };
    });
    const app = new Hono<BasiqEnv>();
    app.use('/api/*', mw);
    app.post('/basiq/client-token', mw.clientTokenRoute({ resolveUserId: () => SEED_USER_ID }));
    app.get('/api/token', async (c) => c.text(typeof (await c.var.basiq.getServerToken())));
    expect((await app.request('/basiq/client-token', { method: 'POST' })).status).toBe(200);
    expect(await (await app.request('/api/token')).text()).toBe('string');
    expect(made).toBe(1);
    await mw.close();
  });

  it('with a factory: a failing factory is tried again on the next request', async () => {
    let calls = 0;
    const mw = basiq(() => {
      calls += 1;
      return calls === 1 ? { apiKey: '' } : { ...OFFLINE };
    });
    const app = new Hono<BasiqEnv>();
    app.use(mw);
    app.get('/', (c) => c.text(typeof c.var.basiq.getServerToken));
    app.onError(mw.onError());
    const first = await app.request('/');
    expect(first.status).toBe(500);
    expect(await first.json()).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong.' },
    });
    expect(await (await app.request('/')).text()).toBe('function');
    await mw.close();
  });

  describe('client-token route', () => {
    it("answers core's route: the token for the resolved user, no-store, and errors as JSON", async () => {
      const client = newClient();
      const mw = basiq(client);
      const app = new Hono<BasiqEnv>();
      app.use(mw);
      app.post('/basiq/client-token', mw.clientTokenRoute({ resolveUserId: (c) => c.req.header('x-user') }));
      const ok = await app.request('/basiq/client-token', {
        method: 'POST',
        headers: { 'x-user': SEED_USER_ID },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('cache-control')).toBe('no-store');
      expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const body = (await ok.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      const anonymous = await app.request('/basiq/client-token', { method: 'POST' });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual((await client.handleClientTokenRequest(undefined)).body);
    });

    it('gives resolveUserId the Hono context, with what earlier middleware set on it', async () => {
      const mw = basiq(newClient());
      const app = new Hono<{ Variables: BasiqVariables & { session: { userId: string } } }>();
      app.use(mw);
      app.use(async (c, next) => {
        c.set('session', { userId: SEED_USER_ID });
        await next();
      });
      const seen: unknown[] = [];
      app.post(
        '/token',
        mw.clientTokenRoute({
          resolveUserId: (c) => {
            seen.push(c);
            return (c.get as (key: 'session') => { userId: string })('session').userId;
          },
        }),
      );
      const res = await app.request('/token', { method: 'POST' });
      expect(res.status).toBe(200);
      expect(seen).toHaveLength(1);
      expect(typeof (seen[0] as Context).req.header).toBe('function');
    });

    it('mounted with app.use and a path: answers that path and passes everything else on', async () => {
      const mw = basiq(newClient());
      const app = new Hono<BasiqEnv>();
      app.use(mw);
      app.use(mw.clientTokenRoute({ resolveUserId: () => SEED_USER_ID, path: '/basiq/client-token' }));
      app.get('/other', (c) => c.text('other'));
      expect((await app.request('/basiq/client-token', { method: 'POST' })).status).toBe(200);
      expect(await (await app.request('/other')).text()).toBe('other');
      const wrongMethod = await app.request('/basiq/client-token');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST');
    });

    it("answers GET and the bare token string when the app asks (Basiq's starter-kit form)", async () => {
      const mw = basiq(newClient());
      const app = new Hono<BasiqEnv>();
      app.use(mw);
      app.all(
        '/api/client-token',
        mw.clientTokenRoute({ resolveUserId: () => SEED_USER_ID, methods: ['GET'], body: 'token' }),
      );
      const res = await app.request('/api/client-token');
      expect(res.status).toBe(200);
      const token = (await res.json()) as unknown;
      expect(typeof token).toBe('string');
      expect((token as string).split('.')).toHaveLength(3);
      expect((await app.request('/api/client-token', { method: 'POST' })).status).toBe(405);
    });

    it("lets a throwing resolveUserId reach the app's onError, asking Basiq nothing", async () => {
      const mw = basiq(newClient());
      const app = new Hono<BasiqEnv>();
      const errors: unknown[] = [];
      app.use(mw);
      app.post(
        '/token',
        mw.clientTokenRoute({
          resolveUserId: () => {
            throw new Error('session store down');
          },
        }),
      );
      app.onError((error, c) => {
        errors.push(error);
        return c.text('app', 500);
      });
      expect((await app.request('/token', { method: 'POST' })).status).toBe(500);
      expect(errors).toEqual([expect.objectContaining({ message: 'session store down' })]);
      expect(emulator.counters.tokenCalls).toBe(0);
    });

    it('the standalone clientTokenRoute takes a client', async () => {
      const app = new Hono();
      app.post('/t', clientTokenRoute(newClient(), { resolveUserId: () => SEED_USER_ID }));
      expect((await app.request('/t', { method: 'POST' })).status).toBe(200);
    });
  });

  describe('onError', () => {
    function appThrowing(error: unknown, options?: Parameters<typeof basiqErrorHandler>[0]) {
      const app = new Hono();
      app.use(async (c, next) => {
        c.header('x-request-id', 'r1');
        await next();
      });
      app.get('/', () => {
        throw error;
      });
      app.onError(basiqErrorHandler(options));
      return app;
    }

    it("answers a Basiq error with core's errorResponse, keeping headers set before", async () => {
      const error = new BasiqError('basiq_rate_limited', 'Basiq throttled /token', { retryAfterMs: 7_000 });
      const res = await appThrowing(error).request('/');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-request-id')).toBe('r1');
      expect(await res.json()).toEqual({
        error: {
          code: 'basiq_rate_limited',
          message: 'Basiq is rate limiting token requests; try again later.',
        },
      });
    });

    it('answers a data call Basiq refused 502, never Basiq’s own status', async () => {
      const refused = new BasiqApiError(403, {
        type: 'list',
        data: [{ type: 'error', code: 'forbidden-access', title: 'Forbidden', detail: 'secret detail' }],
      });
      const res = await appThrowing(refused).request('/');
      expect(res.status).toBe(502);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        error: { code: 'basiq_api_error', message: 'Basiq refused the request.' },
      });
      expect(text).not.toContain('secret detail');
    });

    it("answers Hono's HTTPException with its own response, anything else 500 internal_error", async () => {
      const http = await appThrowing(new HTTPException(418, { message: 'teapot' })).request('/');
      expect(http.status).toBe(418);
      expect(await http.text()).toBe('teapot');
      const other = await appThrowing(new Error('db password=hunter2')).request('/');
      expect(other.status).toBe(500);
      const text = await other.text();
      expect(JSON.parse(text)).toEqual({
        error: { code: 'internal_error', message: 'Something went wrong.' },
      });
      expect(text).not.toContain('hunter2');
    });

    it('hands errors that are not Basiq’s to `otherwise`', async () => {
      const seen: unknown[] = [];
      const otherwise = (error: unknown, c: Context) => {
        seen.push(error);
        return c.text('mine', 500);
      };
      const mine = new Error('mine');
      expect(await (await appThrowing(mine, { otherwise }).request('/')).text()).toBe('mine');
      const basiqError = new BasiqError('basiq_timeout', 'slow');
      expect((await appThrowing(basiqError, { otherwise }).request('/')).status).toBe(504);
      expect(seen).toEqual([mine]);
    });

    it("logs through the middleware's client", async () => {
      const lines: string[] = [];
      const logger = { warn: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
      const mw = basiq({ ...OFFLINE, logger });
      const app = new Hono();
      app.get('/', () => {
        throw new BasiqError('basiq_timeout', 'Basiq did not answer /token within 10 ms');
      });
      app.onError(mw.onError());
      expect((await app.request('/')).status).toBe(504);
      expect(lines.join('\n')).toContain('answered 504 basiq_timeout');
      await mw.close();
    });
  });
});
