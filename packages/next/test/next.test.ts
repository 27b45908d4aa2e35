import { afterEach, describe, expect, it, vi } from 'vitest';
import { BasiqApiError, BasiqConfigError, BasiqRateLimitError } from '@basiq-token/core';
import type { BasiqClient, RouteResponse } from '@basiq-token/core';
import {
  clientTokenRouteHandlers,
  closeBasiqClients,
  getBasiqClient,
  pagesClientTokenRoute,
  withBasiqApiErrors,
  withBasiqErrors,
} from '@basiq-token/next';
import type { NextApiRequest, NextApiResponse } from 'next/types.js';
import type { NextRequest } from 'next/server.js';

const KEY = 'bmV4dC10ZXN0LWtleS0xMjM0NTY3ODkwYWJjZGVmOmRlYWRiZWVm';
const OTHER_KEY = 'bmV4dC10ZXN0LWtleS1vdGhlci0xMjM0NTY3ODkwOmRlYWRiZWVm';
const SLOT = Symbol.for('basiq-token.next');

afterEach(async () => {
  vi.unstubAllEnvs();
  await closeBasiqClients();
});

const ok: RouteResponse = {
  status: 200,
  headers: {
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Content-Type': 'application/json; charset=utf-8',
  },
  body: { access_token: 'client.jwt.token', token_type: 'Bearer', expires_in: 1799 },
};

/** A client whose route answer is fixed (what the adapter does with it is under test, not core). */
function stubClient(answer: RouteResponse = ok) {
  const handleClientTokenRequest = vi.fn(async (_userId: unknown) => answer);
  const client = {
    handleClientTokenRequest,
    context: () => ({}),
    toJSON: () => ({ closed: false }),
    errorResponse: (error: unknown) => ({
      status: error instanceof BasiqRateLimitError ? 429 : 502,
      headers: { 'Cache-Control': 'no-store', 'Retry-After': '7' },
      body: { error: { code: 'stub', message: 'stub' } },
    }),
  } as unknown as BasiqClient;
  return { client, handleClientTokenRequest };
}

describe('getBasiqClient', () => {
  it('reads BASIQ_API_KEY only when called, and says what is missing', () => {
    vi.stubEnv('BASIQ_API_KEY', '');
    let thrown: unknown;
    try {
      getBasiqClient();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BasiqConfigError);
    expect((thrown as BasiqConfigError).option).toBe('apiKey');
    expect((thrown as Error).message).toContain('BASIQ_API_KEY');

    vi.stubEnv('BASIQ_API_KEY', KEY);
    vi.stubEnv('BASIQ_API_URL', 'http://127.0.0.1:9');
    const client = getBasiqClient();
    expect(client.baseUrl).toBe('http://127.0.0.1:9');
    expect(getBasiqClient()).toBe(client);
  });

  it('keeps one client per configuration on globalThis, across a reload of the module', async () => {
    const first = getBasiqClient({ apiKey: KEY, logger: false });
    // A hot reload: new option objects with the same content, and a fresh copy of the module.
    expect(getBasiqClient({ apiKey: KEY, logger: false })).toBe(first);
    vi.resetModules();
    const reloaded = (await import('../src/index.js')) as typeof import('../src/index.js');
    expect(reloaded.getBasiqClient({ logger: false, apiKey: KEY })).toBe(first);
    // Another configuration is another client.
    const other = getBasiqClient({ apiKey: KEY, logger: false, basiqVersion: '2.1' });
    expect(other).not.toBe(first);
    // The registry is keyed by a hash: the key itself is not kept there.
    const registry = (globalThis as Record<symbol, { clients: Map<string, unknown> }>)[SLOT]!;
    expect([...registry.clients.keys()].join()).not.toContain(KEY);
    expect(registry.clients.size).toBe(2);
  });

  it('never shares a client between two apiKey functions with the same source but other keys', async () => {
    // Two tenants' secret-manager readers: one text, different closures (different applications).
    const reader = (name: string) => () => Promise.resolve(name === 'a' ? KEY : OTHER_KEY);
    const readA = reader('a');
    const a = getBasiqClient({ apiKey: readA, logger: false });
    const b = getBasiqClient({ apiKey: reader('b'), logger: false });
    expect(b).not.toBe(a);
    // The same function object is the same configuration.
    expect(getBasiqClient({ apiKey: readA, logger: false })).toBe(a);
    // Across a reload of the module too: function identities are kept with the registry.
    vi.resetModules();
    const reloaded = (await import('../src/index.js')) as typeof import('../src/index.js');
    expect(reloaded.getBasiqClient({ apiKey: readA, logger: false })).toBe(a);
    expect(reloaded.getBasiqClient({ apiKey: reader('a'), logger: false })).not.toBe(a);
  });

  it('replaces a client that was closed, and returns a client handed in as is', async () => {
    const first = getBasiqClient({ apiKey: KEY, logger: false });
    await first.close();
    const second = getBasiqClient({ apiKey: KEY, logger: false });
    expect(second).not.toBe(first);
    expect(second.toJSON().closed).toBe(false);
    expect(getBasiqClient(second)).toBe(second);
    expect(getBasiqClient(() => second)).toBe(second);
  });
});

describe('clientTokenRouteHandlers', () => {
  const post = (headers: Record<string, string> = {}, method = 'POST') =>
    new Request('http://app.test/basiq/client-token', { method, headers }) as NextRequest;

  it('asks for no client and reads no environment until a request comes', async () => {
    vi.stubEnv('BASIQ_API_KEY', '');
    const { client, handleClientTokenRequest } = stubClient();
    const source = vi.fn(() => client);
    const { GET, POST } = clientTokenRouteHandlers({
      client: source,
      resolveUserId: (r) => r.headers.get('x-user'),
    });
    expect(source).not.toHaveBeenCalled();
    const res = await POST(post({ 'x-user': 'user-1' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(ok.body);
    expect(handleClientTokenRequest).toHaveBeenCalledWith('user-1');
    // GET is exported too, and answers the route's own 405 unless the app allows it.
    const get = await GET(post({}, 'GET'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it("lets resolveUserId's errors (Next's redirect()) through unchanged", async () => {
    const redirect = Object.assign(new Error('NEXT_REDIRECT'), {
      digest: 'NEXT_REDIRECT;replace;/login;307;',
    });
    const { POST } = clientTokenRouteHandlers({
      client: stubClient().client,
      resolveUserId: () => {
        throw redirect;
      },
    });
    await expect(POST(post())).rejects.toBe(redirect);
  });

  it('checks its options at once', () => {
    expect(() => clientTokenRouteHandlers({ resolveUserId: 'x' as never })).toThrow(BasiqConfigError);
    expect(() => clientTokenRouteHandlers({ resolveUserId: () => 'u', method: 'PUT' as never })).toThrow(
      BasiqConfigError,
    );
  });
});

/** A Pages API request and response, as far as the route uses them. */
function pagesCall(method: string, headers: Record<string, string> = {}, url = '/api/client-token') {
  const req = { method, url, headers, query: {}, cookies: {} } as unknown as NextApiRequest;
  const written: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
  const res = {
    status(code: number) {
      written.status = code;
      return res;
    },
    setHeader(name: string, value: string) {
      written.headers[name.toLowerCase()] = value;
      return res;
    },
    end(body?: string) {
      written.body = body;
      return res;
    },
  } as unknown as NextApiResponse;
  return { req, res, written };
}

describe('pagesClientTokenRoute', () => {
  it("speaks the starter kit's contract by default: GET, the bare token, the user from resolveUserId(req)", async () => {
    const { client, handleClientTokenRequest } = stubClient();
    const resolveUserId = vi.fn((req: NextApiRequest) => req.headers['x-user']);
    const route = pagesClientTokenRoute({ client, resolveUserId });
    const call = pagesCall('GET', { 'x-user': 'user-1' }, '/api/client-token?userId=someone-else');
    await route(call.req, call.res);
    expect(resolveUserId).toHaveBeenCalledWith(call.req);
    expect(handleClientTokenRequest).toHaveBeenCalledWith('user-1');
    expect(call.written.status).toBe(200);
    expect(call.written.body).toBe('"client.jwt.token"');
    expect(call.written.headers['cache-control']).toBe('no-store');

    for (const method of ['POST', 'TRACE', 'CONNECT']) {
      const refused = pagesCall(method);
      await route(refused.req, refused.res);
      expect(refused.written.status, method).toBe(405);
      expect(refused.written.headers.allow).toBe('GET');
    }
  });

  it('answers the object form over POST when asked to', async () => {
    const route = pagesClientTokenRoute({
      client: stubClient().client,
      method: 'POST',
      body: 'object',
      resolveUserId: () => 'user-1',
    });
    const call = pagesCall('POST');
    await route(call.req, call.res);
    expect(JSON.parse(call.written.body!)).toEqual(ok.body);
  });
});

describe('withBasiqErrors / withBasiqApiErrors', () => {
  it('answers a Basiq error as the route does and rethrows anything else as thrown', async () => {
    const { client } = stubClient();
    const onError = vi.fn();
    const refused = new BasiqApiError(404, { type: 'list', data: [] });
    const wrapped = withBasiqErrors(
      async (request: Request) => {
        if (request.headers.has('x-basiq')) throw refused;
        if (request.headers.has('x-limited')) throw new BasiqRateLimitError('over budget');
        throw Object.assign(new Error('NEXT_NOT_FOUND'), { digest: 'NEXT_HTTP_ERROR_FALLBACK;404' });
      },
      { client, onError },
    );
    const answered = await wrapped(new Request('http://app.test/x', { headers: { 'x-basiq': '1' } }));
    expect(answered.status).toBe(502);
    expect(answered.headers.get('cache-control')).toBe('no-store');
    expect(onError).toHaveBeenCalledWith(refused);
    const limited = await wrapped(new Request('http://app.test/x', { headers: { 'x-limited': '1' } }));
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    await expect(wrapped(new Request('http://app.test/x'))).rejects.toMatchObject({
      message: 'NEXT_NOT_FOUND',
    });

    const api = withBasiqApiErrors(
      async (req: NextApiRequest) => {
        if (req.headers['x-basiq']) throw refused;
        throw new TypeError('app bug');
      },
      { client },
    );
    const call = pagesCall('GET', { 'x-basiq': '1' });
    await api(call.req, call.res);
    expect(call.written.status).toBe(502);
    expect(JSON.parse(call.written.body!)).toEqual({ error: { code: 'stub', message: 'stub' } });
    const bug = pagesCall('GET');
    await expect(api(bug.req, bug.res)).rejects.toBeInstanceOf(TypeError);
  });
});
