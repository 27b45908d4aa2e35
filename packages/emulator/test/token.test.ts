import { connect } from 'node:net';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BasiqEmulator,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RATE_WINDOW_MS,
  SEED_USER_ID,
  startEmulator,
} from '../src/index.js';
import {
  UUID,
  call,
  expectLikeFixture,
  fakeClock,
  fixture,
  getUser,
  postToken,
  serverToken,
} from './helpers.js';

describe('POST /token', () => {
  let emu: BasiqEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  it('listens on 127.0.0.1 with a Basiq-shaped random key', () => {
    expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
    expect(emu.port).toBeGreaterThan(0);
    const decoded = Buffer.from(emu.apiKey, 'base64').toString('utf8');
    const [a, b] = decoded.split(':');
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
  });

  it('issues a SERVER_ACCESS token shaped like fixtures/postToken.json', async () => {
    const res = await postToken(emu);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(fixture('postToken')).sort());
    expect(res.body.expires_in).toBe(3600);
    expect(res.body.token_type).toBe('Bearer');
    const header = decodeProtectedHeader(res.body.access_token);
    expect(header.alg).toBe('HS256');
    const claims = decodeJwt(res.body.access_token);
    expect(claims.scope).toBe('SERVER_ACCESS');
    expect(claims.userId).toBeUndefined();
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(Math.abs(claims.iat! * 1000 - Date.now())).toBeLessThan(5000);
    expect(claims.jti).toMatch(UUID);
    expect(claims.partnerid).toMatch(UUID);
    expect(claims.applicationid).toBe(Buffer.from(emu.apiKey, 'base64').toString('utf8').split(':')[0]);
  });

  it('issues a CLIENT_ACCESS token bound to the userId', async () => {
    const res = await postToken(emu, { scope: 'CLIENT_ACCESS', userId: 'user-42' });
    expect(res.status).toBe(200);
    const claims = decodeJwt(res.body.access_token);
    expect(claims.scope).toBe('CLIENT_ACCESS');
    expect(claims.userId).toBe('user-42');
  });

  it('gives two tokens issued in the same second different values', async () => {
    const [a, b] = await Promise.all([serverToken(emu), serverToken(emu)]);
    expect(a).not.toBe(b);
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
  });

  it('accepts basiq-version 2.0, 2.1 and 3.0, and a form content-type with a charset', async () => {
    for (const version of ['2.0', '2.1', '3.0']) {
      const res = await postToken(emu, {
        headers: {
          'basiq-version': version,
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        },
      });
      expect(res.status, version).toBe(200);
      expect(decodeJwt(res.body.access_token).version).toBe(version);
    }
  });

  describe("Basiq's documented /token errors", () => {
    it('400 "Authorization header parameter is required" without the header', async () => {
      const res = await postToken(emu, { headers: { authorization: undefined } });
      expect(res.status).toBe(400);
      expect(res.body.data[0]).toMatchObject({
        type: 'error',
        code: 'parameter-not-supplied',
        detail: 'Authorization header parameter is required',
      });
    });

    it('400 "Invalid authorization header" when it is not Basic <key>', async () => {
      for (const authorization of [
        `Bearer ${emu.apiKey}`,
        'Basic',
        emu.apiKey,
        `Basic ${emu.apiKey} extra`,
      ]) {
        const res = await postToken(emu, { headers: { authorization } });
        expect(res.status, authorization).toBe(400);
        expect(res.body.data[0]).toMatchObject({
          code: 'parameter-not-valid',
          detail: 'Invalid authorization header',
        });
      }
    });

    it('400 "Invalid authorization header" for a re-encoded key (the docs say re-encoding gives a 400)', async () => {
      const reencoded = Buffer.from(emu.apiKey).toString('base64');
      const res = await postToken(emu, { headers: { authorization: `Basic ${reencoded}` } });
      expect(res.status).toBe(400);
      expect(res.body.data[0].detail).toBe('Invalid authorization header');
    });

    it('400 exactly like fixtures/postTokenBadRequest.json without basiq-version', async () => {
      const res = await postToken(emu, { headers: { 'basiq-version': undefined } });
      expect(res.status).toBe(400);
      expectLikeFixture(res.body, 'postTokenBadRequest', expect);
    });

    it('400 parameter-not-valid for an unsupported basiq-version (0.9)', async () => {
      const res = await postToken(emu, { headers: { 'basiq-version': '0.9' } });
      expect(res.status).toBe(400);
      expect(res.body.data[0]).toMatchObject({
        code: 'parameter-not-valid',
        source: { parameter: 'basiq-version', pointer: 'header/basiq-version' },
      });
    });

    it('404 like fixtures/postTokenNotFound.json for a wrong key (not a 401)', async () => {
      const wrong = Buffer.from(
        '6dd30ce4-d4ba-11ec-9d64-0242ac120002:6dd30ce4-d4ba-11ec-9d64-0242ac120003',
      ).toString('base64');
      const res = await postToken(emu, { headers: { authorization: `Basic ${wrong}` } });
      expect(res.status).toBe(404);
      expectLikeFixture(res.body, 'postTokenNotFound', expect);
    });

    it('400 when the body is not application/x-www-form-urlencoded', async () => {
      const res = await postToken(emu, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scope: 'SERVER_ACCESS' }),
      });
      expect(res.status).toBe(400);
      expect(res.body.data[0].code).toBe('invalid-content');
      const none = await call(`${emu.url}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${emu.apiKey}`, 'basiq-version': '3.0' },
      });
      expect(none.status).toBe(400);
    });

    it('400 for a missing or unknown scope', async () => {
      const missing = await postToken(emu, { body: '' });
      expect(missing.status).toBe(400);
      expect(missing.body.data[0]).toMatchObject({
        code: 'parameter-not-supplied',
        source: { parameter: 'scope' },
      });
      const unknown = await postToken(emu, { scope: 'ADMIN_ACCESS' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.data[0]).toMatchObject({
        code: 'parameter-not-valid',
        source: { parameter: 'scope' },
      });
    });

    it('400 parameter-not-supplied for CLIENT_ACCESS without a userId', async () => {
      for (const body of ['scope=CLIENT_ACCESS', 'scope=CLIENT_ACCESS&userId=']) {
        const res = await postToken(emu, { body });
        expect(res.status).toBe(400);
        expect(res.body.data[0]).toMatchObject({
          code: 'parameter-not-supplied',
          source: { parameter: 'userId' },
        });
      }
    });

    it('gives every error answer a fresh correlationId', async () => {
      const a = await postToken(emu, { headers: { 'basiq-version': undefined } });
      const b = await postToken(emu, { headers: { 'basiq-version': undefined } });
      expect(a.body.correlationId).toMatch(UUID);
      expect(a.body.correlationId).not.toBe(b.body.correlationId);
    });
  });

  it('only answers POST on /token', async () => {
    const res = await call(`${emu.url}/token`);
    expect(res.status).toBe(404);
    expect(res.body.data[0].code).toBe('resource-not-found');
  });
});

describe('options', () => {
  it('accepts the apiKey given as-is, and tokenLifetimeSec', async () => {
    const emu = await startEmulator({ apiKey: 'my-test-key', tokenLifetimeSec: 120 });
    try {
      expect(emu.apiKey).toBe('my-test-key');
      const res = await postToken(emu);
      expect(res.status).toBe(200);
      expect(res.body.expires_in).toBe(120);
      const claims = decodeJwt(res.body.access_token);
      expect(claims.exp! - claims.iat!).toBe(120);
      emu.setTokenLifetime(30);
      expect((await postToken(emu)).body.expires_in).toBe(30);
      expect(() => emu.setTokenLifetime(-1)).toThrow(RangeError);
    } finally {
      await emu.stop();
    }
  });

  it('rejects bad options', async () => {
    await expect(startEmulator({ port: -1 })).rejects.toThrow(RangeError);
    await expect(startEmulator({ tokenLifetimeSec: 1.5 })).rejects.toThrow(RangeError);
    await expect(startEmulator({ rateLimit: { windowMs: 0 } })).rejects.toThrow(RangeError);
  });
});

describe('rate limit', () => {
  it('answers 429 "Too many requests" past the limit, and lets calls through again once the window slides', async () => {
    const clock = fakeClock();
    const emu = await startEmulator({ rateLimit: { limit: 3, windowMs: 10_000 }, now: clock.now });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await postToken(emu)).status).toBe(200);
        clock.advance(1000);
      }
      // Errors count too: the limit sits in front of everything, like Basiq's per-IP limit.
      const refused = await postToken(emu);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({
        type: 'list',
        data: [{ type: 'error', detail: 'Too many requests' }],
      });
      expect(refused.body.correlationId).toMatch(UUID);
      expect(refused.headers.get('retry-after')).toBeNull();
      expect(emu.counters.rateLimited).toBe(1);
      expect(emu.counters.tokenCalls).toBe(4);

      clock.advance(7000); // t = 10 s: the first call (t = 0) leaves the window
      expect((await postToken(emu)).status).toBe(200);
      expect((await postToken(emu)).status).toBe(429);
      expect(emu.counters).toMatchObject({ tokenCalls: 6, serverTokens: 4, rateLimited: 2 });
    } finally {
      await emu.stop();
    }
  });

  it('counts rejected calls (bad key) in the window too, and can send retry-after', async () => {
    const clock = fakeClock();
    const emu = await startEmulator({
      rateLimit: { limit: 2, windowMs: 60_000, retryAfter: true },
      now: clock.now,
    });
    try {
      expect((await postToken(emu, { headers: { 'basiq-version': undefined } })).status).toBe(400);
      clock.advance(15_000);
      expect((await postToken(emu)).status).toBe(200);
      const refused = await postToken(emu);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('45');
    } finally {
      await emu.stop();
    }
  });

  it('defaults to 1500 calls per 5 minutes, like Basiq', async () => {
    expect(DEFAULT_RATE_LIMIT).toBe(1500);
    expect(DEFAULT_RATE_WINDOW_MS).toBe(300_000);
    const clock = fakeClock();
    const emu = await startEmulator({ now: clock.now });
    try {
      // 1501 pipelined calls on one socket (cheap: they fail fast with 400, but count).
      const statuses = await pipelined(
        emu.port,
        'POST /token HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
        1501,
      );
      expect(statuses.slice(0, 1500).every((s) => s === 400)).toBe(true);
      expect(statuses[1500]).toBe(429);
      clock.advance(299_999);
      expect((await postToken(emu)).status).toBe(429);
      clock.advance(1);
      expect((await postToken(emu)).status).toBe(200);
    } finally {
      await emu.stop();
    }
  });
});

/** Sends `count` copies of a raw HTTP/1.1 request on one socket and returns the statuses, in order. */
function pipelined(port: number, request: string, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const statuses: number[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const re = /HTTP\/1\.1 (\d{3}) /g;
      statuses.length = 0;
      for (let m = re.exec(received); m; m = re.exec(received)) statuses.push(Number(m[1]));
      if (statuses.length >= count) {
        socket.destroy();
        resolve([...statuses]);
      }
    });
    socket.on('error', reject);
    socket.write(request.repeat(count));
  });
}

describe('clock injection', () => {
  it('a token expires when `now` passes its exp, and iat/exp come from `now`', async () => {
    const clock = fakeClock();
    const emu = await startEmulator({ now: clock.now, tokenLifetimeSec: 60 });
    try {
      const token = await serverToken(emu);
      const claims = decodeJwt(token);
      expect(claims.iat).toBe(Math.floor(clock.now() / 1000));
      expect(claims.exp).toBe(claims.iat! + 60);
      const id = SEED_USER_ID;
      clock.advance(59_000);
      expect((await getUser(emu, id, token)).status).toBe(200);
      clock.advance(1_000);
      const expired = await getUser(emu, id, token);
      expect(expired.status).toBe(403);
      expectLikeFixture(expired.body, 'getUserForbidden', expect);
    } finally {
      await emu.stop();
    }
  });
});
