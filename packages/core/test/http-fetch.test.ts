import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BasiqApiError, BasiqTokenError } from '../src/errors.js';
import { createBasiqFetch, readBasiqApiError } from '../src/http/index.js';
import type { FetchLike } from '../src/types.js';
import { EXPIRED_BODY, FORBIDDEN_BODY, INVALID_TOKEN_BODY } from './support/http-fixtures.js';
import { startCaptureServer } from './support/http-servers.js';
import {
  emu,
  httpOptions,
  leaks,
  other,
  proxy,
  replays,
  source,
  useHttpWorld,
  userId,
} from './support/http-world.js';

let basiqFetch: FetchLike;

const GET_USER = 'GET /users/{userId}';
const POST_USERS = 'POST /users';
const json = { 'Content-Type': 'application/json' };

useHttpWorld('fetch@example.com');

beforeEach(() => {
  basiqFetch = createBasiqFetch(source, httpOptions());
});

describe('createBasiqFetch: where the token goes', () => {
  it('resolves relative paths against baseUrl and sends the token (string, URL, Request)', async () => {
    const a = await basiqFetch(`/users/${userId}`);
    const b = await basiqFetch(new URL(`${proxy.url}/users/${userId}`));
    const c = await basiqFetch(new Request(`${proxy.url}/users/${userId}`));
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(((await a.json()) as { id: string }).id).toBe(userId);
    const token = await source.getServerToken();
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual(Array(3).fill(`Bearer ${token}`));
    expect(emu.counters.tokenCalls).toBe(1);
  });

  it('never sends it to another host, however the URL is spelled', async () => {
    await basiqFetch(`${other.url}/absolute`);
    await basiqFetch(new Request(`${other.url}/request`));
    await basiqFetch(`//127.0.0.1:${other.port}/protocol-relative`);
    // URLs read a backslash as a slash and drop tabs: both spell "//host" too.
    await basiqFetch(`/\\127.0.0.1:${other.port}/backslash`);
    await basiqFetch(`/\t/127.0.0.1:${other.port}/tab`);
    // fetch refuses URLs with credentials outright; nothing is sent anywhere
    await expect(
      basiqFetch(`http://127.0.0.1:${proxy.port}@127.0.0.1:${other.port}/userinfo`),
    ).rejects.toThrow();
    expect(other.received.map((r) => r.path)).toEqual([
      '/absolute',
      '/request',
      '/protocol-relative',
      '/backslash',
      '/tab',
    ]);
    for (const r of other.received) expect(r.headers.authorization).toBeUndefined();
    expect(proxy.received).toHaveLength(0);
    expect(source.calls).toBe(0);
  });

  it('does not follow a redirect off Basiq with the token', async () => {
    proxy.respondNext((_req, res) => {
      res.writeHead(307, { location: `${other.url}/redirected` }).end();
      return true;
    });
    const res = await basiqFetch(`/users/${userId}`);
    expect(await res.json()).toEqual({ ok: true });
    expect(other.received[0]?.headers.authorization).toBeUndefined();
  });

  it('keeps an Authorization the caller set, and does not replay on it', async () => {
    const res = await basiqFetch(`/users/${userId}`, {
      headers: { authorization: 'Bearer caller-chosen-credential' },
    });
    expect(res.status).toBe(401);
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual(['Bearer caller-chosen-credential']);
    expect(emu.counters.requests[GET_USER]).toBe(1);
    expect(emu.counters.tokenCalls).toBe(0);
  });

  it('sends a caller’s literal Bearer [REDACTED] as is, never the server token', async () => {
    const res = await basiqFetch(`/users/${userId}`, { headers: { Authorization: 'Bearer [REDACTED]' } });
    const req = await basiqFetch(
      new Request(`${proxy.url}/users/${userId}`, { headers: { authorization: 'Bearer [REDACTED]' } }),
    );
    expect([res.status, req.status]).toEqual([401, 401]);
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual([
      'Bearer [REDACTED]',
      'Bearer [REDACTED]',
    ]);
    expect(source.calls).toBe(0);
    expect(emu.counters.tokenCalls).toBe(0);
  });

  it('does not replay a token-looking refusal from another host', async () => {
    const refusing = await startCaptureServer((_req, res) => {
      res.writeHead(401, json).end(JSON.stringify(INVALID_TOKEN_BODY));
      return true;
    });
    try {
      const res = await basiqFetch(`${refusing.url}/x`);
      expect(res.status).toBe(401);
      expect(refusing.received).toHaveLength(1);
      expect(source.calls).toBe(0);
    } finally {
      await refusing.close();
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
    const res = await basiqFetch(`/users/${userId}`);
    expect(res.status).toBe(200);
    const second = await source.getServerToken();
    expect(proxy.received.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${first}`,
      `Bearer ${second}`,
    ]);
    expect(emu.counters.requests[GET_USER]).toBe(2);
    expect(emu.counters.tokenCalls).toBe(2);
    expect(replays).toEqual([{ status, basiqCode }]);
  });

  it('a second refusal is returned as is: exactly 2 requests and 2 /token calls, no loop', async () => {
    emu.injectFault({ path: '/users', times: 5, status: 403, body: EXPIRED_BODY });
    const res = await basiqFetch(`/users/${userId}`);
    expect(res.status).toBe(403);
    const err = await readBasiqApiError(res);
    expect(err).toBeInstanceOf(BasiqApiError);
    expect(err).toMatchObject({ status: 403, basiqCode: 'access-denied', detail: 'Token has expired' });
    expect(await res.json()).toEqual(EXPIRED_BODY); // still readable after readBasiqApiError
    expect(emu.counters.requests[GET_USER]).toBe(2);
    expect(emu.counters.tokenCalls).toBe(2);
  });

  it('does not retry 403 forbidden-access', async () => {
    emu.injectFault({ path: '/users', status: 403, body: FORBIDDEN_BODY });
    const res = await basiqFetch(`/users/${userId}`);
    expect(res.status).toBe(403);
    expect(emu.counters.requests[GET_USER]).toBe(1);
    expect(emu.counters.tokenCalls).toBe(1);
    expect(replays).toEqual([]);
  });

  it('does not replay a stream body or a Request with a body', async () => {
    emu.revoke(await source.getServerToken(), 'expired');
    const payload = JSON.stringify({ email: 'stream@example.com' });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(payload));
        controller.close();
      },
    });
    const a = await basiqFetch('/users', {
      method: 'POST',
      headers: json,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const b = await basiqFetch(
      new Request(`${proxy.url}/users`, { method: 'POST', headers: json, body: payload }),
    );
    expect([a.status, b.status]).toEqual([403, 403]);
    expect(emu.counters.requests[POST_USERS]).toBe(2);
    expect(emu.counters.tokenCalls).toBe(1);
    expect(replays).toEqual([]);
  });

  const bodies: [string, () => NonNullable<RequestInit['body']>, Record<string, string>][] = [
    ['a JSON string', () => JSON.stringify({ email: 'json@example.com' }), json],
    ['a Buffer', () => Buffer.from(JSON.stringify({ email: 'buffer@example.com' })), json],
    ['URLSearchParams', () => new URLSearchParams({ email: 'form@example.com' }), {}],
  ];
  it.each(bodies)('replays %s body byte for byte', async (_name, make, headers) => {
    emu.revoke(await source.getServerToken(), 'expired');
    const res = await basiqFetch('/users', { method: 'POST', headers, body: make() });
    expect([201, 400]).toContain(res.status); // the emulator only takes JSON; what matters is the replay
    const [a, b] = proxy.received;
    expect(proxy.received).toHaveLength(2);
    expect(b?.body.length).toBeGreaterThan(0);
    expect(b?.body.equals(a!.body)).toBe(true);
    expect(b?.headers['content-type']).toBe(a?.headers['content-type']);
    expect(emu.counters.requests[POST_USERS]).toBe(2);
  });
});

describe('timeouts and errors', () => {
  it('aborts an attempt after timeoutMs', async () => {
    emu.injectFault({ path: '/users', delayMs: 1_000 });
    const quick = createBasiqFetch(source, { baseUrl: proxy.url, timeoutMs: 100 });
    const err = await quick(`/users/${userId}`).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError' });
    expect(leaks(`${String(err)} ${JSON.stringify(err)}`)).toEqual([]);
  });

  it('once an attempt timed out, the next ones cut a hung connection at timeoutMs', async () => {
    const closed: string[] = [];
    const hanging = await startCaptureServer((req, res) => {
      res.on('close', () => closed.push(req.path));
      return true; // never answers
    });
    try {
      const quick = createBasiqFetch(source, { baseUrl: hanging.url, timeoutMs: 100 });
      const started = Date.now();
      await expect(quick('/first')).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(Date.now() - started).toBeLessThan(1_000);
      await expect(quick('/second')).rejects.toMatchObject({ name: 'TimeoutError' });
      await vi.waitFor(() => expect(closed).toContain('/second'), { timeout: 2_000 });
      expect(hanging.received.map((r) => r.headers.authorization)).toEqual([
        `Bearer ${await source.getServerToken()}`,
        `Bearer ${await source.getServerToken()}`,
      ]);
    } finally {
      await hanging.close();
    }
  });

  it('an answer that comes after the timeout is released, and the caller sees the timeout', async () => {
    emu.injectFault({ path: '/users', delayMs: 300 });
    const quick = createBasiqFetch(source, { baseUrl: proxy.url, timeoutMs: 100 });
    await expect(quick(`/users/${userId}`)).rejects.toMatchObject({ name: 'TimeoutError' });
    // The late answer arrives and is dropped; the next request is served normally.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await quick(`/users/${userId}`)).status).toBe(200);
  });

  it('still honours the caller’s own signal', async () => {
    const controller = new AbortController();
    // The proxy holds the request unanswered and the caller gives up meanwhile.
    proxy.respondNext(() => {
      controller.abort();
      return true;
    });
    const pending = basiqFetch(`/users/${userId}`, { signal: controller.signal });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('readBasiqApiError types a Basiq error answer', async () => {
    const res = await basiqFetch('/users/no-such-user');
    expect(res.ok).toBe(false);
    const err = await readBasiqApiError(res);
    expect(err).toMatchObject({
      status: 404,
      basiqCode: 'resource-not-found',
      detail: 'Requested user does not exist.',
    });
    expect(err.correlationId).toMatch(/[0-9a-f-]{36}/);
  });

  it('uses an injected fetch', async () => {
    const seen: string[] = [];
    const injected: FetchLike = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const wrapped = createBasiqFetch(source, { baseUrl: proxy.url, timeoutMs: 2_000, fetch: injected });
    expect((await wrapped(`/users/${userId}`)).status).toBe(200);
    expect(seen).toEqual([`${proxy.url}/users/${userId}`]);
  });

  it('rejects with the token source’s error when no token can be had, sending nothing', async () => {
    const down = createBasiqFetch(
      {
        getServerToken: () =>
          Promise.reject(new BasiqTokenError('basiq_unavailable', 'Basiq is unavailable')),
        invalidateServerToken: async () => undefined,
      },
      { baseUrl: proxy.url, timeoutMs: 2_000 },
    );
    await expect(down(`/users/${userId}`)).rejects.toBeInstanceOf(BasiqTokenError);
    expect(proxy.received).toHaveLength(0);
  });
});
