import { request as httpRequest, Agent } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_USER_ID, startEmulator, type BasiqEmulator } from '../src/index.js';
import { UUID, call, clientToken, createUser, getUser, postToken, serverToken } from './helpers.js';

let emu: BasiqEmulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.stop());

describe('faults', () => {
  it.each([
    [500, 'internal-server-error', 'Internal server error'],
    [503, 'service-unavailable', 'Service is currently unavailable'],
    [429, 'too-many-requests', 'Too many requests'],
    [403, 'forbidden-access', 'Invalid request'],
  ])(
    'status %i answers a Basiq-style body by default (as Basiq documents it)',
    async (status, code, detail) => {
      emu.injectFault({ path: '/token', status });
      const res = await postToken(emu);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.body).toMatchObject({ type: 'list', data: [{ type: 'error', code, detail }] });
      expect(res.body.correlationId).toMatch(UUID);
      expect((await postToken(emu)).status).toBe(200); // times defaults to 1
    },
  );

  it('a 403 "Your account has been disabled" row, with a given body and headers', async () => {
    const body = {
      type: 'list',
      correlationId: 'c',
      data: [{ type: 'error', code: 'forbidden-access', detail: 'Your account has been disabled' }],
    };
    emu.injectFault({ path: '/token', status: 403, body, headers: { 'retry-after': '1', 'x-extra': 'yes' } });
    const res = await postToken(emu);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(body);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('x-extra')).toBe('yes');
  });

  it('429 with retry-after', async () => {
    emu.injectFault({ path: '/token', status: 429, headers: { 'retry-after': '1' } });
    const res = await postToken(emu);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body.data[0].detail).toBe('Too many requests');
  });

  it('times: the next N matching requests get it, then normal answers', async () => {
    emu.injectFault({ path: '/token', status: 500, times: 2 });
    expect((await postToken(emu)).status).toBe(500);
    expect((await postToken(emu)).status).toBe(500);
    expect((await postToken(emu)).status).toBe(200);
  });

  it('applies only to its path prefix, and faults queue in order', async () => {
    const token = await serverToken(emu);
    emu.injectFault({ path: '/users', status: 503 });
    emu.injectFault({ path: '/users', status: 500 });
    expect((await postToken(emu)).status).toBe(200);
    expect((await getUser(emu, SEED_USER_ID, token)).status).toBe(503);
    expect((await getUser(emu, SEED_USER_ID, token)).status).toBe(500);
    expect((await getUser(emu, SEED_USER_ID, token)).status).toBe(200);
  });

  it('without a path it applies to any non-control path', async () => {
    emu.injectFault({ status: 500 });
    expect((await call(`${emu.url}/__emulator/counters`)).status).toBe(200);
    expect((await call(`${emu.url}/anything`)).status).toBe(500);
  });

  it('delayMs alone answers normally, late', async () => {
    emu.injectFault({ path: '/token', delayMs: 300 });
    const started = Date.now();
    const res = await postToken(emu);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toBeTruthy();
  });

  it('delayMs with a status answers that status, late', async () => {
    emu.injectFault({ path: '/token', delayMs: 200, status: 503 });
    const started = Date.now();
    expect((await postToken(emu)).status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('a slow answer lets a client time out', async () => {
    emu.injectFault({ path: '/token', delayMs: 2000 });
    await expect(postTokenWithSignal(emu, AbortSignal.timeout(100))).rejects.toThrow();
  });

  it('reset destroys the connection without answering', async () => {
    emu.injectFault({ path: '/token', reset: true });
    await expect(postToken(emu)).rejects.toThrow(/fetch failed/);
    expect((await postToken(emu)).status).toBe(200);
    expect(emu.counters.tokenCalls).toBe(2);
  });

  it('rawBody answers malformed JSON with content-type application/json', async () => {
    emu.injectFault({ path: '/token', status: 200, rawBody: '{"access_token": "abc", ' });
    const res = await fetch(`${emu.url}/token`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('{"access_token": "abc", ');
  });

  it('clearFaults drops queued faults', async () => {
    emu.injectFault({ status: 500, times: 5 });
    emu.clearFaults();
    expect((await postToken(emu)).status).toBe(200);
  });

  it('rejects malformed faults', () => {
    expect(() => emu.injectFault({ status: 42 })).toThrow(TypeError);
    expect(() => emu.injectFault({ path: 'token', status: 500 })).toThrow(TypeError);
    expect(() => emu.injectFault({ status: 500, times: 0 })).toThrow(TypeError);
    expect(() => emu.injectFault({ reset: true, status: 500 })).toThrow(TypeError);
    expect(() => emu.injectFault({ body: {} })).toThrow(TypeError);
    expect(() => emu.injectFault({} as never)).toThrow(TypeError);
    expect(() => emu.injectFault({ status: 500, sttus: 1 } as never)).toThrow(TypeError);
  });
});

function postTokenWithSignal(emu: BasiqEmulator, signal: AbortSignal) {
  return fetch(`${emu.url}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${emu.apiKey}`,
      'basiq-version': '3.0',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'scope=SERVER_ACCESS',
    signal,
  });
}

describe('stop()', () => {
  it('closes promptly with keep-alive sockets and a pending slow answer', async () => {
    const other = await startEmulator();
    const agent = new Agent({ keepAlive: true });
    // Open a keep-alive connection and leave it idle.
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${other.url}/nope`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    other.injectFault({ delayMs: 10_000 });
    const pending = fetch(`${other.url}/token`, { method: 'POST' }).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await other.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    await other.stop(); // idempotent
    agent.destroy();
    await expect(fetch(`${other.url}/nope`)).rejects.toThrow();
  });
});

describe('revocation', () => {
  it('revoke() makes a token answer 403 "Token has expired" by default, 401 with "invalid"', async () => {
    const a = await serverToken(emu);
    const b = await serverToken(emu);
    expect((await getUser(emu, SEED_USER_ID, a)).status).toBe(200);
    emu.revoke(a);
    emu.revoke(b, 'invalid');
    const expired = await getUser(emu, SEED_USER_ID, a);
    expect(expired.status).toBe(403);
    expect(expired.body.data[0]).toMatchObject({ code: 'access-denied', detail: 'Token has expired' });
    const invalid = await getUser(emu, SEED_USER_ID, b);
    expect(invalid.status).toBe(401);
    expect(invalid.body.data[0].code).toBe('invalid-authorization-token');
  });

  it('revokeAll() revokes every token issued so far, not later ones', async () => {
    const a = await serverToken(emu);
    const c = await clientToken(emu, SEED_USER_ID);
    emu.revokeAll('invalid');
    expect((await getUser(emu, SEED_USER_ID, a)).status).toBe(401);
    const consent = await call(`${emu.url}/consent/home?token=${c}`);
    expect(consent.status).toBe(401);
    const fresh = await serverToken(emu);
    expect((await getUser(emu, SEED_USER_ID, fresh)).status).toBe(200);
  });
});

describe('counters and issued tokens', () => {
  it('counts every call per route template, token kinds and errors, as a live view', async () => {
    const counters = emu.counters;
    const server = await serverToken(emu);
    await clientToken(emu, SEED_USER_ID);
    await postToken(emu, { headers: { 'basiq-version': undefined } });
    await getUser(emu, SEED_USER_ID, server);
    await getUser(emu, 'someone-else', server);
    await createUser(emu, server, { email: 'a@b.co' });
    await call(`${emu.url}/consent/home?token=x`);
    await call(`${emu.url}/nope`);
    await call(`${emu.url}/__emulator/counters`);
    expect(counters).toEqual({
      tokenCalls: 3,
      serverTokens: 1,
      clientTokens: 1,
      rateLimited: 0,
      requests: {
        'POST /token': 3,
        'GET /users/{userId}': 2,
        'POST /users': 1,
        'GET /consent/home': 1,
        'GET /nope': 1,
      },
    });
    emu.resetCounters();
    expect(counters).toBe(emu.counters);
    expect(counters).toEqual({
      tokenCalls: 0,
      serverTokens: 0,
      clientTokens: 0,
      rateLimited: 0,
      requests: {},
    });
    await serverToken(emu);
    expect(counters.tokenCalls).toBe(1);
  });

  it('counts faulted calls too', async () => {
    emu.injectFault({ path: '/token', status: 500 });
    await postToken(emu);
    expect(emu.counters).toMatchObject({ tokenCalls: 1, serverTokens: 0, requests: { 'POST /token': 1 } });
  });

  it('issuedTokens() lists every access_token issued, in order, and is a copy', async () => {
    const a = await serverToken(emu);
    const b = await clientToken(emu, 'u1');
    const list = emu.issuedTokens();
    expect(list).toEqual([a, b]);
    list.pop();
    expect(emu.issuedTokens()).toHaveLength(2);
  });
});

describe('control API over HTTP', () => {
  const control = (path: string, method = 'GET', body?: unknown) =>
    call(`${emu.url}/__emulator${path}`, {
      method,
      ...(body !== undefined
        ? {
            headers: { 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          }
        : {}),
    });

  it('GET /counters, POST /reset', async () => {
    await serverToken(emu);
    const counters = await control('/counters');
    expect(counters.status).toBe(200);
    expect(counters.body).toEqual({
      tokenCalls: 1,
      serverTokens: 1,
      clientTokens: 0,
      rateLimited: 0,
      requests: { 'POST /token': 1 },
    });
    expect((await control('/reset', 'POST')).status).toBe(200);
    expect((await control('/counters')).body.tokenCalls).toBe(0);
  });

  it('POST /faults (one or an array), DELETE /faults', async () => {
    const queued = await control('/faults', 'POST', [
      { path: '/token', status: 503, headers: { 'retry-after': '2' } },
      { path: '/token', status: 500 },
    ]);
    expect(queued.status).toBe(200);
    expect(queued.body).toEqual({ ok: true, queued: 2 });
    const first = await postToken(emu);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('2');
    expect((await postToken(emu)).status).toBe(500);
    await control('/faults', 'POST', { path: '/token', status: 500, times: 3 });
    expect((await control('/faults', 'DELETE')).status).toBe(200);
    expect((await postToken(emu)).status).toBe(200);
  });

  it('rejects malformed control requests with 400 and queues nothing', async () => {
    expect((await control('/faults', 'POST', '{oops')).status).toBe(400);
    expect((await control('/faults', 'POST', [{ status: 500 }, { status: 1 }])).status).toBe(400);
    expect((await postToken(emu)).status).toBe(200);
    expect((await control('/revoke', 'POST', {})).status).toBe(400);
    expect((await control('/revoke', 'POST', { all: true, as: 'gone' })).status).toBe(400);
    expect((await control('/token-lifetime', 'POST', { seconds: 'soon' })).status).toBe(400);
    expect((await control('/nope')).status).toBe(404);
  });

  it('POST /revoke ({token, as} and {all}), GET /tokens', async () => {
    const a = await serverToken(emu);
    const b = await serverToken(emu);
    expect((await control('/tokens')).body).toEqual([a, b]);
    await control('/revoke', 'POST', { token: a, as: 'invalid' });
    expect((await getUser(emu, SEED_USER_ID, a)).status).toBe(401);
    expect((await getUser(emu, SEED_USER_ID, b)).status).toBe(200);
    await control('/revoke', 'POST', { all: true });
    expect((await getUser(emu, SEED_USER_ID, b)).status).toBe(403);
  });

  it('POST /token-lifetime, POST /users, GET /info', async () => {
    await control('/token-lifetime', 'POST', { seconds: 5 });
    expect((await postToken(emu)).body.expires_in).toBe(5);
    const created = await control('/users', 'POST', { email: 'ctl@hooli.com' });
    expect(created.body.id).toMatch(UUID);
    expect((await getUser(emu, created.body.id, await serverToken(emu))).body.email).toBe('ctl@hooli.com');
    expect((await control('/info')).body).toEqual({
      url: emu.url,
      port: emu.port,
      apiKey: emu.apiKey,
      applicationId: emu.applicationId,
    });
  });

  it('control requests are neither counted nor faulted', async () => {
    emu.injectFault({ status: 500 });
    expect((await control('/counters')).status).toBe(200);
    expect((await control('/tokens')).status).toBe(200);
    expect(emu.counters.requests).toEqual({});
    expect((await postToken(emu)).status).toBe(500);
  });
});
