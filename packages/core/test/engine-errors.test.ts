import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BasiqConfigError, BasiqRateLimitError, BasiqTokenError } from '@basiq-token/core';
import type { FetchLike } from '@basiq-token/core';
import { ManualClock, useEngineHarness } from './support/engine.js';

const fixture = (name: string): unknown =>
  JSON.parse(
    readFileSync(new URL(`../../../test/basiq-reference/fixtures/${name}`, import.meta.url), 'utf8'),
  );

const { h } = useEngineHarness({ tokenLifetimeSec: 60 });

describe('retried failures', () => {
  it('retries 5xx with backoff and succeeds', async () => {
    const client = h.client({ retry: { retries: 3 } });
    h.emulator.injectFault({ path: '/token', status: 500 });
    h.emulator.injectFault({ path: '/token', status: 503 });
    expect(typeof (await client.getServerToken())).toBe('string');
    expect(h.emulator.counters.tokenCalls).toBe(3);
    const retries = h.eventsOf('token:retry');
    expect(retries.map((r) => [r.attempt, r.reason])).toEqual([
      [1, 'basiq_unavailable'],
      [2, 'basiq_unavailable'],
    ]);
    for (const r of retries) expect(r.delayMs).toBeLessThanOrEqual(5);
  });

  it('gives up after the retries with basiq_unavailable', async () => {
    const client = h.client({ retry: { retries: 2 } });
    h.emulator.injectFault({ path: '/token', status: 503, times: Infinity });
    const error = await h.failure(client.getServerToken());
    expect(error).toBeInstanceOf(BasiqTokenError);
    expect(error).toMatchObject({ code: 'basiq_unavailable', upstreamStatus: 503 });
    expect(h.emulator.counters.tokenCalls).toBe(3);
    expect(h.eventsOf('token:error')).toEqual([
      expect.objectContaining({ scope: 'SERVER_ACCESS', code: 'basiq_unavailable' }),
    ]);
  });

  it('honours Retry-After in seconds', async () => {
    const client = h.client({ retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } });
    h.emulator.injectFault({ path: '/token', status: 429, headers: { 'retry-after': '1' } });
    expect(typeof (await client.getServerToken())).toBe('string');
    expect(h.eventsOf('token:retry')).toEqual([
      expect.objectContaining({ delayMs: 1_000, reason: 'basiq_rate_limited' }),
    ]);
  });

  it('stops retrying when Retry-After is longer than maxRetryAfterMs, passing it on', async () => {
    const client = h.client({ retry: { retries: 3, maxRetryAfterMs: 500 } });
    h.emulator.injectFault({ path: '/token', status: 429, headers: { 'retry-after': '2' } });
    const error = await h.failure(client.getServerToken());
    expect(error).toBeInstanceOf(BasiqRateLimitError);
    expect(error).toMatchObject({ code: 'basiq_rate_limited', retryAfterMs: 2_000, upstreamStatus: 429 });
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });

  it('reads Retry-After as an HTTP-date', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const client = h.client({ clock, retry: { retries: 3, maxRetryAfterMs: 60_000 } });
    h.emulator.injectFault({
      path: '/token',
      status: 503,
      headers: { 'retry-after': 'Tue, 01 Jan 2030 00:10:00 GMT' },
    });
    const error = await h.failure(client.getServerToken());
    expect(error).toMatchObject({ code: 'basiq_unavailable', retryAfterMs: 600_000 });
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });

  it('times out a slow attempt and retries it', async () => {
    const client = h.client({ tokenTimeoutMs: 250, retry: { retries: 1 } });
    h.emulator.injectFault({ path: '/token', delayMs: 3_000, times: 2 });
    const error = await h.failure(client.getServerToken());
    expect(error).toBeInstanceOf(BasiqTokenError);
    expect(error.code).toBe('basiq_timeout');
    expect(error.message).toContain('within 250 ms');
    expect(h.eventsOf('token:retry')).toEqual([
      expect.objectContaining({ attempt: 1, reason: 'basiq_timeout' }),
    ]);
    // The emulator saw the first attempt at least (a retry aborted before it arrived is not counted there).
    expect(h.emulator.counters.tokenCalls).toBeGreaterThanOrEqual(1);
  });

  it('retries a connection reset, then reports basiq_network_error', async () => {
    const client = h.client({ retry: { retries: 2 } });
    h.emulator.injectFault({ path: '/token', reset: true, times: 3 });
    const error = await h.failure(client.getServerToken());
    expect(error).toMatchObject({ code: 'basiq_network_error' });
    expect(h.emulator.counters.tokenCalls).toBe(3);

    h.emulator.injectFault({ path: '/token', reset: true });
    expect(typeof (await client.getServerToken())).toBe('string');
  });

  it('reports a refused connection as basiq_network_error', async () => {
    const url = h.emulator.url;
    await h.emulator.stop();
    const client = h.client({ baseUrl: url, retry: { retries: 1 } });
    const error = await h.failure(client.getServerToken());
    expect(error).toMatchObject({ code: 'basiq_network_error' });
    expect(error.message).toContain(url);
  });
});

describe('malformed 200 answers', () => {
  it.each([
    ['no access_token', { status: 200, body: { expires_in: 3600, token_type: 'Bearer' } }],
    ['a non-numeric expires_in', { status: 200, body: { access_token: 'abc.def.ghi', expires_in: 'soon' } }],
    ['a zero expires_in', { status: 200, body: { access_token: 'abc.def.ghi', expires_in: 0 } }],
    ['a negative expires_in', { status: 200, body: { access_token: 'abc.def.ghi', expires_in: -5 } }],
    ['a body that is not JSON', { status: 200, rawBody: '<html>gateway</html>' }],
  ])('%s is basiq_bad_response, retried, never cached', async (_name, fault) => {
    const client = h.client({ retry: { retries: 1 } });
    h.emulator.injectFault({ path: '/token', times: 2, ...fault });
    const error = await h.failure(client.getServerToken());
    expect(error).toBeInstanceOf(BasiqTokenError);
    expect(error.code).toBe('basiq_bad_response');
    expect(h.emulator.counters.tokenCalls).toBe(2);
    expect(client.toJSON().serverToken.phase).toBe('none');

    const token = await client.getServerToken();
    expect(token).not.toBe('abc.def.ghi');
    expect(h.emulator.counters.tokenCalls).toBe(3);
  });
});

describe('configuration errors: no retry', () => {
  it('404 from a wrong key says to check apiKey', async () => {
    const other = Buffer.from(
      '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
    ).toString('base64');
    const client = h.client({ apiKey: other, retry: { retries: 3 } });
    const error = await h.failure(client.getServerToken());
    expect(error).toBeInstanceOf(BasiqConfigError);
    expect(error).toMatchObject({ code: 'basiq_configuration', option: 'apiKey', upstreamStatus: 404 });
    expect(error.message).toContain('`apiKey`');
    expect(error.message).toMatch(/sandbox key/);
    expect(error.message).toContain('Unable to authenticate');
    expect(error.message).not.toContain(other);
    expect(h.emulator.counters.tokenCalls).toBe(1);
    h.scan([other]);
  });

  it('400 for a re-encoded key says not to re-encode it', async () => {
    const reEncoded = Buffer.from(h.emulator.apiKey).toString('base64');
    const client = h.client({ apiKey: reEncoded });
    const error = await h.failure(client.getServerToken());
    expect(error).toMatchObject({ code: 'basiq_configuration', option: 'apiKey', upstreamStatus: 400 });
    expect(error.message).toMatch(/do not re-encode/);
    expect(h.emulator.counters.tokenCalls).toBe(1);
    h.scan([reEncoded]);
  });

  it('400 about the version names basiqVersion and includes Basiq’s detail', async () => {
    const client = h.client({ basiqVersion: '0.9' });
    const error = await h.failure(client.getServerToken());
    expect(error).toMatchObject({ code: 'basiq_configuration', option: 'basiqVersion', upstreamStatus: 400 });
    expect(error.message).toContain('`basiqVersion`');
    expect(error.message).toContain('Basiq-version header parameter is not valid');
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });

  it('replays Basiq’s real 400 body (fixtures/postTokenBadRequest.json)', async () => {
    const client = h.client();
    h.emulator.injectFault({ path: '/token', status: 400, body: fixture('postTokenBadRequest.json') });
    const error = await h.failure(client.getServerToken());
    expect(error).toMatchObject({ code: 'basiq_configuration', option: 'basiqVersion' });
    expect(error.message).toContain('Basiq-version must be specified in HTTP request header');
    expect(error.message).toContain('1c16f75c-36fb-421f-98a5-bf18a0b6583c');
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });
});

describe('403 from /token: no retry, cool-down', () => {
  it('fails with basiq_access_denied and then fails fast without calling Basiq', async () => {
    const clock = new ManualClock();
    const client = h.client({ clock, refresh: { cooldownMs: 60_000 }, retry: { retries: 3 } });
    h.emulator.injectFault({
      path: '/token',
      status: 403,
      body: { type: 'list', data: [{ code: 'forbidden-access', detail: 'Invalid request' }] },
    });
    const first = await h.failure(client.getServerToken());
    expect(first).toBeInstanceOf(BasiqTokenError);
    expect(first).toMatchObject({ code: 'basiq_access_denied', upstreamStatus: 403 });
    expect(first.message).toContain('Invalid request');
    expect(h.emulator.counters.tokenCalls).toBe(1);

    clock.advance(30_000);
    const again = await h.failure(client.getServerToken());
    expect(again).toMatchObject({ code: 'basiq_access_denied', retryAfterMs: 30_000 });
    const clientToken = await h.failure(client.getClientToken('user-1'));
    expect(clientToken.code).toBe('basiq_access_denied');
    expect(h.emulator.counters.tokenCalls).toBe(1);
    expect(client.toJSON().serverToken.cooldownMs).toBe(30_000);

    clock.advance(30_001);
    expect(typeof (await client.getServerToken())).toBe('string');
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });

  it('keeps serving a still-valid token through the cool-down', async () => {
    const clock = new ManualClock();
    const client = h.client({ clock, refresh: { cooldownMs: 60_000 } });
    const old = await client.getServerToken();
    clock.advance(50_000); // hard window
    h.emulator.injectFault({ path: '/token', status: 403 });
    expect(await client.getServerToken()).toBe(old);
    expect(await client.getServerToken()).toBe(old);
    expect(h.emulator.counters.tokenCalls).toBe(2);
  });
});

describe('an injected fetch that ignores its signal', () => {
  it('still times out', async () => {
    const hanging: FetchLike = () => new Promise<Response>(() => {});
    const client = h.client({ fetch: hanging, tokenTimeoutMs: 50, retry: { retries: 0 } });
    const error = await h.failure(client.getServerToken());
    expect(error.code).toBe('basiq_timeout');
  });
});
