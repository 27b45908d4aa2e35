/**
 * The adapter conformance suite: the same scenarios, over real loopback HTTP against the Basiq
 * emulator, for every adapter (Express 4/5, Koa 2/3, NestJS, …). Each adapter variant has a
 * small test file that calls `runConformanceSuite(name, driver)`; every scenario is one
 * `it` inside `describe(name)`, so results read one line per adapter and scenario.
 *
 * ## The driver contract
 *
 * `driver.start(options)` builds a real app around the adapter under test, listens on
 * 127.0.0.1 port 0 and resolves with its base `url` (no trailing slash) and a `close()` that
 * stops the server (never the client: the suite owns and closes it). The app must have:
 *
 * - the adapter's middleware/module, given `options.client` (a `BasiqClient`), applied to every
 *   request under `options.prefix` (`''` or absent: the whole app; otherwise a path such as
 *   `/api/basiq`, mounted the framework's own way: `app.use(prefix, router)`, a router prefix,
 *   a controller path, …);
 * - `POST {prefix}/client-token`: the adapter's ready-made client-token route, calling
 *   `options.resolveUserId` with the framework's own request object (Express `req`, Koa `ctx`,
 *   Nest's platform request). The suite reads only `.headers` from it; it may return a value
 *   or a promise, or throw;
 * - `GET {prefix}/users/:userId`: an app route that calls
 *   `<request context>.http.get('/users/' + encodeURIComponent(userId))` and answers 200 with
 *   the response's `data` as JSON. It does not catch: a rejection goes to the framework's
 *   error handling;
 * - `GET {prefix}/fetch/users/:userId`: the same through `<request context>.fetch(...)`,
 *   answering Basiq's status and JSON body as they came;
 * - the framework's own error handling (Express: an error middleware `(err, req, res, next)`;
 *   Koa: `app.on('error')`; Nest: an exception filter) calls `options.onError(err)` with the error
 *   exactly as thrown, and answers 500 for an error that carries no HTTP status of its own;
 *   Basiq errors are answered by the adapter's own Basiq error handling as an app mounts it
 *   (Express: `basiqErrorHandler()`; Koa: the `basiq()` middleware, which also emits them on
 *   `app.on('error')`; Nest: `BasiqExceptionFilter`): core's `errorResponse`, byte for byte the
 *   client-token route's error answers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it as test } from 'vitest';
import { BasiqApiError, BasiqError, createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import type { RunningServer, ServerOptions } from '../support/servers/server.js';

/**
 * What the suite hands a driver for one app: what the shared server factories take
 * (test/support/servers), with the client the suite creates and closes (so an app's `close()`
 * leaves it open) and an `onError` the app must call.
 */
export interface DriverStartOptions extends ServerOptions {
  /** The client the adapter must use. */
  client: BasiqClient;
  /** To be called by the framework's own error handling with each error that reached it. */
  onError: (error: unknown) => void;
  /**
   * The options `client` was created with, for an app that cannot share the test's objects and
   * builds its own client from them (Next's Edge runtime runs routes in a separate sandbox).
   */
  options?: BasiqOptions;
}

/** An app a driver started: its base URL, and `close()`, which stops the server. */
export type RunningApp = RunningServer;

/** Builds and starts an app around one adapter; see the contract at the top of this file. */
export interface AdapterDriver {
  start(options: DriverStartOptions): Promise<RunningApp>;
}

/**
 * Optional ways for another suite to watch a conformance run (the whole-run secret scan): none
 * changes what a scenario does or asserts.
 */
export interface ConformanceHooks {
  /** Merged into every client's options before the scenario's own (a capturing `logger`, say). */
  clientOptions?: Partial<BasiqOptions>;
  /** Called with the emulator once it is started (to read its key and issued tokens later). */
  onEmulator?(emulator: BasiqEmulator): void;
  /**
   * Scenarios this variant cannot run, by title, each with the reason printed (the Edge runtime
   * cannot hand the test its error objects, so identity checks on them cannot apply).
   */
  skip?: Readonly<Record<string, string>>;
}

/** The seeded emulator user, for the drivers. */
export { SEED_USER_ID as SEEDED_USER_ID };

const USER_HEADER = 'x-test-user';
const ASYNC_HEADER = 'x-test-async';
const THROW_HEADER = 'x-test-throw';

/**
 * The public message of every code these scenarios meet, fixed per code (README "Errors"): an
 * adapter that let an error's own message through (it may hold operator detail) fails here.
 */
const PUBLIC_MESSAGES: Readonly<Record<string, string>> = {
  unauthenticated: 'Sign in to get a Basiq client token.',
  invalid_user_id: 'The user id must be 1 to 64 letters, digits or hyphens.',
  token_budget_exhausted: 'Too many Basiq token requests right now; try again later.',
  basiq_rate_limited: 'Basiq is rate limiting token requests; try again later.',
  basiq_unavailable: 'Basiq is unavailable; try again later.',
  basiq_timeout: 'Basiq did not answer in time.',
  basiq_bad_response: 'Basiq gave an unexpected answer.',
  basiq_api_error: 'Basiq refused the request.',
};

/**
 * Whether an error answer carries `Retry-After`, as the README's errors table documents it:
 * always for `token_budget_exhausted` and `basiq_rate_limited`; for `basiq_unavailable` and
 * `basiq_access_denied` only when Basiq sent one (these scenarios' faults send none); never otherwise.
 */
type RetryAfter = 'present' | 'absent';

/** Thrown by the suite's `resolveUserId` when asked to, to follow it into the framework's handler. */
class SessionStoreDown extends Error {
  override name = 'SessionStoreDown';
}

/**
 * The suite's stand-in for an app's authentication: the user comes from `x-test-user`;
 * `x-test-async` makes it answer through a promise; `x-test-throw` makes it throw.
 */
function resolveUserId(request: { headers: IncomingHttpHeaders }): unknown {
  const headers = request.headers;
  if (headers[THROW_HEADER] !== undefined) throw new SessionStoreDown('session store unreachable');
  const user = headers[USER_HEADER];
  const value = Array.isArray(user) ? user[0] : user;
  if (headers[ASYNC_HEADER] !== undefined) return sleep(1).then(() => value);
  return value;
}

/** Registers the conformance scenarios for one adapter variant under `describe(name)`. */
export function runConformanceSuite(name: string, driver: AdapterDriver, hooks: ConformanceHooks = {}): void {
  describe(name, () => {
    let emulator: BasiqEmulator;
    const cleanups: Array<() => Promise<void>> = [];

    beforeAll(async () => {
      emulator = await startEmulator({ tokenLifetimeSec: 3600 });
      hooks.onEmulator?.(emulator);
    });
    afterAll(async () => {
      await emulator?.stop();
    });
    afterEach(async () => {
      // Apps first, then clients: an app may still hold a request using its client.
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      emulator.clearFaults();
      emulator.setTokenLifetime(3600);
      emulator.resetCounters();
    });

    function clientOptions(overrides: Partial<BasiqOptions> = {}): BasiqOptions {
      return {
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        logger: false,
        retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 },
        ...hooks.clientOptions,
        ...overrides,
      };
    }

    function newClient(options: BasiqOptions): BasiqClient {
      const client = createBasiqClient(options);
      cleanups.push(() => client.close());
      return client;
    }

    function it(title: string, scenario: () => Promise<void>, timeout?: number): void {
      const reason = hooks.skip?.[title];
      if (reason === undefined) return test(title, scenario, timeout);
      console.info(`[conformance] ${name}: skipped "${title}": ${reason}`);
      test.skip(`${title} (skipped: ${reason})`, scenario);
    }

    interface Started extends RunningApp {
      client: BasiqClient;
      errors: unknown[];
    }

    async function startApp(overrides: Partial<BasiqOptions> = {}, prefix?: string): Promise<Started> {
      const options = clientOptions(overrides);
      const client = newClient(options);
      const errors: unknown[] = [];
      const app = await driver.start({
        client,
        options,
        resolveUserId,
        ...(prefix !== undefined ? { prefix } : {}),
        onError: (error) => errors.push(error),
      });
      cleanups.push(() => app.close());
      return { ...app, client, errors };
    }

    function postClientToken(base: string, headers: Record<string, string> = {}): Promise<Response> {
      return fetch(`${base}/client-token`, { method: 'POST', headers });
    }

    /** Everything a response must never hold: the API key and every token the emulator issued. */
    function secrets(): string[] {
      return [emulator.apiKey, ...emulator.issuedTokens()];
    }

    async function expectNoSecret(text: string): Promise<void> {
      for (const secret of secrets())
        expect(text.includes(secret), 'a secret leaked into a response').toBe(false);
    }

    /** Neither the browser nor a proxy may keep it, and no ETag invites a 304 for it. */
    function expectNeverCached(res: Response): void {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('etag'), 'an ETag on an answer that must not be cached').toBeNull();
    }

    /**
     * Checks one error answer, from the client-token route or an app route alike: the exact status
     * and JSON body `{error:{code,message}}` with the code's public message, never cached, the
     * documented `Retry-After`, and nothing secret.
     */
    async function expectErrorAnswer(
      res: Response,
      status: number,
      code: string,
      retryAfter: RetryAfter = 'absent',
    ): Promise<void> {
      const text = await res.text();
      expect(res.status, text).toBe(status);
      expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
      const message = PUBLIC_MESSAGES[code];
      expect(message, `a public message for ${code}`).toBeDefined();
      expect(JSON.parse(text)).toStrictEqual({ error: { code, message } });
      expectNeverCached(res);
      if (retryAfter === 'present') expect(res.headers.get('retry-after') ?? '').toMatch(/^[1-9]\d*$/);
      else expect(res.headers.get('retry-after')).toBeNull();
      await expectNoSecret(text);
    }

    it('sends the server token to Basiq from an app route (http and fetch)', async () => {
      const app = await startApp();
      const viaHttp = await fetch(`${app.url}/users/${SEED_USER_ID}`);
      expect(viaHttp.status).toBe(200);
      expect(((await viaHttp.json()) as { id: string }).id).toBe(SEED_USER_ID);
      const viaFetch = await fetch(`${app.url}/fetch/users/${SEED_USER_ID}`);
      expect(viaFetch.status).toBe(200);
      expect(((await viaFetch.json()) as { id: string }).id).toBe(SEED_USER_ID);
      expect(emulator.counters.requests['GET /users/{userId}']).toBe(2);
      expect(emulator.counters.serverTokens).toBe(1);
      expect(app.errors).toEqual([]);
    });

    it('makes one /token call for a burst of 50 concurrent requests', async () => {
      const app = await startApp();
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => fetch(`${app.url}/users/${SEED_USER_ID}`)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
      await Promise.all(responses.map((r) => r.arrayBuffer()));
      expect(emulator.counters.tokenCalls).toBe(1);
    });

    it('refreshes the server token across expiry with no failed request', async () => {
      const lifetimeSec = 2;
      emulator.setTokenLifetime(lifetimeSec);
      const app = await startApp();
      const statuses: number[] = [];
      // Keep traffic flowing for more than two token lifetimes (the first token is long dead by
      // the end). Time only paces the traffic here; nothing asserts on it.
      const until = Date.now() + 2.25 * lifetimeSec * 1000;
      while (Date.now() < until) {
        const batch = await Promise.all(
          Array.from({ length: 5 }, () => fetch(`${app.url}/users/${SEED_USER_ID}`)),
        );
        for (const res of batch) {
          statuses.push(res.status);
          await res.arrayBuffer();
        }
        await sleep(100);
      }
      expect(emulator.counters.serverTokens).toBeGreaterThanOrEqual(3);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      // Refreshes follow the token lifetime, not the traffic.
      expect(emulator.counters.tokenCalls).toBeLessThan(statuses.length / 2);
      expect(app.errors).toEqual([]);
    });

    it('refreshes and replays once after the server token is revoked early', async () => {
      // A client each: core forces at most one refresh per 30 s (a token Basiq refuses right after
      // a refresh is not chased), so two revocations in a row would meet that bound instead.
      for (const as of ['expired', 'invalid'] as const) {
        const app = await startApp();
        const before = emulator.counters.tokenCalls;
        expect((await fetch(`${app.url}/users/${SEED_USER_ID}`)).status).toBe(200);
        emulator.revokeAll(as);
        const res = await fetch(`${app.url}/users/${SEED_USER_ID}`);
        expect(res.status, `after revocation as ${as}`).toBe(200);
        expect(((await res.json()) as { id: string }).id).toBe(SEED_USER_ID);
        expect(emulator.counters.tokenCalls - before, `after revocation as ${as}`).toBe(2);
        expect(app.errors).toEqual([]);
      }
    });

    it('client-token route: 200 with a CLIENT_ACCESS token for the resolved user, no-store', async () => {
      const app = await startApp();
      const sync: Record<string, string> = { [USER_HEADER]: SEED_USER_ID };
      for (const headers of [sync, { ...sync, [ASYNC_HEADER]: '1' }]) {
        const res = await postClientToken(app.url, headers);
        const text = await res.text();
        expect(res.status, text).toBe(200);
        expectNeverCached(res);
        expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
        const body = JSON.parse(text) as { access_token: string; token_type: string; expires_in: number };
        expect(body.token_type).toBe('Bearer');
        expect(body.expires_in).toBeGreaterThan(0);
        const claims = decodeJwt(body.access_token);
        expect(claims.scope).toBe('CLIENT_ACCESS');
        expect(claims.userId).toBe(SEED_USER_ID);
        expect(body.access_token).not.toBe(await app.client.getServerToken());
        expect(text.includes(emulator.apiKey)).toBe(false);
      }
    });

    it('client-token route: 401 when no user is signed in', async () => {
      const app = await startApp();
      await expectErrorAnswer(await postClientToken(app.url), 401, 'unauthenticated');
      await expectErrorAnswer(
        await postClientToken(app.url, { [ASYNC_HEADER]: '1' }),
        401,
        'unauthenticated',
      );
      expect(emulator.counters.tokenCalls).toBe(0);
    });

    it('client-token route: 400 for an invalid userId, before any /token call', async () => {
      const app = await startApp();
      for (const bad of ['not a user id', '../token', 'x'.repeat(65)]) {
        await expectErrorAnswer(
          await postClientToken(app.url, { [USER_HEADER]: bad }),
          400,
          'invalid_user_id',
        );
      }
      expect(emulator.counters.tokenCalls).toBe(0);
    });

    it('client-token route: 429 with Retry-After when over the /token budget', async () => {
      const app = await startApp({ budget: { limit: 3, serverReserve: 1 } });
      const users = [SEED_USER_ID, emulator.createUser({ email: 'a@example.com' }).id];
      for (const user of users)
        expect((await postClientToken(app.url, { [USER_HEADER]: user })).status).toBe(200);
      const callsBefore = emulator.counters.tokenCalls;
      const third = emulator.createUser({ email: 'b@example.com' }).id;
      const res = await postClientToken(app.url, { [USER_HEADER]: third });
      await expectErrorAnswer(res, 429, 'token_budget_exhausted', 'present');
      expect(emulator.counters.tokenCalls).toBe(callsBefore);
    });

    it('client-token route: 503 when Basiq keeps failing', async () => {
      const app = await startApp({ retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 } });
      emulator.injectFault({ path: '/token', status: 500, times: 10 });
      await expectErrorAnswer(
        await postClientToken(app.url, { [USER_HEADER]: SEED_USER_ID }),
        503,
        'basiq_unavailable',
      );
    });

    it('client-token route: 503 with Retry-After when Basiq throttles /token', async () => {
      const app = await startApp({ retry: { retries: 0 } });
      emulator.injectFault({ path: '/token', status: 429, headers: { 'retry-after': '7' }, times: 10 });
      await expectErrorAnswer(
        await postClientToken(app.url, { [USER_HEADER]: SEED_USER_ID }),
        503,
        'basiq_rate_limited',
        'present',
      );
    });

    it('client-token route: 504 when Basiq answers too slowly', async () => {
      const app = await startApp({ tokenTimeoutMs: 150, retry: { retries: 0 } });
      emulator.injectFault({ path: '/token', delayMs: 1_000, times: 10 });
      await expectErrorAnswer(
        await postClientToken(app.url, { [USER_HEADER]: SEED_USER_ID }),
        504,
        'basiq_timeout',
      );
    });

    it('client-token route: 502 when Basiq answers a malformed 200', async () => {
      const app = await startApp({ retry: { retries: 0 } });
      emulator.injectFault({ path: '/token', status: 200, body: { token_type: 'Bearer' }, times: 10 });
      await expectErrorAnswer(
        await postClientToken(app.url, { [USER_HEADER]: SEED_USER_ID }),
        502,
        'basiq_bad_response',
      );
    });

    it('works mounted under a prefix (/api/basiq)', async () => {
      const app = await startApp({}, '/api/basiq');
      const res = await postClientToken(`${app.url}/api/basiq`, { [USER_HEADER]: SEED_USER_ID });
      expect(res.status).toBe(200);
      expect(decodeJwt(((await res.json()) as { access_token: string }).access_token).userId).toBe(
        SEED_USER_ID,
      );
      const user = await fetch(`${app.url}/api/basiq/users/${SEED_USER_ID}`);
      expect(user.status).toBe(200);
      expect(((await user.json()) as { id: string }).id).toBe(SEED_USER_ID);
      const outside = await postClientToken(app.url, { [USER_HEADER]: SEED_USER_ID });
      expect(outside.status).toBe(404);
      await outside.arrayBuffer();
    });

    it("passes a throwing resolveUserId to the framework's error handler", async () => {
      const app = await startApp();
      const res = await postClientToken(app.url, { [THROW_HEADER]: '1' });
      // The app's own error, answered by the app's own handling: no status of its own, so 500.
      expect(res.status).toBe(500);
      await expectNoSecret(await res.text());
      expect(app.errors).toHaveLength(1);
      expect(app.errors[0]).toBeInstanceOf(SessionStoreDown);
      expect(emulator.counters.tokenCalls).toBe(0);
    });

    it('answers a failing Basiq call from an app route as the client-token route answers', async () => {
      const app = await startApp({ retry: { retries: 0 } });
      // No server token to be had: a BasiqError with no HTTP status of its own.
      emulator.injectFault({ path: '/token', status: 503, times: 10 });
      await expectErrorAnswer(await fetch(`${app.url}/users/${SEED_USER_ID}`), 503, 'basiq_unavailable');
      expect(app.errors).toHaveLength(1);
      expect(app.errors[0]).toBeInstanceOf(BasiqError);
      expect(app.errors[0]).not.toBeInstanceOf(BasiqApiError);
      emulator.clearFaults();
      // Basiq answers 404 for an unknown user: a BasiqApiError with Basiq's status, answered 502
      // (never Basiq's 4xx, the browser's to misread).
      await expectErrorAnswer(
        await fetch(`${app.url}/users/00000000-0000-0000-0000-000000000000`),
        502,
        'basiq_api_error',
      );
      expect(app.errors).toHaveLength(2);
      expect(app.errors[1]).toBeInstanceOf(BasiqApiError);
      // upstreamStatus: Koa rewrites an error's `status` to the one it answered.
      expect((app.errors[1] as BasiqApiError).upstreamStatus).toBe(404);
    });

    it('answers an app route with 503 and Retry-After when Basiq throttles /token', async () => {
      const app = await startApp({ retry: { retries: 0 } });
      emulator.injectFault({ path: '/token', status: 429, headers: { 'retry-after': '7' }, times: 10 });
      await expectErrorAnswer(
        await fetch(`${app.url}/users/${SEED_USER_ID}`),
        503,
        'basiq_rate_limited',
        'present',
      );
      expect(app.errors).toHaveLength(1);
      expect((app.errors[0] as BasiqError).code).toBe('basiq_rate_limited');
    });
  });
}
