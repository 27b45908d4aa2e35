import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt } from 'jose';
import {
  BasiqConfigError,
  createBasiqClient,
  createClientTokenFetchHandler,
  routeResponseToFetch,
} from '@basiq-token/core';
import type { BasiqClient, RouteResponse } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';

const URL_BASE = 'http://app.test';

function request(method = 'POST', path = '/basiq/client-token', user?: string): Request {
  return new Request(`${URL_BASE}${path}`, {
    method,
    headers: user === undefined ? {} : { 'x-user': user },
  });
}

const fromHeader = (req: Request) => req.headers.get('x-user') ?? undefined;

/** A client whose route answer is fixed, to see how the handler copies it out. */
function stubClient(answer: RouteResponse) {
  const handleClientTokenRequest = vi.fn(async (_userId: unknown) => answer);
  return { client: { handleClientTokenRequest } as unknown as BasiqClient, handleClientTokenRequest };
}

async function snapshot(res: Response) {
  return { status: res.status, headers: Object.fromEntries(res.headers), body: JSON.parse(await res.text()) };
}

describe('createClientTokenFetchHandler (stub client)', () => {
  const ok: RouteResponse = {
    status: 200,
    headers: {
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Content-Type': 'application/json; charset=utf-8',
    },
    body: { access_token: 'client.jwt.token', token_type: 'Bearer', expires_in: 1799 },
  };

  it('passes what resolveUserId returned (sync or async) to the client and copies the answer out', async () => {
    const { client, handleClientTokenRequest } = stubClient(ok);
    const sync = createClientTokenFetchHandler(client, { resolveUserId: fromHeader });
    const res = await snapshot(await sync(request('POST', '/basiq/client-token', 'user-1')));
    expect(handleClientTokenRequest).toHaveBeenLastCalledWith('user-1');
    expect(res).toEqual({
      status: 200,
      headers: {
        'cache-control': 'no-store',
        pragma: 'no-cache',
        'content-type': 'application/json; charset=utf-8',
      },
      body: ok.body,
    });
    const async = createClientTokenFetchHandler(client, { resolveUserId: async () => 'user-2' });
    await async(request());
    expect(handleClientTokenRequest).toHaveBeenLastCalledWith('user-2');
  });

  it("answers the bare token as a JSON string with body: 'token', and errors unchanged", async () => {
    const handler = createClientTokenFetchHandler(stubClient(ok).client, {
      resolveUserId: fromHeader,
      body: 'token',
    });
    const res = await handler(request('POST', '/x', 'user-1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('"client.jwt.token"');

    const refused: RouteResponse = {
      status: 429,
      headers: { ...ok.headers, 'Retry-After': '42' },
      body: { error: { code: 'token_budget_exhausted', message: 'Too many.' } },
    };
    const limited = createClientTokenFetchHandler(stubClient(refused).client, {
      resolveUserId: fromHeader,
      body: 'token',
    });
    const answer = await snapshot(await limited(request('POST', '/x', 'user-1')));
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('42');
    expect(answer.body).toEqual(refused.body);
  });

  it('answers 405 with Allow for a method not allowed, without resolving the user', async () => {
    const { client, handleClientTokenRequest } = stubClient(ok);
    const resolveUserId = vi.fn(fromHeader);
    const post = createClientTokenFetchHandler(client, { resolveUserId });
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const res = await snapshot(await post(request(method)));
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.error.code).toBe('method_not_allowed');
    }
    expect(resolveUserId).not.toHaveBeenCalled();
    expect(handleClientTokenRequest).not.toHaveBeenCalled();

    const both = createClientTokenFetchHandler(client, { resolveUserId, methods: ['GET', 'POST'] });
    expect((await both(request('GET', '/x', 'u'))).status).toBe(200);
    expect((await both(request('POST', '/x', 'u'))).status).toBe(200);
    expect((await both(request('PUT'))).headers.get('allow')).toBe('GET, POST');
  });

  it('answers only its path when given one (404 elsewhere)', async () => {
    const handler = createClientTokenFetchHandler(stubClient(ok).client, {
      resolveUserId: fromHeader,
      path: '/api/client-token',
    });
    expect((await handler(request('POST', '/api/client-token', 'u'))).status).toBe(200);
    const other = await snapshot(await handler(request('POST', '/api/client-token/x', 'u')));
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
  });

  it('lets a throwing resolveUserId reject, with the error as thrown (Next redirects survive)', async () => {
    const redirect = Object.assign(new Error('NEXT_REDIRECT'), {
      digest: 'NEXT_REDIRECT;replace;/login;307;',
    });
    const { client, handleClientTokenRequest } = stubClient(ok);
    const handler = createClientTokenFetchHandler(client, {
      resolveUserId: () => {
        throw redirect;
      },
    });
    await expect(handler(request())).rejects.toBe(redirect);
    expect(handleClientTokenRequest).not.toHaveBeenCalled();
  });

  it('takes the client from a function on each request, so it can be made lazily', async () => {
    const { client } = stubClient(ok);
    const getClient = vi.fn(() => client);
    const handler = createClientTokenFetchHandler(getClient, { resolveUserId: fromHeader });
    expect(getClient).not.toHaveBeenCalled();
    await handler(request('POST', '/x', 'u'));
    expect(getClient).toHaveBeenCalledTimes(1);
  });

  it('validates its options at construction', () => {
    const { client } = stubClient(ok);
    for (const [options, option] of [
      [{}, 'resolveUserId'],
      [{ resolveUserId: fromHeader, method: 'PATCH' }, 'method'],
      [{ resolveUserId: fromHeader, path: '' }, 'path'],
      [{ resolveUserId: fromHeader, body: 'text' }, 'body'],
    ] as const) {
      let thrown: unknown;
      try {
        createClientTokenFetchHandler(client, options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BasiqConfigError);
      expect((thrown as BasiqConfigError).option).toBe(option);
    }
    expect(() => createClientTokenFetchHandler({} as BasiqClient, { resolveUserId: fromHeader })).toThrow(
      TypeError,
    );
  });

  it('routeResponseToFetch keeps status, headers and body', async () => {
    const res = await snapshot(routeResponseToFetch({ ...ok, status: 200 }, 'object'));
    expect(res.body).toEqual(ok.body);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});

describe('createClientTokenFetchHandler answers exactly what handleClientTokenRequest answers', () => {
  let emulator: BasiqEmulator;
  let client: BasiqClient;
  beforeAll(async () => {
    emulator = await startEmulator({ tokenLifetimeSec: 3600 });
    client = createBasiqClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      logger: false,
      budget: { limit: 3, serverReserve: 1 },
    });
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.stop();
  });

  it('for 200, 401, 400 and 429 (status, headers, body)', async () => {
    const handler = createClientTokenFetchHandler(client, { resolveUserId: fromHeader });
    const other = emulator.createUser({ email: 'a@example.com' }).id;
    const third = emulator.createUser({ email: 'b@example.com' }).id;
    // 200 twice (a cache hit the second time, the same answer), then 401, 400, and 429 once
    // the budget of 3 (1 kept for the server token) is spent.
    const statuses: number[] = [];
    for (const user of [SEED_USER_ID, SEED_USER_ID, undefined, 'not a user', other, third]) {
      const viaFetch = await snapshot(await handler(request('POST', '/t', user)));
      const direct = await client.handleClientTokenRequest(user);
      const expectedHeaders: Record<string, string> = Object.fromEntries(
        Object.entries(direct.headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      // Retry-After counts down between the two calls; it may have crossed a second.
      if (expectedHeaders['retry-after'] !== undefined) {
        expect(
          Math.abs(Number(viaFetch.headers['retry-after']) - Number(expectedHeaders['retry-after'])),
        ).toBeLessThanOrEqual(1);
        viaFetch.headers['retry-after'] = expectedHeaders['retry-after'];
      }
      statuses.push(viaFetch.status);
      expect(viaFetch.status, String(user)).toBe(direct.status);
      expect(viaFetch.headers, String(user)).toEqual(expectedHeaders);
      if (direct.status === 200) {
        const token = (viaFetch.body as { access_token: string }).access_token;
        expect(decodeJwt(token).userId).toBe(user);
        expect(viaFetch.body).toMatchObject({ token_type: 'Bearer', access_token: token });
      } else {
        expect(viaFetch.body).toEqual(direct.body);
      }
    }
    expect(statuses).toEqual([200, 200, 401, 400, 200, 429]);
    const limited = await handler(request('POST', '/t', emulator.createUser({ email: 'c@example.com' }).id));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });

  it("with body: 'token', the body is the same token the object form carries", async () => {
    const handler = createClientTokenFetchHandler(client, {
      resolveUserId: fromHeader,
      body: 'token',
      methods: ['GET'],
    });
    const res = await handler(request('GET', '/api/client-token', SEED_USER_ID));
    expect(res.status).toBe(200);
    const token = (await res.json()) as unknown;
    expect(typeof token).toBe('string');
    expect(decodeJwt(token as string)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: SEED_USER_ID });
    expect(token).toBe((await client.getClientToken(SEED_USER_ID)).accessToken);
  });
});
