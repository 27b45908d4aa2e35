import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import axios, { AxiosError } from 'axios';
import type { AxiosInstance } from 'axios';
import { beforeEach, describe, expect, it } from 'vitest';
import { BasiqApiError, BasiqTokenError } from '../src/errors.js';
import { attachToAxios, createBasiqAxios } from '../src/http/index.js';
import { EXPIRED_BODY, FORBIDDEN_BODY } from './support/http-fixtures.js';
import { closedPortUrl, startCaptureServer } from './support/http-servers.js';
import {
  emu,
  httpOptions,
  leaks,
  logLines,
  other,
  proxy,
  replays,
  source,
  useHttpWorld,
  userId,
} from './support/http-world.js';

let http: AxiosInstance;

const GET_USER = 'GET /users/{userId}';
const POST_USERS = 'POST /users';

useHttpWorld('axios@example.com');

beforeEach(() => {
  http = createBasiqAxios(source, httpOptions());
});

describe('createBasiqAxios: where the token goes', () => {
  it('sends the server token to Basiq', async () => {
    const res = await http.get(`/users/${userId}`);
    expect(res.status).toBe(200);
    expect(res.data.id).toBe(userId);
    const token = await source.getServerToken();
    expect(proxy.received[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(emu.counters.requests[GET_USER]).toBe(1);
    expect(emu.counters.tokenCalls).toBe(1);
  });

  it('never sends it to another host, however the URL is spelled', async () => {
    await http.get(`${other.url}/absolute`);
    await http.get('/base-override', { baseURL: other.url });
    await http.get(`/base-override-absolute`, { baseURL: `${other.url}/` });
    // userinfo trick: the host is the other server; axios turns the userinfo into Basic auth.
    await http.get(`http://127.0.0.1:${proxy.port}@127.0.0.1:${other.port}/userinfo`);
    // a protocol-relative URL is absolute to axios and unparsable without a browser location
    await expect(http.get(`//127.0.0.1:${other.port}/protocol-relative`)).rejects.toThrow();
    expect(other.received.map((r) => r.path)).toEqual([
      '/absolute',
      '/base-override',
      '/base-override-absolute',
      '/userinfo',
    ]);
    for (const r of other.received.slice(0, 3)) expect(r.headers.authorization).toBeUndefined();
    expect(other.received[3]?.headers.authorization).toMatch(/^Basic /);
    expect(source.calls).toBe(0);
  });

  it('with allowAbsoluteUrls: false an absolute URL is a path on Basiq', async () => {
    const res = await http.get(`${other.url}/x`, { allowAbsoluteUrls: false, validateStatus: () => true });
    expect(res.status).toBe(404); // the emulator's route-not-found, reached with the token
    expect(other.received).toHaveLength(0);
    expect(proxy.received[0]?.headers.authorization).toBe(`Bearer ${await source.getServerToken()}`);
  });

  it('does not follow a redirect off Basiq with the token', async () => {
    proxy.respondNext((_req, res) => {
      res.writeHead(307, { location: `${other.url}/redirected` }).end();
      return true;
    });
    const res = await http.get(`/users/${userId}`);
    expect(res.data).toEqual({ ok: true });
    expect(other.received).toHaveLength(1);
    expect(other.received[0]?.headers.authorization).toBeUndefined();
  });

  it('keeps an Authorization the caller set, and does not replay on it', async () => {
    const err = await http
      .get(`/users/${userId}`, { headers: { Authorization: 'Bearer caller-chosen-credential' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BasiqApiError);
    expect((err as BasiqApiError).status).toBe(401);
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual(['Bearer caller-chosen-credential']);
    expect(emu.counters.requests[GET_USER]).toBe(1);
    expect(emu.counters.tokenCalls).toBe(0);
    expect(replays).toEqual([]);
  });
  it.each(['Authorization', 'authorization'])(
    'sends a caller’s literal %s: Bearer [REDACTED] as is, never the server token',
    async (name) => {
      // "[REDACTED]" is what the library writes into what it hands back; a caller (or a browser
      // whose header an app forwards) can send the same text, and it must stay theirs.
      const err = await http
        .get(`/users/${userId}`, { headers: { [name]: 'Bearer [REDACTED]' } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BasiqApiError);
      expect((err as BasiqApiError).status).toBe(401);
      expect(proxy.received.map((r) => r.headers.authorization)).toEqual(['Bearer [REDACTED]']);
      expect(emu.counters.tokenCalls).toBe(0);
      expect(source.calls).toBe(0);
      expect(replays).toEqual([]);
    },
  );

  it('a caller’s Bearer [REDACTED] stays theirs on an attached app instance and over the fetch adapter', async () => {
    const app = axios.create();
    attachToAxios(app, source, { baseUrl: proxy.url, timeoutMs: 2_000 });
    const headers = { Authorization: 'Bearer [REDACTED]' };
    const viaApp = await app.get(`${proxy.url}/users/${userId}`, { headers }).catch((e: unknown) => e);
    const viaFetch = await http
      .get(`/users/${userId}`, { headers, adapter: 'fetch' })
      .catch((e: unknown) => e);
    expect([viaApp, viaFetch].map((e) => (e as BasiqApiError).status)).toEqual([401, 401]);
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual([
      'Bearer [REDACTED]',
      'Bearer [REDACTED]',
    ]);
    expect(source.calls).toBe(0);
  });

  it('a config the library sanitised, re-sent with the caller’s own header, keeps that header', async () => {
    const res = await http.get(`/users/${userId}`);
    res.config.headers.Authorization = 'Bearer caller-chosen-credential';
    await http.request(res.config).catch((e: unknown) => e);
    expect(proxy.received.at(-1)?.headers.authorization).toBe('Bearer caller-chosen-credential');
  });
});

describe('attachToAxios: an app instance', () => {
  it('sends the token only to Basiq, with the timeout, and stops when ejected', async () => {
    const app = axios.create({ baseURL: other.url });
    const eject = attachToAxios(app, source, { baseUrl: proxy.url, timeoutMs: 150 });

    await app.get('/own-api');
    const res = await app.get(`${proxy.url}/users/${userId}`);
    expect(res.status).toBe(200);
    expect(other.received).toHaveLength(1);
    expect(other.received[0]?.headers.authorization).toBeUndefined();
    expect(proxy.received[0]?.headers.authorization).toBe(`Bearer ${await source.getServerToken()}`);

    emu.injectFault({ path: '/users', delayMs: 1_000 });
    const slow = await app.get(`${proxy.url}/users/${userId}`).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(AxiosError);
    expect((slow as AxiosError).code).toMatch(/ECONNABORTED|ETIMEDOUT/);

    eject();
    const after = await app.get(`${proxy.url}/users/${userId}`).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(AxiosError); // not converted any more
    expect((after as AxiosError).response?.status).toBe(403); // no token sent
    expect(proxy.received.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('rejects Basiq error answers with BasiqApiError but leaves other hosts’ errors alone', async () => {
    const failing = await startCaptureServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"oops":true}');
      return true;
    });
    try {
      const app = axios.create();
      attachToAxios(app, source, { baseUrl: proxy.url, timeoutMs: 2_000 });
      const own = await app.get(`${failing.url}/x`).catch((e: unknown) => e);
      expect(own).toBeInstanceOf(AxiosError);
      expect(failing.received[0]?.headers.authorization).toBeUndefined();
      const basiq = await app.get(`${proxy.url}/users/no-such-user`).catch((e: unknown) => e);
      expect(basiq).toBeInstanceOf(BasiqApiError);
      expect((basiq as BasiqApiError).basiqCode).toBe('resource-not-found');
    } finally {
      await failing.close();
    }
  });
});

describe('replay once on a refused token', () => {
  it.each([
    ['expired', 403, 'access-denied'],
    ['invalid', 401, 'invalid-authorization-token'],
  ] as const)('revoked as %s: invalidates, refreshes and replays once', async (as, status, basiqCode) => {
    const first = await source.getServerToken();
    emu.revoke(first, as);
    const res = await http.get(`/users/${userId}`);
    expect(res.status).toBe(200);
    const second = await source.getServerToken();
    expect(second).not.toBe(first);
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${first}`,
      `Bearer ${second}`,
    ]);
    expect(emu.counters.requests[GET_USER]).toBe(2);
    expect(emu.counters.tokenCalls).toBe(2);
    expect(replays).toEqual([{ status, basiqCode }]);
    expect(logLines.join('\n')).toContain('replaying once');
  });

  it('works the same over axios’s fetch adapter', async () => {
    const first = await source.getServerToken();
    emu.revoke(first, 'expired');
    const res = await http.get(`/users/${userId}`, { adapter: 'fetch' });
    expect(res.status).toBe(200);
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${first}`,
      `Bearer ${await source.getServerToken()}`,
    ]);
    const err = await http.get('/users/no-such-user', { adapter: 'fetch' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, basiqCode: 'resource-not-found' });
    expect(leaks(inspect((err as { response?: unknown }).response, { depth: 10 }))).toEqual([]);
  });

  it('a second refusal surfaces as is: exactly 2 requests and 2 /token calls, no loop', async () => {
    emu.injectFault({ path: '/users', times: 5, status: 403, body: EXPIRED_BODY });
    const err = await http.get(`/users/${userId}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BasiqApiError);
    expect(err).toMatchObject({ status: 403, basiqCode: 'access-denied', detail: 'Token has expired' });
    expect(emu.counters.requests[GET_USER]).toBe(2);
    expect(emu.counters.tokenCalls).toBe(2);
    expect(replays).toHaveLength(1);
  });

  it('concurrent requests with the same expired token each replay once and share one refresh', async () => {
    emu.revoke(await source.getServerToken(), 'expired');
    const results = await Promise.all(Array.from({ length: 5 }, () => http.get(`/users/${userId}`)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(emu.counters.requests[GET_USER]).toBe(10);
    expect(emu.counters.tokenCalls).toBe(2);
  });

  it('does not retry 403 forbidden-access', async () => {
    emu.injectFault({ path: '/users', status: 403, body: FORBIDDEN_BODY });
    const err = await http.get(`/users/${userId}`).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, basiqCode: 'forbidden-access' });
    expect(emu.counters.requests[GET_USER]).toBe(1);
    expect(emu.counters.tokenCalls).toBe(1);
    expect(replays).toEqual([]);
  });

  it('does not replay a stream body: the first refusal surfaces', async () => {
    emu.revoke(await source.getServerToken(), 'expired');
    const body = Readable.from([JSON.stringify({ email: 'stream@example.com' })]);
    const err = await http
      .post('/users', body, { headers: { 'Content-Type': 'application/json' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 403, basiqCode: 'access-denied' });
    expect(emu.counters.requests[POST_USERS]).toBe(1);
    expect(emu.counters.tokenCalls).toBe(1);
    expect(replays).toEqual([]);
  });

  const bodies: [string, () => unknown, string | undefined][] = [
    ['a JSON object', () => ({ email: 'json@example.com' }), undefined],
    ['a string', () => JSON.stringify({ email: 'string@example.com' }), 'application/json'],
    ['a Buffer', () => Buffer.from(JSON.stringify({ email: 'buffer@example.com' })), 'application/json'],
    ['URLSearchParams', () => new URLSearchParams({ email: 'form@example.com' }), undefined],
  ];
  it.each(bodies)('replays %s body byte for byte', async (_name, make, contentType) => {
    emu.revoke(await source.getServerToken(), 'expired');
    const headers = contentType ? { 'Content-Type': contentType } : {};
    const res = await http.post('/users', make(), { headers, validateStatus: () => true });
    expect([201, 400]).toContain(res.status); // the emulator only takes JSON; what matters is the replay
    expect(proxy.received).toHaveLength(2);
    const [a, b] = proxy.received;
    expect(b?.body.length).toBeGreaterThan(0);
    expect(b?.body.equals(a!.body)).toBe(true);
    expect(b?.headers['content-type']).toBe(a?.headers['content-type']);
    expect(b?.headers.authorization).not.toBe(a?.headers.authorization);
    expect(emu.counters.requests[POST_USERS]).toBe(2);
  });
});

describe('errors and secrets', () => {
  it('rejects Basiq error bodies with a typed BasiqApiError, raw response non-enumerable', async () => {
    const err = await http.get('/users/no-such-user').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BasiqApiError);
    const apiError = err as BasiqApiError & { response?: { status: number } };
    expect(apiError).toMatchObject({
      status: 404,
      code: 'basiq_api_error',
      basiqCode: 'resource-not-found',
      detail: 'Requested user does not exist.',
    });
    expect(apiError.title).toBeTruthy();
    expect(apiError.correlationId).toMatch(/[0-9a-f-]{36}/);
    expect(apiError.response?.status).toBe(404);
    expect(Object.keys(apiError)).not.toContain('response');
    const shown = [
      JSON.stringify(apiError),
      inspect(apiError, { depth: 10 }),
      apiError.message,
      apiError.stack ?? '',
    ];
    expect(leaks(shown.join('\n'))).toEqual([]);
    expect(leaks(inspect(apiError.response, { depth: 10 }))).toEqual([]);
  });

  it('sanitises network errors: no token in JSON, inspect or message', async () => {
    const dead = createBasiqAxios(source, { baseUrl: await closedPortUrl(), timeoutMs: 2_000 });
    const err = await dead.get(`/users/${userId}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AxiosError);
    const axiosError = err as AxiosError;
    expect(axiosError.code).toBe('ECONNREFUSED');
    expect(source.calls).toBe(1); // the token was fetched and sent
    expect(axiosError.config?.headers.Authorization).toBe('Bearer [REDACTED]');
    const shown = [
      JSON.stringify(axiosError),
      inspect(axiosError, { depth: 10 }),
      inspect(axiosError, { depth: 10, showHidden: true }),
      axiosError.message,
    ];
    expect(leaks(shown.join('\n'))).toEqual([]);
    expect(shown[1]).toContain('[REDACTED]');
  });

  it('sanitises timeouts the same way', async () => {
    emu.injectFault({ path: '/users', delayMs: 1_000 });
    const quick = createBasiqAxios(source, { baseUrl: proxy.url, timeoutMs: 100 });
    const err = await quick.get(`/users/${userId}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AxiosError);
    expect((err as AxiosError).code).toMatch(/ECONNABORTED|ETIMEDOUT/);
    expect(proxy.received[0]?.headers.authorization).toMatch(/^Bearer ey/);
    const shown = [JSON.stringify(err), inspect(err, { depth: 10 }), (err as Error).message];
    expect(leaks(shown.join('\n'))).toEqual([]);
  });

  it('sanitises successful responses, and a re-sent config gets a real token again', async () => {
    const res = await http.get(`/users/${userId}`);
    expect(leaks(inspect(res, { depth: 10 }))).toEqual([]);
    expect(res.config.headers.Authorization).toBe('Bearer [REDACTED]');
    // The raw request is scrubbed when it is read (not on every response), and stays out of JSON.
    expect(Object.keys(res)).not.toContain('request');
    const raw = res.request as { _header?: string; getHeader(name: string): unknown };
    expect(raw._header).toContain('[REDACTED]');
    expect(leaks(`${raw._header} ${String(raw.getHeader('authorization'))}`)).toEqual([]);
    // What retry interceptors do: send the same config again.
    const again = await http.request(res.config);
    expect(again.status).toBe(200);
    const token = await source.getServerToken();
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${token}`,
      `Bearer ${token}`,
    ]);
  });

  it('over the fetch adapter, no request object handed back holds the token', async () => {
    const readAuth = (request: unknown) =>
      request instanceof Request ? String(request.headers.get('authorization')) : '';
    const res = await http.get(`/users/${userId}`, { adapter: 'fetch' });
    expect(proxy.received[0]?.headers.authorization).toMatch(/^Bearer ey/);
    const err = await http.get('/users/no-such-user', { adapter: 'fetch' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BasiqApiError);
    const errResponse = (err as { response?: { request?: unknown } }).response;
    const dead = createBasiqAxios(source, { baseUrl: await closedPortUrl(), timeoutMs: 2_000 });
    const network = await dead.get(`/users/${userId}`, { adapter: 'fetch' }).catch((e: unknown) => e);
    expect(network).toBeInstanceOf(AxiosError);
    const requests = [res.request, errResponse?.request, (network as AxiosError).request];
    expect(requests.map((r) => r instanceof Request)).toEqual([true, true, true]);
    const shown = requests.map(readAuth);
    expect(leaks(shown.join('\n'))).toEqual([]);
    expect(shown).toEqual(['Bearer [REDACTED]', 'Bearer [REDACTED]', 'Bearer [REDACTED]']);
  });

  it('rejects with the token source’s error when no token can be had, sending nothing', async () => {
    const down = createBasiqAxios(
      {
        getServerToken: () =>
          Promise.reject(new BasiqTokenError('basiq_unavailable', 'Basiq is unavailable')),
        invalidateServerToken: async () => undefined,
      },
      { baseUrl: proxy.url, timeoutMs: 2_000 },
    );
    await expect(down.get(`/users/${userId}`)).rejects.toMatchObject({ code: 'basiq_unavailable' });
    expect(proxy.received).toHaveLength(0);
  });
});
