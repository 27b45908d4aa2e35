import express from 'express';
import type { Request } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, ClientToken } from '@basiq-token/core';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext as BasiqRequestContext } from '@basiq-token/core/axios';
import { basiq, clientTokenRoute } from '@basiq-token/express';

// Creating a client contacts nothing, so these need no emulator; behaviour over HTTP with
// Basiq is the conformance suite's (test/conformance/express.test.ts).
const OPTIONS = { apiKey: 'test-key', baseUrl: 'http://127.0.0.1:9', logger: false as const };

describe('@basiq-token/express basiq()', () => {
  const clients: BasiqClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });

  it('puts the one request context of the client on req.basiq, where it is mounted', async () => {
    const client = createBasiqClient(OPTIONS);
    clients.push(client);
    const app = express();
    app.use('/api', basiq(client));
    const seen: unknown[] = [];
    app.get(['/api/ctx', '/other'], (req, res) => {
      seen.push(req.basiq);
      res.end();
    });
    await request(app).get('/api/ctx').expect(200);
    await request(app).get('/api/ctx').expect(200);
    await request(app).get('/other').expect(200);
    expect(seen[0]).toBe(basiqRequestContext(client));
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBeUndefined();
    expect(Object.keys(seen[0] as object).sort()).toEqual([
      'api',
      'fetch',
      'getClientToken',
      'getServerToken',
      'http',
    ]);
  });

  it('types req.basiq through declaration merging', () => {
    expectTypeOf<Request['basiq']>().toEqualTypeOf<BasiqRequestContext>();
  });

  it('creates and owns a client from options, and close() closes it', async () => {
    const middleware = basiq(OPTIONS);
    await middleware.close();
    await expect(middleware.client.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });
  });

  it('leaves a client it was given open on close()', async () => {
    const client = createBasiqClient(OPTIONS);
    clients.push(client);
    const middleware = basiq(client);
    expect(middleware.client).toBe(client);
    await middleware.close();
    const route = await client.handleClientTokenRequest(undefined);
    expect(route.status).toBe(401);
  });

  it('rejects wrong options at once', () => {
    expect(() => basiq({ apiKey: '' })).toThrow(BasiqConfigError);
  });

  it('checks the client-token route options at once, with core’s BasiqConfigError', () => {
    const client = createBasiqClient(OPTIONS);
    clients.push(client);
    for (const [options, option] of [
      [{}, 'clientTokenRoute.resolveUserId'],
      [{ resolveUserId: 'user' }, 'clientTokenRoute.resolveUserId'],
      [{ resolveUserId: () => 'u', method: 'DELETE' }, 'clientTokenRoute.method'],
      [{ resolveUserId: () => 'u', path: '/t?x=1' }, 'clientTokenRoute.path'],
    ] as const) {
      expect(() => basiq(client).clientTokenRoute(options as never)).toThrow(
        expect.objectContaining({ name: 'BasiqConfigError', code: 'invalid_options', option }),
      );
    }
  });

  it('with a path, answers only that path and its methods and passes everything else on', async () => {
    const client = createBasiqClient(OPTIONS);
    clients.push(client);
    const app = express();
    app.use(
      clientTokenRoute(client, { path: 'basiq/token', methods: ['get', 'POST'], resolveUserId: () => '' }),
    );
    app.use((_req, res) => {
      res.json({ passed: true });
    });
    expect((await request(app).post('/basiq/token')).status).toBe(401);
    expect((await request(app).get('/basiq/token')).status).toBe(401);
    expect((await request(app).put('/basiq/token')).body).toEqual({ passed: true });
    expect((await request(app).post('/elsewhere')).body).toEqual({ passed: true });
  });

  it("answers the bare token as a JSON string with body: 'token'; errors keep their shape", async () => {
    const client = createBasiqClient(OPTIONS);
    clients.push(client);
    const issued: ClientToken = {
      accessToken: 'eyJ.client.token',
      tokenType: 'Bearer',
      expiresIn: 1800,
      expiresAt: Date.now() + 1_800_000,
      userId: 'user-1',
    };
    client.getClientToken = async () => issued;
    const app = express();
    app.get('/token', clientTokenRoute(client, { body: 'token', resolveUserId: (req) => req.get('x-user') }));
    const ok = await request(app).get('/token').set('x-user', 'user-1');
    expect([ok.status, ok.headers['content-type'], ok.text]).toEqual([
      200,
      'application/json; charset=utf-8',
      JSON.stringify(issued.accessToken),
    ]);
    const anonymous = await request(app).get('/token');
    expect(anonymous.status).toBe(401);
    expect((anonymous.body as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it("copies core's answer out as is, with no ETag", async () => {
    const client = createBasiqClient(OPTIONS);
    clients.push(client);
    const app = express();
    const middleware = basiq(client);
    app.use(middleware);
    app.post('/token', middleware.clientTokenRoute({ resolveUserId: () => 'not a valid id' }));
    const expected = await client.handleClientTokenRequest('not a valid id');
    const res = await request(app).post('/token');
    expect(res.status).toBe(expected.status);
    expect(res.body).toEqual(expected.body);
    for (const [name, value] of Object.entries(expected.headers))
      expect(res.headers[name.toLowerCase()]).toBe(value);
    expect(res.headers.etag).toBeUndefined();
  });
});
