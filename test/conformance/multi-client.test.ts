/**
 * Several Basiq applications in one process, through every adapter's `{ clients, select }`: one
 * emulator with two applications (`addApiKey()`), two clients sharing ONE store (in memory, and a
 * real Redis when redis-server is there), hundreds of interleaved requests each naming its tenant
 * in a header. What must hold: every server token Basiq saw on a request (read at a recording
 * proxy in front of the emulator, through both `fetch` and axios) and every client token the
 * route answered belongs to the application the request selected; a user id gets a different
 * client token from each application and never the other's; an unknown tenant gets core's
 * `500 internal_error` JSON without a client name and without a call to Basiq.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';
import express4 from 'express4';
import express5 from 'express5';
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import type { Context as KoaContext } from 'koa';
import { Hono } from 'hono';
import { createAdaptorServer } from '@hono/node-server';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, createBasiqClients } from '@basiq-token/core';
import type { BasiqClientRegistry, BasiqOptions, TokenStore } from '@basiq-token/core';
import { basiqAxios } from '@basiq-token/core/axios';
import { basiq as basiqExpress } from '@basiq-token/express';
import { basiq as basiqKoa } from '@basiq-token/koa';
import { basiq as basiqHono } from '@basiq-token/hono';
import type { BasiqEnv } from '@basiq-token/hono';
import { basiqFastify } from '@basiq-token/fastify';
import { clientTokenRouteHandlers, getBasiqClient, withBasiqErrors } from '@basiq-token/next';
import { createRedisStore } from '@basiq-token/redis';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { fetchListener } from '../support/servers/fetch-listener.js';
import { noteRedisSkip, redisSupport, startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';

noteRedisSkip('several Basiq applications sharing a RedisStore');

const TENANTS = ['alpha', 'beta'] as const;
type Tenant = (typeof TENANTS)[number];
const USERS = Array.from({ length: 6 }, (_, i) => `multi-user-${i}`);
const REQUESTS = 300;
const ROUTE = '/basiq/client-token';
const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} };

/** Tenant for the request, as each app reads it: the `x-tenant` header, as given. */
const tenantOf = (headers: { [name: string]: unknown }): string => headers['x-tenant'] as string;
const userOf = (headers: { [name: string]: unknown }): unknown => headers['x-user'];

/** One app on one adapter, given the registry; answers the contract below. */
interface App {
  url: string;
  close(): Promise<void>;
}
/**
 * The contract every app keeps: `POST /basiq/client-token` for the `x-user` user, and
 * `GET /probe/:probe?via=fetch|http` calling Basiq's `GET /users/{seed}` with `x-probe: <probe>`
 * through the selected client's `fetch` or axios `http`, answering `{status}`.
 */
type AppFactory = (clients: BasiqClientRegistry) => Promise<App>;

async function listening(server: Server, close: () => Promise<void> = async () => {}): Promise<App> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}

type Context = { fetch: (path: string, init?: RequestInit) => Promise<Response> } & {
  http?: { get(path: string, config: { headers: Record<string, string> }): Promise<{ status: number }> };
};

async function probe(context: Context, probeId: string, via: unknown): Promise<number> {
  const path = `/users/${SEED_USER_ID}`;
  if (via === 'http' && context.http) {
    return (await context.http.get(path, { headers: { 'x-probe': probeId } })).status;
  }
  return (await context.fetch(path, { headers: { 'x-probe': probeId } })).status;
}

function expressApp(createExpress: typeof express4): AppFactory {
  return async (clients) => {
    const app = createExpress();
    const middleware = basiqExpress({ clients, select: (req: ExpressRequest) => tenantOf(req.headers) });
    app.use(middleware);
    app.post(ROUTE, middleware.clientTokenRoute({ resolveUserId: (req) => userOf(req.headers) }));
    app.get('/probe/:probe', (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
      probe(req.basiq, String(req.params.probe), req.query.via)
        .then((status) => res.json({ status }))
        .catch(next);
    });
    app.use(middleware.errorHandler());
    return listening(createServer(app), () => middleware.close());
  };
}

function koaApp(KoaClass: typeof Koa2): AppFactory {
  return async (clients) => {
    const app = new KoaClass();
    app.silent = true;
    const middleware = basiqKoa({ clients, select: (ctx: KoaContext) => tenantOf(ctx.headers) });
    app.use(middleware);
    app.use(middleware.clientTokenRoute({ resolveUserId: (ctx) => userOf(ctx.headers), path: ROUTE }));
    app.use(async (ctx) => {
      const match = /^\/probe\/([^/]+)$/.exec(ctx.path);
      if (!match || ctx.method !== 'GET') return;
      ctx.body = { status: await probe(ctx.state.basiq, match[1] as string, ctx.query.via) };
    });
    return listening(createServer(app.callback()), () => middleware.close());
  };
}

const honoApp: AppFactory = async (clients) => {
  const app = new Hono<BasiqEnv>();
  const middleware = basiqHono({ clients, select: (c) => tenantOf(c.req.header()) });
  app.use(middleware);
  app.post(ROUTE, middleware.clientTokenRoute({ resolveUserId: (c) => userOf(c.req.header()) }));
  app.get('/probe/:probe', async (c) =>
    c.json({ status: await probe(c.var.basiq, c.req.param('probe'), c.req.query('via')) }),
  );
  app.onError(middleware.onError());
  return listening(createAdaptorServer({ fetch: app.fetch }) as Server, () => middleware.close());
};

const fastifyApp: AppFactory = async (clients) => {
  const app = Fastify();
  await app.register(basiqFastify, {
    clients,
    select: (request) => tenantOf(request.headers),
    clientTokenRoute: { resolveUserId: (request) => userOf(request.headers) },
  });
  app.get<{ Params: { probe: string }; Querystring: { via?: string } }>('/probe/:probe', async (request) => ({
    status: await probe(request.basiq, request.params.probe, request.query.via),
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  };
};

/** Next's App Router handlers, called as Next calls them (a Fetch Request), served over Node. */
const nextApp: AppFactory = async (clients) => {
  const tenants = { clients, select: (request: Request) => tenantOf(Object.fromEntries(request.headers)) };
  const { POST } = clientTokenRouteHandlers({
    ...tenants,
    resolveUserId: (request) => request.headers.get('x-user') ?? undefined,
  });
  const probeRoute = withBasiqErrors(async (request: Request) => {
    const url = new URL(request.url);
    const client = getBasiqClient(tenants, request);
    const context = { fetch: client.fetch, http: basiqAxios(client) };
    const status = await probe(context, url.pathname.slice('/probe/'.length), url.searchParams.get('via'));
    return Response.json({ status });
  });
  const handler = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === ROUTE) return POST(request as never);
    if (pathname.startsWith('/probe/')) return probeRoute(request);
    return new Response('not found', { status: 404 });
  };
  return listening(createServer(fetchListener(handler)));
};

const ADAPTERS: Array<[string, AppFactory]> = [
  ['express 4', expressApp(express4)],
  ['express 5', expressApp(express5)],
  ['koa 2', koaApp(Koa2)],
  ['koa 3', koaApp(Koa3 as typeof Koa2)],
  ['hono', honoApp],
  ['fastify', fastifyApp],
  ['next (App Router)', nextApp],
];

/** What reached Basiq: each probed request's Authorization, by probe id. */
class RecordingProxy {
  readonly seen = new Map<string, string[]>();
  unprobed = 0;
  #server: Server | undefined;
  url = '';

  async start(target: string): Promise<void> {
    const { hostname, port } = new URL(target);
    this.#server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const probeId = req.headers['x-probe'];
      if (typeof probeId === 'string') {
        const list = this.seen.get(probeId) ?? [];
        list.push(String(req.headers.authorization ?? ''));
        this.seen.set(probeId, list);
      } else if (req.url !== '/token') {
        this.unprobed++;
      }
      const upstream = httpRequest(
        { hostname, port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

let emulator: BasiqEmulator;
const proxy = new RecordingProxy();
const applications = {} as Record<Tenant, { apiKey: string; applicationId: string }>;

beforeAll(async () => {
  emulator = await startEmulator();
  applications.alpha = { apiKey: emulator.apiKey, applicationId: emulator.applicationId };
  applications.beta = emulator.addApiKey();
  expect(applications.beta.applicationId).not.toBe(applications.alpha.applicationId);
  await proxy.start(emulator.url);
});

afterAll(async () => {
  await proxy.stop();
  await emulator?.stop();
});

function registry(store: TokenStore): BasiqClientRegistry<Tenant> {
  const entry = (tenant: Tenant): BasiqOptions => ({
    apiKey: applications[tenant].apiKey,
    baseUrl: proxy.url,
    store,
    logger: silent,
  });
  return createBasiqClients({ alpha: entry('alpha'), beta: entry('beta') });
}

const applicationOf = (token: string): unknown => decodeJwt(token).applicationid;

async function send(app: App, path: string, headers: Record<string, string>, method = 'GET') {
  const response = await fetch(`${app.url}${path}`, { method, headers });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

/** The scenario, for one adapter and one shared store. */
async function scenario(factory: AppFactory, store: TokenStore): Promise<void> {
  const clients = registry(store);
  const app = await factory(clients);
  try {
    const run = randomUUID().slice(0, 8);
    const jobs = Array.from({ length: REQUESTS }, (_, i) => {
      // Interleaved: neighbours differ in tenant, kind and user.
      const k = Math.floor(i / 3);
      const user = USERS[k % USERS.length] as string;
      const tenant = TENANTS[(Math.floor(k / USERS.length) + i) % 2] as Tenant;
      const kind = (['token', 'fetch', 'http'] as const)[i % 3]!;
      const headers = { 'x-tenant': tenant, 'x-user': user };
      if (kind === 'token') {
        return send(app, ROUTE, headers, 'POST').then((answer) => ({ tenant, user, kind, answer }));
      }
      const probeId = `${run}-${i}`;
      return send(app, `/probe/${probeId}?via=${kind}`, headers).then((answer) => ({
        tenant,
        user,
        kind,
        probeId,
        answer,
      }));
    });
    const results = await Promise.all(jobs);

    const tokensByUser = new Map<string, Record<Tenant, Set<string>>>();
    for (const result of results) {
      expect(result.answer.status, result.answer.text).toBe(200);
      const expected = applications[result.tenant].applicationId;
      if (result.kind === 'token') {
        const token = result.answer.json.access_token as string;
        const claims = decodeJwt(token);
        expect(claims.applicationid).toBe(expected);
        expect(claims.userId).toBe(result.user);
        const perTenant = tokensByUser.get(result.user) ?? { alpha: new Set(), beta: new Set() };
        perTenant[result.tenant].add(token);
        tokensByUser.set(result.user, perTenant);
      } else {
        expect(result.answer.json).toEqual({ status: 200 });
        const seen = proxy.seen.get((result as { probeId: string }).probeId) ?? [];
        // Once, or more if a token expired and was replayed: every time with the tenant's token.
        expect(seen.length).toBeGreaterThan(0);
        for (const authorization of seen) {
          expect(authorization).toMatch(/^Bearer /);
          expect(applicationOf(authorization.slice('Bearer '.length))).toBe(expected);
        }
      }
    }
    // Both tenants' tokens were asked for each user, and none was ever answered for the other.
    for (const user of USERS) {
      const perTenant = tokensByUser.get(user)!;
      expect(perTenant.alpha.size).toBeGreaterThan(0);
      expect(perTenant.beta.size).toBeGreaterThan(0);
      for (const token of perTenant.alpha) expect(perTenant.beta.has(token)).toBe(false);
    }

    // An unknown tenant, or none: core's 500 JSON, no client name, nothing sent to Basiq.
    const before = { token: emulator.counters.tokenCalls, unprobed: proxy.unprobed, probes: proxy.seen.size };
    const unknown: Array<Record<string, string>> = [
      { 'x-tenant': 'gamma', 'x-user': USERS[0]! },
      { 'x-user': USERS[0]! },
    ];
    for (const headers of unknown) {
      for (const [path, method] of [
        [ROUTE, 'POST'],
        [`/probe/${run}-unknown?via=fetch`, 'GET'],
      ] as const) {
        const answer = await send(app, path, headers, method);
        expect(answer.status, `${method} ${path}`).toBe(500);
        expect(answer.json).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
        expect(answer.text).not.toMatch(/alpha|beta|gamma/);
      }
    }
    expect(proxy.seen.has(`${run}-unknown`)).toBe(false);
    expect(proxy.unprobed).toBe(before.unprobed);
    expect(emulator.counters.tokenCalls).toBe(before.token);
  } finally {
    await app.close();
    await clients.close();
  }
}

let redis: RedisServerHandle | undefined;
let connection: Redis | undefined;
beforeAll(async () => {
  if (!redisSupport.available) return;
  redis = await startRedisServer();
  connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  connection.on('error', () => {});
});
afterAll(async () => {
  connection?.disconnect();
  await redis?.stop();
});

describe.each(ADAPTERS)('several Basiq applications on %s', (_name, factory) => {
  it('one in-memory store shared by both: every token is the selected application’s, under concurrency', async () => {
    await scenario(factory, new MemoryStore());
  });

  it.skipIf(!redisSupport.available)(
    'one RedisStore shared by both: every token is the selected application’s, under concurrency',
    async () => {
      const raw = connection as Redis;
      const prefix = `multi:${randomUUID()}:`;
      await scenario(factory, createRedisStore({ client: raw, prefix }));
      // Both applications' records are in the one Redis, and neither key nor token in clear.
      const keys = await raw.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      const text = (await Promise.all(keys.map(async (key) => `${key} ${await dump(raw, key)}`))).join('\n');
      for (const { apiKey } of Object.values(applications)) expect(text).not.toContain(apiKey);
      expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    },
  );
});

async function dump(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  if (type === 'string') return (await redis.get(key)) ?? '';
  if (type === 'zset') return (await redis.zrange(key, '0', '-1')).join(' ');
  if (type === 'hash') return JSON.stringify(await redis.hgetall(key));
  return type;
}
