import Koa from 'koa';
import type { Context } from 'koa';
import request from 'supertest';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  BasiqApiError,
  BasiqConfigError,
  BasiqRateLimitError,
  BasiqTokenError,
  createBasiqClient,
} from '@basiq-token/core';
import type { BasiqClient, ClientToken } from '@basiq-token/core';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { basiq, clientTokenRoute, toKoaError } from '@basiq-token/koa';

// Creating a client contacts nothing, so these need no emulator; behaviour over HTTP with
// Basiq is the conformance suite's (test/conformance/koa.test.ts).
const OPTIONS = { apiKey: 'test-key', baseUrl: 'http://127.0.0.1:9', logger: false as const };

describe('@basiq-token/koa basiq()', () => {
  const clients: BasiqClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });
  function newClient(): BasiqClient {
    const client = createBasiqClient(OPTIONS);
    clients.push(client);
    return client;
  }

  it("puts the client's one request context on ctx.state.basiq", async () => {
    const client = newClient();
    const app = new Koa();
    app.use(basiq(client));
    const seen: unknown[] = [];
    app.use((ctx) => {
      seen.push(ctx.state.basiq);
      ctx.status = 204;
    });
    await request(app.callback()).get('/').expect(204);
    await request(app.callback()).get('/').expect(204);
    expect(seen[0]).toBe(basiqRequestContext(client));
    expect(seen[1]).toBe(seen[0]);
  });

  it('types ctx.state.basiq', () => {
    expectTypeOf<Context['state']['basiq']>().toEqualTypeOf<BasiqRequestContext>();
  });

  it('creates and owns a client from options; leaves a given one open', async () => {
    const owned = basiq(OPTIONS);
    await owned.close();
    await expect(owned.client.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });
    const client = newClient();
    const given = basiq(client);
    expect(given.client).toBe(client);
    await given.close();
    expect((await client.handleClientTokenRequest(undefined)).status).toBe(401);
    expect(() => basiq({ apiKey: '' })).toThrow(BasiqConfigError);
  });

  it('with a path, answers only that path and method and passes everything else on', async () => {
    const client = newClient();
    const app = new Koa();
    app.use(clientTokenRoute(client, { path: '/basiq/client-token', resolveUserId: () => undefined }));
    app.use((ctx) => {
      ctx.body = { passed: true };
    });
    const server = app.callback();
    expect((await request(server).post('/basiq/client-token')).status).toBe(401);
    expect((await request(server).get('/basiq/client-token')).body).toEqual({ passed: true });
    expect((await request(server).post('/elsewhere')).body).toEqual({ passed: true });
    const getRoute = new Koa().use(
      clientTokenRoute(client, { path: 't', methods: ['get', 'POST'], resolveUserId: () => undefined }),
    );
    expect((await request(getRoute.callback()).get('/t')).status).toBe(401);
    expect((await request(getRoute.callback()).post('/t')).status).toBe(401);
    expect((await request(getRoute.callback()).put('/t')).status).toBe(404);
  });

  it('checks the client-token route options at once, with core’s BasiqConfigError', () => {
    const client = newClient();
    for (const [options, option] of [
      [{}, 'clientTokenRoute.resolveUserId'],
      [{ resolveUserId: 'user' }, 'clientTokenRoute.resolveUserId'],
      // Any method string used to be taken, and then never matched.
      [{ resolveUserId: () => 'u', path: '/t', method: 'PSOT' }, 'clientTokenRoute.method'],
      [{ resolveUserId: () => 'u', path: '' }, 'clientTokenRoute.path'],
    ] as const) {
      expect(() => basiq(client).clientTokenRoute(options as never)).toThrow(
        expect.objectContaining({ name: 'BasiqConfigError', code: 'invalid_options', option }),
      );
    }
  });

  it("answers the bare token as a JSON string with body: 'token'; errors keep their shape", async () => {
    const client = newClient();
    const issued: ClientToken = {
      accessToken: 'eyJ.client.token',
      tokenType: 'Bearer',
      expiresIn: 1800,
      expiresAt: Date.now() + 1_800_000,
      userId: 'user-1',
    };
    client.getClientToken = async () => issued;
    const app = new Koa().use(
      clientTokenRoute(client, { body: 'token', resolveUserId: (ctx) => ctx.get('x-user') }),
    );
    const ok = await request(app.callback()).post('/').set('x-user', 'user-1');
    expect([ok.status, ok.headers['content-type'], ok.headers['cache-control'], ok.text]).toEqual([
      200,
      'application/json; charset=utf-8',
      'no-store',
      JSON.stringify(issued.accessToken),
    ]);
    const anonymous = await request(app.callback()).post('/');
    expect(anonymous.status).toBe(401);
    expect((anonymous.body as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it('answers Basiq errors from later middleware with core’s JSON and leaves app errors to Koa', async () => {
    const client = newClient();
    const app = new Koa();
    const emitted: unknown[] = [];
    app.on('error', (error: unknown) => emitted.push(error));
    app.use(basiq(client));
    const timeout = new BasiqTokenError('basiq_timeout', 'Basiq took 2000 ms on /token');
    app.use((ctx) => {
      ctx.set('ETag', '"stale"');
      if (ctx.path === '/basiq') throw timeout;
      throw new Error('app bug');
    });
    const basiqFailure = await request(app.callback()).get('/basiq');
    expect(basiqFailure.status).toBe(504);
    expect(basiqFailure.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(basiqFailure.body).toStrictEqual({
      error: { code: 'basiq_timeout', message: 'Basiq did not answer in time.' },
    });
    expect(basiqFailure.headers['cache-control']).toBe('no-store');
    // What the failed middleware set does not survive into the error answer, as with Koa's own.
    expect(basiqFailure.headers.etag).toBeUndefined();
    const appFailure = await request(app.callback()).get('/app');
    expect(appFailure.status).toBe(500);
    expect(appFailure.text).toBe('Internal Server Error');
    // The app's own listener sees both, the Basiq error with the status and expose it was answered with.
    expect(emitted).toHaveLength(2);
    expect(emitted[0]).toBe(timeout);
    expect([
      (timeout as unknown as { status: number }).status,
      (timeout as unknown as { expose: boolean }).expose,
    ]).toEqual([504, false]);
    expect((emitted[1] as Error).message).toBe('app bug');
    expect('expose' in (emitted[1] as object)).toBe(false);
  });

  it("leaves Koa's default listener to the app's own errors: core already logged the Basiq one", async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = new Koa();
      app.use(basiq(newClient()));
      app.use((ctx) => {
        if (ctx.path === '/basiq') throw new BasiqTokenError('basiq_unavailable', 'Basiq answered 503');
        throw new Error('app bug');
      });
      expect((await request(app.callback()).get('/basiq')).status).toBe(503);
      expect(printed).not.toHaveBeenCalled();
      expect((await request(app.callback()).get('/app')).status).toBe(500);
      expect(printed).toHaveBeenCalledTimes(1);
      expect(String(printed.mock.calls[0]?.[0])).toContain('app bug');
    } finally {
      printed.mockRestore();
    }
  });

  it('answers a data call Basiq refused with 502 and core’s headers, never Basiq’s 401/403 or detail', async () => {
    const client = newClient();
    const app = new Koa();
    app.silent = true;
    app.use(basiq(client));
    app.use((ctx) => {
      if (ctx.path === '/budget') throw new BasiqRateLimitError('over: 1500/1500', { retryAfterMs: 2_000 });
      const status = Number(ctx.path.slice(1));
      throw new BasiqApiError(status, {
        data: [{ code: 'invalid-authorization-token', detail: 'Invalid authorization token' }],
      });
    });
    for (const status of [401, 403, 404]) {
      const res = await request(app.callback()).get(`/${status}`);
      expect(res.status).toBe(502);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toStrictEqual({
        error: { code: 'basiq_api_error', message: 'Basiq refused the request.' },
      });
    }
    // A 4xx too is the fixed public message, never the error's own (its figures are the operator's).
    const budget = await request(app.callback()).get('/budget');
    expect([budget.status, budget.headers['retry-after']]).toEqual([429, '2']);
    expect(budget.body).toStrictEqual({
      error: {
        code: 'token_budget_exhausted',
        message: 'Too many Basiq token requests right now; try again later.',
      },
    });
  });

  it('answers a Basiq error from resolveUserId with core’s JSON, even without basiq() around the route', async () => {
    const client = newClient();
    const app = new Koa();
    app.silent = true;
    app.use(
      clientTokenRoute(client, {
        resolveUserId: () => {
          throw new BasiqTokenError('basiq_unavailable', 'Basiq answered 503', { retryAfterMs: 3_000 });
        },
      }),
    );
    const res = await request(app.callback()).post('/');
    expect([res.status, res.headers['retry-after'], res.headers['cache-control']]).toEqual([
      503,
      '3',
      'no-store',
    ]);
    expect(res.body).toStrictEqual({
      error: { code: 'basiq_unavailable', message: 'Basiq is unavailable; try again later.' },
    });
  });
});

describe('@basiq-token/koa toKoaError()', () => {
  it('maps Basiq errors to the status core answers, exposing 4xx only', () => {
    const timeout = toKoaError(new BasiqTokenError('basiq_timeout', 'slow')) as {
      status: number;
      expose: boolean;
    };
    expect([timeout.status, timeout.expose]).toEqual([504, false]);
    const budget = toKoaError(new BasiqRateLimitError('over', { retryAfterMs: 1000 })) as typeof timeout;
    expect([budget.status, budget.expose]).toEqual([429, true]);
    const plain = toKoaError(new Error('x')) as typeof timeout;
    expect([plain.status, plain.expose]).toEqual([500, false]);
  });

  it('answers a BasiqApiError as core does (502), keeping Basiq’s status in upstreamStatus', () => {
    const apiError = new BasiqApiError(403, {
      data: [{ code: 'access-denied', detail: 'Token has expired' }],
    });
    const json = JSON.parse(JSON.stringify(apiError)) as Record<string, unknown>;
    const mapped = toKoaError(apiError) as BasiqApiError & {
      expose: boolean;
      headers: Record<string, string>;
    };
    expect(mapped).toBe(apiError);
    expect([mapped.status, mapped.expose]).toEqual([502, false]);
    expect(mapped.upstreamStatus).toBe(403);
    expect(mapped.headers).toEqual({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    // The JSON form lists the same fields, `status` now the answer's; nothing new is enumerable.
    expect(JSON.parse(JSON.stringify(apiError))).toEqual({ ...json, status: 502 });
    expect(Object.keys(apiError)).not.toContain('expose');
    expect(Object.keys(apiError)).not.toContain('headers');
  });

  it('keeps what another error already carries', () => {
    const own = Object.assign(new Error('nope'), { status: 401, expose: false });
    expect(toKoaError(own)).toMatchObject({ status: 401, expose: false });
    expect(toKoaError('text')).toBe('text');
    const frozen = Object.freeze(new Error('frozen'));
    expect(toKoaError(frozen)).toBe(frozen);
  });
});
