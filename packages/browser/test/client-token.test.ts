// The client token in the browser: asked of the app's route (core's, in front of the emulator) only
// when needed, one request at a time, kept in memory until shortly before it expires, and the
// route's refusals as typed errors.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import {
  BasiqConfigError,
  ClientTokenError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
  createBasiqBrowser,
} from '../src/index.js';
import type { BasiqBrowserOptions } from '../src/index.js';
import { startTokenRoute } from './helpers.js';
import type { TokenRoute } from './helpers.js';

let emulator: BasiqEmulator;
let route: TokenRoute;
let now: number;

beforeAll(async () => {
  emulator = await startEmulator();
  route = await startTokenRoute(emulator);
});
afterAll(async () => {
  await route.close();
  await emulator.stop();
});
beforeEach(() => {
  now = Date.now();
  route.requests.length = 0;
  emulator.resetCounters();
  emulator.clearFaults();
  emulator.setTokenLifetime(3600);
});

function browser(options: BasiqBrowserOptions = {}) {
  return createBasiqBrowser({
    tokenUrl: route.url,
    headers: { 'x-user': SEED_USER_ID },
    stateStorage: 'memory',
    now: () => now,
    ...options,
  });
}

describe('asking for the token', () => {
  it('asks nothing until a token is needed, then POSTs once with the headers and credentials given', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const basiq = browser({
      credentials: 'include',
      fetch: (url, init) => {
        seen.push({ url, init });
        return fetch(url, init);
      },
    });
    expect(route.requests).toHaveLength(0);

    const token = await basiq.getClientToken();
    expect(token.split('.')).toHaveLength(3);
    expect(emulator.issuedTokens()).toContain(token);
    expect(route.requests).toHaveLength(1);
    expect(route.requests[0]?.method).toBe('POST');
    expect(route.requests[0]?.headers['x-user']).toBe(SEED_USER_ID);
    expect(seen[0]?.init).toMatchObject({ method: 'POST', credentials: 'include', cache: 'no-store' });
  });

  it('makes one request however many clicks come while it is in flight', async () => {
    const basiq = browser();
    route.script({
      status: 200,
      body: { access_token: 'a.b.c', token_type: 'Bearer', expires_in: 3600 },
      delayMs: 100,
    });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => basiq.getClientToken()));
    expect(new Set(tokens)).toEqual(new Set(['a.b.c']));
    expect(route.requests).toHaveLength(1);
  });

  it('one request against core and the emulator for 20 concurrent callers: one /token call', async () => {
    const basiq = browser({ headers: { 'x-user': `user-${crypto.randomUUID()}` } });
    await Promise.all(Array.from({ length: 20 }, () => basiq.getClientToken()));
    expect(route.requests).toHaveLength(1);
    expect(emulator.counters.clientTokens).toBe(1);
  });

  it('keeps the token in memory until the refresh margin before expires_in, counted from the request', async () => {
    const basiq = browser();
    route.script(
      { status: 200, body: { access_token: 'first.token.x', token_type: 'Bearer', expires_in: 3600 } },
      { status: 200, body: { access_token: 'second.token.x', token_type: 'Bearer', expires_in: 3600 } },
    );
    const start = now;
    expect(await basiq.getClientToken()).toBe('first.token.x');
    now = start + 3_540_000 - 1; // one minute before expiry, less 1 ms
    expect(await basiq.getClientToken()).toBe('first.token.x');
    expect(route.requests).toHaveLength(1);
    now = start + 3_540_000;
    expect(await basiq.getClientToken()).toBe('second.token.x');
    expect(route.requests).toHaveLength(2);
  });

  it('a short-lived token is asked for again at half its lifetime at the latest', async () => {
    const basiq = browser();
    route.script(
      { status: 200, body: { access_token: 'short.one.x', token_type: 'Bearer', expires_in: 10 } },
      { status: 200, body: { access_token: 'short.two.x', token_type: 'Bearer', expires_in: 10 } },
    );
    const start = now;
    await basiq.getClientToken();
    now = start + 4_999;
    expect(await basiq.getClientToken()).toBe('short.one.x');
    now = start + 5_000;
    expect(await basiq.getClientToken()).toBe('short.two.x');
  });

  it('never writes the token to localStorage or sessionStorage', async () => {
    const writes: string[] = [];
    const spyStorage = () => ({
      getItem: () => null,
      setItem: (key: string, value: string) => void writes.push(`${key}=${value}`),
      removeItem: () => undefined,
    });
    const g = globalThis as Record<string, unknown>;
    g.localStorage = spyStorage();
    g.sessionStorage = spyStorage();
    try {
      const basiq = browser({ stateStorage: 'session' });
      const token = await basiq.getClientToken();
      await basiq.consentUrl();
      expect(writes.some((entry) => entry.startsWith('basiq-token:consent-states='))).toBe(true);
      expect(writes.join('\n')).not.toContain(token);
      expect(JSON.stringify(basiq)).not.toContain(token);
    } finally {
      delete g.localStorage;
      delete g.sessionStorage;
    }
  });

  it('GET with a bare JSON string (Basiq starter kit form): kept until the JWT exp', async () => {
    const basiq = browser({ tokenMethod: 'GET' });
    const exp = Math.floor(now / 1000) + 600;
    const jwt = `e30.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;
    route.script({ status: 200, body: jwt });
    expect(await basiq.getClientToken()).toBe(jwt);
    expect(await basiq.getClientToken()).toBe(jwt);
    expect(route.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('calls a headers function per request', async () => {
    let user = SEED_USER_ID;
    const basiq = browser({ headers: async () => ({ 'x-user': user }) });
    await basiq.getClientToken();
    basiq.clearToken();
    user = 'another-user';
    await basiq.getClientToken();
    expect(route.requests.map((r) => r.headers['x-user'])).toEqual([SEED_USER_ID, 'another-user']);
  });

  it('clearToken() (sign-out) forgets the token, even one still in flight', async () => {
    const basiq = browser();
    route.script({
      status: 200,
      body: { access_token: 'old.user.x', token_type: 'Bearer', expires_in: 3600 },
      delayMs: 50,
    });
    const inFlight = basiq.getClientToken();
    basiq.clearToken();
    await inFlight;
    const fresh = await basiq.getClientToken();
    expect(fresh).not.toBe('old.user.x');
    expect(route.requests).toHaveLength(2);
  });
});

describe("the route's refusals", () => {
  it('401 from core (nobody signed in): UnauthenticatedError, and no /token call', async () => {
    const basiq = browser({ headers: {} });
    const error = await basiq.getClientToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error).toMatchObject({ code: 'unauthenticated', status: 401, name: 'UnauthenticatedError' });
    expect(emulator.counters.tokenCalls).toBe(0);
    // Not remembered: signing in and clicking again asks again.
    await expect(basiq.getClientToken()).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(route.requests).toHaveLength(2);
  });

  it('400 from core (invalid user id): a ClientTokenError with its code', async () => {
    const basiq = browser({ headers: { 'x-user': 'no/such user' } });
    await expect(basiq.getClientToken()).rejects.toMatchObject({ code: 'invalid_user_id', status: 400 });
  });

  it('429 with Retry-After: RateLimitedError, and no request until Retry-After has passed', async () => {
    const basiq = browser();
    route.script({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { error: { code: 'token_budget_exhausted', message: 'Too many client tokens.' } },
    });
    const error = (await basiq.getClientToken().catch((e: unknown) => e)) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({
      code: 'token_budget_exhausted',
      status: 429,
      retryAfterSeconds: 30,
      serverMessage: 'Too many client tokens.',
    });

    now += 10_000;
    const again = (await basiq.getClientToken().catch((e: unknown) => e)) as RateLimitedError;
    expect(again).toBeInstanceOf(RateLimitedError);
    expect(again.retryAfterSeconds).toBe(20);
    expect(route.requests).toHaveLength(1);

    now += 20_000;
    await expect(basiq.getClientToken()).resolves.toMatch(/\./);
    expect(route.requests).toHaveLength(2);
  });

  it('Retry-After as an HTTP date', async () => {
    const basiq = browser();
    route.script({ status: 429, headers: { 'retry-after': new Date(now + 45_000).toUTCString() }, body: {} });
    const error = (await basiq.getClientToken().catch((e: unknown) => e)) as RateLimitedError;
    expect(error.code).toBe('http_429');
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(44);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(45);
  });

  it("Basiq failing behind core's route (503 basiq_unavailable): ServiceUnavailableError", async () => {
    emulator.injectFault({ path: '/token', status: 503, times: 5 });
    // A user core holds no token for, so the route has to ask Basiq.
    const basiq = browser({ headers: { 'x-user': `user-${crypto.randomUUID()}` } });
    const error = await basiq.getClientToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ code: 'basiq_unavailable', status: 503 });
  });

  it('a 500 without a JSON body: ServiceUnavailableError http_500; the next click asks again', async () => {
    const basiq = browser();
    route.script({ status: 500, rawBody: '<html>oops</html>' });
    await expect(basiq.getClientToken()).rejects.toMatchObject({ code: 'http_500', status: 500 });
    await expect(basiq.getClientToken()).resolves.toMatch(/\./);
  });

  it('a 200 without a token, a route that cannot be reached, one that does not answer in time', async () => {
    route.script({ status: 200, body: { token_type: 'Bearer' } });
    await expect(browser().getClientToken()).rejects.toMatchObject({ code: 'invalid_token_response' });

    const unreachable = browser({ tokenUrl: 'http://127.0.0.1:9/basiq/client-token' });
    const error = await unreachable.getClientToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientTokenError);
    expect(error).toMatchObject({ code: 'network_error', status: undefined });

    route.script({ status: 200, body: { access_token: 'late.token.x', expires_in: 3600 }, delayMs: 500 });
    await expect(browser({ timeoutMs: 50 }).getClientToken()).rejects.toMatchObject({ code: 'timeout' });
  });

  it('an error never carries the token the route sent', async () => {
    route.script({
      status: 503,
      body: { error: { code: 'basiq_unavailable', message: 'down' }, access_token: 'leak.me.x' },
    });
    const error = await browser()
      .getClientToken()
      .catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain('leak.me.x');
    expect(String((error as Error).stack)).not.toContain('leak.me.x');
  });
});

describe('options', () => {
  it('are checked at once, with a BasiqConfigError', () => {
    const bad: [BasiqBrowserOptions, string][] = [
      [{ consentBaseUrl: 'http://consent.example' }, 'insecure_url'],
      [{ basiqBaseUrl: 'http://au-api.basiq.example' }, 'insecure_url'],
      [{ consentBaseUrl: 'https://consent.basiq.io/?x=1' }, 'invalid_url'],
      [{ consentBaseUrl: 'consent.basiq.io' }, 'invalid_url'],
      [{ tokenUrl: '' }, 'invalid_url'],
      [{ tokenUrl: 'javascript:alert(1)' }, 'invalid_url'],
      [{ tokenMethod: 'PUT' as 'POST' }, 'invalid_option'],
      [{ credentials: 'all' as 'include' }, 'invalid_option'],
      [{ refreshMarginMs: -1 }, 'invalid_number'],
      [{ stateStorage: {} as never }, 'invalid_option'],
      [{ basiqVersion: 'latest' }, 'invalid_option'],
      [{ tokenURL: '/x' } as BasiqBrowserOptions, 'unknown_option'],
    ];
    for (const [options, code] of bad) {
      let error: unknown;
      try {
        createBasiqBrowser(options);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(BasiqConfigError);
      expect((error as BasiqConfigError).code, JSON.stringify(options)).toBe(code);
    }
    expect(() => createBasiqBrowser({ consentBaseUrl: 'http://localhost:4010/consent' })).not.toThrow();
    expect(() => createBasiqBrowser({ basiqBaseUrl: 'http://[::1]:4010' })).not.toThrow();
  });
});

afterEach(() => {
  route.requests.length = 0;
});
