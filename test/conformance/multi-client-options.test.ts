/**
 * `{ clients, select }` on each adapter, beyond the scenario of multi-client.test.ts: options
 * checked at construction, the route used without the middleware, an error `select` throws
 * reaching the framework's own error handling, who closes what, and Next's lazy selection. No
 * Basiq is needed: nobody signed in is answered 401 by the selected client itself (spied on).
 */
import express from 'express';
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express';
import Koa from 'koa';
import type { Context as KoaContext } from 'koa';
import { Hono } from 'hono';
import Fastify from 'fastify';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BasiqConfigError, createBasiqClient, createBasiqClients } from '@basiq-token/core';
import type { BasiqClient, BasiqClientRegistry, BasiqOptions } from '@basiq-token/core';
import { basiq as basiqExpress } from '@basiq-token/express';
import { basiq as basiqKoa } from '@basiq-token/koa';
import { basiq as basiqHono } from '@basiq-token/hono';
import { basiqFastify } from '@basiq-token/fastify';
import {
  clientTokenRouteHandlers,
  closeBasiqClients,
  getBasiqClient,
  pagesClientTokenRoute,
  withBasiqErrors,
} from '@basiq-token/next';
import type { NextApiRequest, NextApiResponse } from 'next/types.js';

const options = (apiKey: string): BasiqOptions => ({ apiKey, baseUrl: 'http://127.0.0.1:9', logger: false });
const ROUTE = '/basiq/client-token';
const INTERNAL = { error: { code: 'internal_error', message: expect.any(String) } };

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
  await closeBasiqClients();
});

/** A registry of two clients, each route answer spied on to tell which one answered. */
function tenants(): { clients: BasiqClientRegistry<'alpha' | 'beta'>; answered: () => string[] } {
  const clients = createBasiqClients({ alpha: options('alpha-key'), beta: options('beta-key') });
  opened.push(clients);
  const calls: string[] = [];
  for (const name of clients.names) {
    const client = clients.get(name);
    const original = client.handleClientTokenRequest.bind(client);
    vi.spyOn(client, 'handleClientTokenRequest').mockImplementation((userId) => {
      calls.push(name);
      return original(userId);
    });
  }
  return { clients, answered: () => calls };
}

const byHeader = (headers: Record<string, unknown>) => headers['x-tenant'] as string;

function configError(run: () => unknown): BasiqConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BasiqConfigError);
    return error as BasiqConfigError;
  }
  throw new Error('expected a BasiqConfigError');
}

describe.each([
  ['express', (s: never) => basiqExpress(s)],
  ['koa', (s: never) => basiqKoa(s)],
  ['hono', (s: never) => basiqHono(s)],
])('%s basiq({ clients, select }): checked at construction', (_name, make) => {
  it.each([
    ['an empty registry', { clients: {}, select: byHeader }, 'clients'],
    ['a select that is not a function', { clients: { a: options('k') }, select: 'a' }, 'basiq.select'],
    ['no clients', { select: byHeader }, 'basiq.clients'],
    [
      'BasiqOptions beside the selection',
      { clients: { a: options('k') }, select: byHeader, apiKey: 'k' },
      'basiq.apiKey',
    ],
    ['a malformed name', { clients: { 'a b': options('k') }, select: byHeader }, 'clients'],
    [
      'a wrong entry',
      { clients: { a: options('k'), b: { apiKey: '' } }, select: byHeader },
      'clients.b.apiKey',
    ],
  ])('refuses %s', (_what, selection, option) => {
    expect(configError(() => make(selection as never)).option).toBe(option);
  });
});

describe('express', () => {
  it('the route alone (no middleware before it) answers with the selected client, and 500 JSON for an unknown one', async () => {
    const { clients, answered } = tenants();
    const middleware = basiqExpress({ clients, select: (req: ExpressRequest) => byHeader(req.headers) });
    const app = express();
    app.post(ROUTE, middleware.clientTokenRoute({ resolveUserId: () => undefined }));
    await request(app).post(ROUTE).set('x-tenant', 'beta').expect(401);
    await request(app).post(ROUTE).set('x-tenant', 'alpha').expect(401);
    expect(answered()).toEqual(['beta', 'alpha']);
    const unknown = await request(app).post(ROUTE).set('x-tenant', 'gamma').expect(500);
    expect(unknown.body).toEqual(INTERNAL);
    expect(unknown.headers['cache-control']).toBe('no-store');
    expect(answered()).toHaveLength(2);
  });

  it("an error select throws goes to next(err), the app's own handler", async () => {
    const { clients } = tenants();
    const own = Object.assign(new Error('unknown host'), { status: 404 });
    const middleware = basiqExpress({
      clients,
      select: () => {
        throw own;
      },
    });
    const app = express();
    app.use(middleware);
    app.get('/x', (_req, res) => res.end());
    const seen: unknown[] = [];
    app.use((error: unknown, _req: ExpressRequest, res: ExpressResponse, _next: NextFunction) => {
      seen.push(error);
      res.status(404).json({ app: 'not here' });
    });
    await request(app).get('/x').expect(404, { app: 'not here' });
    expect(seen).toEqual([own]);
  });

  it('close() closes the clients it made from entries, never a registry handed in', async () => {
    const { clients } = tenants();
    await basiqExpress({ clients, select: () => 'alpha' }).close();
    expect(clients.get('alpha').toJSON().closed).toBe(false);
    const own = basiqExpress({ clients: { a: options('k') }, select: () => 'a' });
    await own.close();
    expect(own.clients.get('a').toJSON().closed).toBe(true);
  });
});

describe('koa', () => {
  it('the route alone answers with the selected client; an unknown one is 500 JSON', async () => {
    const { clients, answered } = tenants();
    const middleware = basiqKoa({ clients, select: (ctx: KoaContext) => byHeader(ctx.headers) });
    const app = new Koa();
    app.use(middleware.clientTokenRoute({ resolveUserId: () => undefined, path: ROUTE }));
    const server = app.callback();
    await request(server).post(ROUTE).set('x-tenant', 'beta').expect(401);
    expect(answered()).toEqual(['beta']);
    expect((await request(server).post(ROUTE).set('x-tenant', 'gamma').expect(500)).body).toEqual(INTERNAL);
  });

  it("the middleware answers an unknown tenant before any route, and lets select's own error reach Koa", async () => {
    const { clients } = tenants();
    const own = Object.assign(new Error('unknown host'), { status: 404, expose: true });
    const app = new Koa();
    app.silent = true;
    app.use(
      basiqKoa({
        clients,
        select: (ctx: KoaContext) => {
          if (ctx.get('x-tenant') === 'throw') throw own;
          return byHeader(ctx.headers);
        },
      }),
    );
    const reached: string[] = [];
    app.use((ctx) => {
      reached.push(ctx.get('x-tenant'));
      ctx.body = 'ok';
    });
    const server = app.callback();
    expect((await request(server).get('/').set('x-tenant', 'gamma').expect(500)).body).toEqual(INTERNAL);
    await request(server).get('/').set('x-tenant', 'throw').expect(404);
    await request(server).get('/').set('x-tenant', 'alpha').expect(200);
    expect(reached).toEqual(['alpha']);
  });
});

describe('hono', () => {
  it('the route alone answers with the selected client; an unknown one is 500 JSON', async () => {
    const { clients, answered } = tenants();
    const middleware = basiqHono({ clients, select: (c) => byHeader(c.req.header()) });
    const app = new Hono();
    app.post(ROUTE, middleware.clientTokenRoute({ resolveUserId: () => undefined }));
    expect((await app.request(ROUTE, { method: 'POST', headers: { 'x-tenant': 'alpha' } })).status).toBe(401);
    expect(answered()).toEqual(['alpha']);
    const unknown = await app.request(ROUTE, { method: 'POST', headers: { 'x-tenant': 'gamma' } });
    expect(unknown.status).toBe(500);
    expect(await unknown.json()).toEqual(INTERNAL);
  });

  it('an error select throws reaches app.onError', async () => {
    const { clients } = tenants();
    const own = new Error('unknown host');
    const app = new Hono();
    app.use(
      basiqHono({
        clients,
        select: () => {
          throw own;
        },
      }),
    );
    app.get('/', (c) => c.text('ok'));
    const seen: unknown[] = [];
    app.onError((error, c) => {
      seen.push(error);
      return c.text('app', 404);
    });
    expect((await app.request('/')).status).toBe(404);
    expect(seen).toEqual([own]);
  });
});

describe('fastify', () => {
  it('registers with { clients, select }: request.basiq and the route per tenant, 500 JSON for an unknown one', async () => {
    const { clients, answered } = tenants();
    const app = Fastify();
    opened.push(app);
    await app.register(basiqFastify, {
      clients,
      select: (req) => byHeader(req.headers),
      clientTokenRoute: { resolveUserId: () => undefined },
    });
    app.get('/has', async (req) => ({ has: typeof req.basiq?.getServerToken === 'function' }));
    expect(
      (await app.inject({ method: 'POST', url: ROUTE, headers: { 'x-tenant': 'beta' } })).statusCode,
    ).toBe(401);
    expect(answered()).toEqual(['beta']);
    expect((await app.inject({ url: '/has', headers: { 'x-tenant': 'alpha' } })).json()).toEqual({
      has: true,
    });
    const unknown = await app.inject({ url: '/has', headers: { 'x-tenant': 'gamma' } });
    expect(unknown.statusCode).toBe(500);
    expect(unknown.json()).toEqual(INTERNAL);
    expect(unknown.headers['cache-control']).toBe('no-store');
  });

  it("an error select throws reaches the app's error handler", async () => {
    const { clients } = tenants();
    const app = Fastify();
    opened.push(app);
    app.setErrorHandler((error, _req, reply) => {
      void reply.code(404).send({ app: (error as Error).message });
    });
    await app.register(basiqFastify, {
      clients,
      select: () => {
        throw new Error('unknown host');
      },
      errorHandler: false,
    });
    app.get('/', async () => 'ok');
    const answer = await app.inject({ url: '/' });
    expect(answer.statusCode).toBe(404);
    expect(answer.json()).toEqual({ app: 'unknown host' });
  });

  it.each([
    [
      'client and clients together',
      (client: BasiqClient) => ({ client, clients: { a: options('k') }, select: () => 'a' }),
      'client',
    ],
    [
      'BasiqOptions beside the selection',
      () => ({ clients: { a: options('k') }, select: () => 'a', apiKey: 'k' }),
      '@basiq-token/fastify.apiKey',
    ],
    ['no select', () => ({ clients: { a: options('k') } }), '@basiq-token/fastify.select'],
  ])('refuses %s', async (_what, build, option) => {
    const client = createBasiqClient(options('k'));
    opened.push(client);
    const app = Fastify();
    await expect(app.register(basiqFastify, build(client) as never)).rejects.toMatchObject({
      name: 'BasiqConfigError',
      option,
    });
    await app.close();
  });

  it('closes the clients it made from entries in onClose, never a registry handed in', async () => {
    const app = Fastify();
    await app.register(basiqFastify, {
      clients: { a: options('k'), b: { apiKey: 'k2' } },
      select: () => 'a',
    });
    let context: { getServerToken(): Promise<string> } | undefined;
    app.get('/', async (req) => {
      context = req.basiq;
      return 'ok';
    });
    await app.inject({ url: '/' });
    await app.close();
    await expect(context!.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });

    const { clients } = tenants();
    const other = Fastify();
    await other.register(basiqFastify, { clients, select: () => 'alpha' });
    await other.close();
    expect(clients.get('alpha').toJSON().closed).toBe(false);
  });
});

describe('next', () => {
  function pagesCall(headers: Record<string, string>) {
    const req = {
      method: 'GET',
      url: '/api/client-token',
      headers,
      query: {},
      cookies: {},
    } as unknown as NextApiRequest;
    const written: { status?: number; body?: string } = {};
    const res = {
      status(code: number) {
        written.status = code;
        return res;
      },
      setHeader: () => res,
      end(body?: string) {
        written.body = body;
        return res;
      },
    } as unknown as NextApiResponse;
    return { req, res, written };
  }

  it('makes no client until the first request, then one per entry, shared with getBasiqClient(options)', async () => {
    const entries = vi.fn(() => ({ alpha: options('alpha-key'), beta: options('beta-key') }));
    const selection = {
      clients: entries,
      select: (request: Request) => request.headers.get('x-tenant') ?? '',
    };
    const { POST } = clientTokenRouteHandlers({ ...selection, resolveUserId: () => undefined });
    expect(entries).not.toHaveBeenCalled();
    const answer = await POST(
      new Request(`http://localhost${ROUTE}`, { method: 'POST', headers: { 'x-tenant': 'beta' } }) as never,
    );
    expect(answer.status).toBe(401);
    expect(entries).toHaveBeenCalledTimes(1);
    // The same process client getBasiqClient gives for those options (one per configuration).
    expect(
      getBasiqClient(selection, new Request('http://localhost/', { headers: { 'x-tenant': 'beta' } })),
    ).toBe(getBasiqClient(options('beta-key')));
    const unknown = await POST(
      new Request(`http://localhost${ROUTE}`, { method: 'POST', headers: { 'x-tenant': 'gamma' } }) as never,
    );
    expect(unknown.status).toBe(500);
    expect(await unknown.json()).toEqual(INTERNAL);

    const made = entries.mock.calls.length; // the route's once, getBasiqClient's selection once

    // closeBasiqClients() closes them; the route's next request makes them again.
    const before = getBasiqClient(options('alpha-key'));
    await closeBasiqClients();
    expect(before.toJSON().closed).toBe(true);
    const again = await POST(
      new Request(`http://localhost${ROUTE}`, { method: 'POST', headers: { 'x-tenant': 'alpha' } }) as never,
    );
    expect(again.status).toBe(401);
    expect(entries).toHaveBeenCalledTimes(made + 1);
  });

  it('getBasiqClient(selection, request) names the client; withBasiqErrors answers an unknown one 500 JSON', async () => {
    const { clients } = tenants();
    const selection = { clients, select: (request: Request) => request.headers.get('x-tenant') ?? '' };
    const at = (tenant: string) => new Request('http://localhost/', { headers: { 'x-tenant': tenant } });
    expect(getBasiqClient(selection, at('alpha'))).toBe(clients.get('alpha'));
    expect(getBasiqClient(selection, at('beta'))).toBe(clients.get('beta'));
    expect(configError(() => getBasiqClient(selection, at('gamma'))).option).toBe('select');
    expect(configError(() => (getBasiqClient as (s: unknown) => BasiqClient)(selection)).option).toBe(
      'request',
    );
    const route = withBasiqErrors(async (request: Request) => {
      getBasiqClient(selection, request);
      return new Response('ok');
    });
    const answer = await route(at('gamma'));
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual(INTERNAL);
  });

  it('the Pages Router route selects from the Pages API request', async () => {
    const { clients, answered } = tenants();
    const route = pagesClientTokenRoute({
      clients,
      select: (req: NextApiRequest) => byHeader(req.headers),
      resolveUserId: () => undefined,
    });
    const call = pagesCall({ 'x-tenant': 'beta' });
    await route(call.req, call.res);
    expect(call.written.status).toBe(401);
    expect(answered()).toEqual(['beta']);
    const unknown = pagesCall({ 'x-tenant': 'gamma' });
    await route(unknown.req, unknown.res);
    expect(unknown.written.status).toBe(500);
    expect(JSON.parse(unknown.written.body!)).toEqual(INTERNAL);
  });

  it('refuses client with clients, and a select that is not a function, when the route is made', () => {
    const { clients } = tenants();
    expect(
      configError(() =>
        clientTokenRouteHandlers({
          client: options('k'),
          clients,
          select: () => 'alpha',
          resolveUserId: () => 'u',
        }),
      ).option,
    ).toBe('client');
    expect(
      configError(() =>
        clientTokenRouteHandlers({ clients, select: 'alpha' as never, resolveUserId: () => 'u' }),
      ).option,
    ).toBe('select');
    expect(
      configError(() => clientTokenRouteHandlers({ clients, select: () => 'alpha' } as never)).option,
    ).toBe('resolveUserId');
  });
});
