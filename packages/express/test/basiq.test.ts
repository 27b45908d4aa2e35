import express from 'express';
import type { Request } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqRequestContext } from '@basiq-token/core';
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
    expect(seen[0]).toBe(client.context());
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBeUndefined();
    expect(Object.keys(seen[0] as object).sort()).toEqual([
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

  it('needs a resolveUserId function for the client-token route', () => {
    const client = createBasiqClient(OPTIONS);
    clients.push(client);
    expect(() => clientTokenRoute(client, {} as never)).toThrow(TypeError);
    expect(() => basiq(client).clientTokenRoute({ resolveUserId: 'user' } as never)).toThrow(TypeError);
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
