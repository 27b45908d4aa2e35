import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { BasiqConfigError, BasiqError, createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { basiqErrorHandler, basiqFastify } from '@basiq-token/fastify';

describe('@basiq-token/fastify', () => {
  let emulator: BasiqEmulator;
  let other: BasiqEmulator;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    [emulator, other] = await Promise.all([startEmulator(), startEmulator()]);
  });
  afterAll(async () => {
    await Promise.all([emulator?.stop(), other?.stop()]);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    emulator.resetCounters();
    other.resetCounters();
  });

  function optionsFor(target: BasiqEmulator): BasiqOptions {
    return { apiKey: target.apiKey, baseUrl: target.url, logger: false };
  }
  function newClient(target = emulator): BasiqClient {
    const client = createBasiqClient(optionsFor(target));
    cleanups.push(() => client.close());
    return client;
  }
  function newApp(): FastifyInstance {
    const app = Fastify();
    cleanups.push(() => app.close());
    return app;
  }
  function userRoute(scope: FastifyInstance, seen?: unknown[]): void {
    scope.get<{ Params: { userId: string } }>('/users/:userId', async (request) => {
      seen?.push(request.basiq);
      return (await request.basiq.http.get(`/users/${request.params.userId}`)).data;
    });
  }

  it('puts the client’s one request context on request.basiq in its scope', async () => {
    const client = newClient();
    const app = newApp();
    const seen: unknown[] = [];
    await app.register(basiqFastify, { client });
    userRoute(app, seen);
    for (let i = 0; i < 2; i++) {
      const res = await app.inject(`/users/${SEED_USER_ID}`);
      expect(res.statusCode).toBe(200);
      expect(res.json<{ id: string }>().id).toBe(SEED_USER_ID);
    }
    expect(seen).toEqual([basiqRequestContext(client), basiqRequestContext(client)]);
    expect(seen[0]).toBe(seen[1]);
    expect(app.hasRequestDecorator('basiq')).toBe(true);
    expect(app.hasPlugin('@basiq-token/fastify')).toBe(true);
  });

  it('types request.basiq through its declare module', () => {
    expectTypeOf<FastifyRequest['basiq']>().toEqualTypeOf<BasiqRequestContext>();
  });

  it('keeps two Basiq applications apart in two scopes', async () => {
    const app = newApp();
    const seen: Record<string, unknown[]> = { a: [], b: [] };
    const clients = { a: newClient(emulator), b: newClient(other) };
    for (const name of ['a', 'b'] as const) {
      await app.register(
        async (scope) => {
          await scope.register(basiqFastify, {
            client: clients[name],
            clientTokenRoute: { resolveUserId: () => SEED_USER_ID },
          });
          userRoute(scope, seen[name]);
        },
        { prefix: `/${name}` },
      );
    }
    app.get('/outside', async (request) => ({ basiq: request.basiq ?? null }));

    expect((await app.inject(`/a/users/${SEED_USER_ID}`)).statusCode).toBe(200);
    expect((await app.inject(`/b/users/${SEED_USER_ID}`)).statusCode).toBe(200);
    expect(seen.a).toEqual([basiqRequestContext(clients.a)]);
    expect(seen.b).toEqual([basiqRequestContext(clients.b)]);
    expect(emulator.counters.requests['GET /users/{userId}']).toBe(1);
    expect(other.counters.requests['GET /users/{userId}']).toBe(1);

    // Each scope's route mints its token from its own application.
    const a = await app.inject({ method: 'POST', url: '/a/basiq/client-token' });
    const b = await app.inject({ method: 'POST', url: '/b/basiq/client-token' });
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(emulator.issuedTokens()).toContain(a.json<{ access_token: string }>().access_token);
    expect(other.issuedTokens()).toContain(b.json<{ access_token: string }>().access_token);

    // Encapsulated: nothing leaks to the parent scope.
    expect((await app.inject('/outside')).json()).toEqual({ basiq: null });
    expect(app.hasRequestDecorator('basiq')).toBe(false);
    expect((await app.inject({ method: 'POST', url: '/basiq/client-token' })).statusCode).toBe(404);
  });

  it('lets a nested scope bring its own application', async () => {
    const app = newApp();
    const outer = newClient(emulator);
    const inner = newClient(other);
    const seen: unknown[] = [];
    await app.register(basiqFastify, { client: outer });
    await app.register(
      async (scope) => {
        await scope.register(basiqFastify, { client: inner });
        userRoute(scope, seen);
      },
      { prefix: '/inner' },
    );
    userRoute(app, seen);
    await app.inject(`/inner/users/${SEED_USER_ID}`);
    await app.inject(`/users/${SEED_USER_ID}`);
    expect(seen).toEqual([basiqRequestContext(inner), basiqRequestContext(outer)]);
  });

  it('refuses a second application in the same scope', async () => {
    const app = newApp();
    await app.register(basiqFastify, { client: newClient() });
    await expect(app.register(basiqFastify, { client: newClient(other) })).rejects.toThrow(
      expect.objectContaining({
        name: 'BasiqConfigError',
        message: expect.stringContaining('its own scope'),
      }),
    );
  });

  it('creates a client from options, logging through Fastify, and closes it in onClose', async () => {
    const lines: string[] = [];
    const app = Fastify({
      logger: { level: 'warn', stream: { write: (line: string) => void lines.push(line) } },
    });
    let context: BasiqRequestContext | undefined;
    await app.register(basiqFastify, {
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      retry: { retries: 0 },
    });
    app.get('/', async (request) => {
      context = request.basiq;
      return { token: typeof (await request.basiq.getServerToken()) };
    });
    app.get('/fail', async () => {
      throw new BasiqError('basiq_timeout', 'Basiq did not answer /token in time');
    });
    expect((await app.inject('/')).json()).toEqual({ token: 'string' });
    expect((await app.inject('/fail')).statusCode).toBe(504);
    expect(lines.join('')).toContain('answered 504 basiq_timeout');
    await app.close();
    await expect(context!.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });
  });

  it('leaves a client it was given open on close', async () => {
    const client = newClient();
    const app = Fastify();
    await app.register(basiqFastify, { client });
    await app.ready();
    await app.close();
    expect(client.toJSON().closed).toBe(false);
  });

  it('checks its options when registered', async () => {
    const bad: unknown[] = [
      { apiKey: '' },
      { client: newClient(), clientTokenRoute: { resolveUserId: 'user' } },
      { client: newClient(), clientTokenRoute: { resolveUserId: () => 'u', methods: ['PUT'] } },
      { client: newClient(), clientTokenRoute: { resolveUserId: () => 'u', path: 'http://x/?a' } },
    ];
    for (const options of bad) {
      const app = newApp();
      await expect(app.register(basiqFastify, options as never)).rejects.toThrow(BasiqConfigError);
    }
  });

  describe('client-token route', () => {
    async function appWith(clientTokenRoute: Record<string, unknown>): Promise<FastifyInstance> {
      const app = newApp();
      await app.register(basiqFastify, {
        client: newClient(),
        clientTokenRoute: {
          resolveUserId: (request: FastifyRequest) => request.headers['x-user'],
          ...clientTokenRoute,
        },
      });
      return app;
    }

    it("answers core's route at /basiq/client-token with exactly the schema's fields", async () => {
      const app = await appWith({});
      const ok = await app.inject({
        method: 'POST',
        url: '/basiq/client-token',
        headers: { 'x-user': SEED_USER_ID },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['cache-control']).toBe('no-store');
      expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(Object.keys(ok.json()).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      const anonymous = await app.inject({ method: 'POST', url: '/basiq/client-token' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toEqual({
        error: { code: 'unauthenticated', message: 'Sign in to get a Basiq client token.' },
      });
      expect(anonymous.headers['cache-control']).toBe('no-store');
      expect((await app.inject({ method: 'GET', url: '/basiq/client-token' })).statusCode).toBe(404);
    });

    it('registers the response schema', async () => {
      const app = newApp();
      const schemas: unknown[] = [];
      app.addHook('onRoute', (route) => {
        if (route.url === '/basiq/client-token') schemas.push(route.schema?.response);
      });
      await app.register(basiqFastify, {
        client: newClient(),
        clientTokenRoute: { resolveUserId: () => 'u' },
      });
      await app.ready();
      expect(schemas).toEqual([
        expect.objectContaining({
          200: expect.objectContaining({ required: ['access_token', 'token_type', 'expires_in'] }),
          '4xx': expect.objectContaining({ required: ['error'] }),
          '5xx': expect.objectContaining({ required: ['error'] }),
        }),
      ]);
    });

    it('answers GET with the bare token as a JSON string where asked, and never HEAD', async () => {
      const app = await appWith({ path: '/api/client-token', methods: ['GET'], body: 'token' });
      const res = await app.inject({
        method: 'GET',
        url: '/api/client-token',
        headers: { 'x-user': SEED_USER_ID },
      });
      expect(res.statusCode).toBe(200);
      const token = res.json<unknown>();
      expect(typeof token).toBe('string');
      expect(emulator.issuedTokens()).toContain(token);
      const callsBefore = emulator.counters.tokenCalls;
      const head = await app.inject({
        method: 'HEAD',
        url: '/api/client-token',
        headers: { 'x-user': 'another-user' },
      });
      expect(head.statusCode).toBe(404);
      expect(emulator.counters.tokenCalls).toBe(callsBefore);
      const none = await app.inject({ method: 'GET', url: '/api/client-token' });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    });

    it("runs the scope's own hooks first (the app's auth decides)", async () => {
      const app = newApp();
      app.decorateRequest('user', null);
      app.addHook('preHandler', async (request) => {
        (request as FastifyRequest & { user: unknown }).user = { basiqUserId: SEED_USER_ID };
      });
      await app.register(basiqFastify, {
        client: newClient(),
        clientTokenRoute: {
          resolveUserId: (request) =>
            (request as FastifyRequest & { user: { basiqUserId: string } }).user.basiqUserId,
        },
      });
      expect((await app.inject({ method: 'POST', url: '/basiq/client-token' })).statusCode).toBe(200);
    });
  });

  describe('error handler', () => {
    it("answers a Basiq error with core's errorResponse and passes the rest to the parent's handler", async () => {
      const app = newApp();
      const parentSaw: unknown[] = [];
      app.setErrorHandler((error, _request, reply) => {
        parentSaw.push(error);
        void reply.code(500).send({ mine: true });
      });
      await app.register(async (scope) => {
        await scope.register(basiqFastify, { client: newClient() });
        scope.get(
          '/basiq',
          {
            // A route schema for 5xx must not reshape core's answer.
            schema: { response: { '5xx': { type: 'object', properties: { other: { type: 'string' } } } } },
          },
          async () => {
            throw new BasiqError('basiq_rate_limited', 'throttled', { retryAfterMs: 7_000 });
          },
        );
        scope.get('/app', async () => {
          throw new Error('db down');
        });
      });
      const res = await app.inject('/basiq');
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toEqual({
        error: {
          code: 'basiq_rate_limited',
          message: 'Basiq is rate limiting token requests; try again later.',
        },
      });
      const appError = await app.inject('/app');
      expect(appError.json()).toEqual({ mine: true });
      expect(parentSaw).toEqual([expect.objectContaining({ message: 'db down' })]);
    });

    it('errorHandler: false leaves the scope’s error handling alone; basiqErrorHandler() is there to set', async () => {
      const app = newApp();
      await app.register(basiqFastify, { client: newClient(), errorHandler: false });
      app.get('/', async () => {
        throw new BasiqError('basiq_timeout', 'slow');
      });
      const res = await app.inject('/');
      // Fastify's default handler: no core answer.
      expect(res.statusCode).toBe(500);
      expect(res.json()).not.toHaveProperty('error.code', 'basiq_timeout');

      const other = newApp();
      other.setErrorHandler(basiqErrorHandler());
      other.get('/', async () => {
        throw new BasiqError('basiq_timeout', 'slow');
      });
      const mapped = await other.inject('/');
      expect(mapped.statusCode).toBe(504);
      expect(mapped.json()).toEqual({
        error: { code: 'basiq_timeout', message: 'Basiq did not answer in time.' },
      });
    });
  });
});
