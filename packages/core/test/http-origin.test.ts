import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isBasiqOrigin } from '../src/http/index.js';
import { axiosTargetUrl } from '../src/http/origin.js';
import { isReplayableBody, tokenRejection } from '../src/http/replay.js';
import { EXPIRED_BODY, INVALID_TOKEN_BODY, USER_NOT_FOUND_BODY } from './support/http-fixtures.js';

describe('isBasiqOrigin', () => {
  const base = 'https://au-api.basiq.io';

  it('accepts the same scheme, host and port, however written', () => {
    expect(isBasiqOrigin('https://au-api.basiq.io/users/1', base)).toBe(true);
    expect(isBasiqOrigin('https://AU-API.basiq.io:443/users', base)).toBe(true);
    expect(isBasiqOrigin(new URL('https://au-api.basiq.io/token'), base)).toBe(true);
    expect(isBasiqOrigin('/users/1', base)).toBe(true);
    expect(isBasiqOrigin('users/1', base)).toBe(true);
    expect(isBasiqOrigin('http://127.0.0.1:4000/x', 'http://127.0.0.1:4000/')).toBe(true);
  });

  it('refuses any other origin, including the usual tricks', () => {
    expect(isBasiqOrigin('http://au-api.basiq.io/users', base)).toBe(false); // scheme
    expect(isBasiqOrigin('https://au-api.basiq.io:8443/users', base)).toBe(false); // port
    expect(isBasiqOrigin('https://au-api.basiq.io.evil.example/users', base)).toBe(false);
    expect(isBasiqOrigin('https://evil.example/au-api.basiq.io', base)).toBe(false);
    expect(isBasiqOrigin('https://au-api.basiq.io@evil.example/users', base)).toBe(false); // userinfo
    expect(isBasiqOrigin('http://127.0.0.1:4000@127.0.0.1:5000/x', 'http://127.0.0.1:4000')).toBe(false);
    expect(isBasiqOrigin('//evil.example/users', base)).toBe(false); // protocol-relative
    expect(isBasiqOrigin('/\\evil.example/users', base)).toBe(false); // backslash is a slash
    expect(isBasiqOrigin('https://au-api.basiq.io./users', base)).toBe(false); // trailing dot
    expect(isBasiqOrigin('data:text/plain,hello', base)).toBe(false);
    expect(isBasiqOrigin('http://[::1', base)).toBe(false); // unparsable
    expect(isBasiqOrigin('/users', 'not a url')).toBe(false);
  });
});

describe('axiosTargetUrl (mirrors axios buildFullPath)', () => {
  const baseURL = 'http://127.0.0.1:4000/';
  const target = (config: Parameters<typeof axiosTargetUrl>[0]) => axiosTargetUrl(config)?.href;

  it('joins relative URLs to baseURL and keeps absolute ones', () => {
    expect(target({ baseURL, url: '/users/1' })).toBe('http://127.0.0.1:4000/users/1');
    expect(target({ baseURL, url: 'users/1' })).toBe('http://127.0.0.1:4000/users/1');
    expect(target({ baseURL })).toBe('http://127.0.0.1:4000/');
    expect(target({ baseURL, url: 'http://127.0.0.1:5000/x' })).toBe('http://127.0.0.1:5000/x');
  });

  it('treats //host as absolute (no origin in Node: no token) and honours allowAbsoluteUrls: false', () => {
    expect(target({ baseURL, url: '//127.0.0.1:5000/x' })).toBeUndefined();
    expect(target({ baseURL, url: 'http://127.0.0.1:5000/x', allowAbsoluteUrls: false })).toBe(
      'http://127.0.0.1:4000/http://127.0.0.1:5000/x',
    );
    expect(target({ url: '/users' })).toBeUndefined();
  });
});

describe('tokenRejection', () => {
  it('replays on the expired-token 403 and the invalid-token 401 (Basiq fixtures)', () => {
    // Basiq's correlation id comes along for the replay's trace span.
    expect(tokenRejection(403, EXPIRED_BODY)).toStrictEqual({
      status: 403,
      basiqCode: 'access-denied',
      correlationId: (EXPIRED_BODY as { correlationId: string }).correlationId,
    });
    expect(tokenRejection(401, INVALID_TOKEN_BODY)).toStrictEqual({
      status: 401,
      basiqCode: 'invalid-authorization-token',
      correlationId: (INVALID_TOKEN_BODY as { correlationId: string }).correlationId,
    });
  });

  it('does not replay anything else', () => {
    const body = (code: string, detail?: string) => ({
      type: 'list',
      data: [{ type: 'error', code, detail }],
    });
    expect(
      tokenRejection(403, body('forbidden-access', 'Access to this resource is forbidden')),
    ).toBeUndefined();
    expect(tokenRejection(403, body('access-denied', 'Your account has been disabled'))).toBeUndefined();
    expect(tokenRejection(401, body('unauthorized-access'))).toBeUndefined();
    expect(tokenRejection(404, USER_NOT_FOUND_BODY)).toBeUndefined();
    expect(tokenRejection(500, body('invalid-authorization-token'))).toBeUndefined();
    expect(tokenRejection(401, 'not json')).toBeUndefined();
    expect(tokenRejection(403, { message: 'Missing Authentication Token' })).toBeUndefined();
  });
});

describe('isReplayableBody', () => {
  it('replays bodies that can be read twice', () => {
    for (const body of [
      undefined,
      null,
      '{"a":1}',
      Buffer.from('x'),
      new Uint8Array(2),
      new URLSearchParams('a=1'),
      new Blob(['x']),
      new FormData(),
      { a: 1 },
      [1],
    ]) {
      expect(isReplayableBody(body)).toBe(true);
    }
  });

  it('never replays streams', () => {
    const webStream = new ReadableStream({ start: (c) => c.close() });
    async function* generate() {
      yield 'x';
    }
    for (const body of [Readable.from(['x']), webStream, generate()]) {
      expect(isReplayableBody(body)).toBe(false);
    }
  });
});
