/**
 * Plays every row of the fault matrix (matrix.ts) through one adapter, over real loopback HTTP,
 * against the emulator's fault injection. Per row, each on a fresh app and client:
 *
 * 1. the client-token route, once and then again: the exact answer and `/token` calls;
 * 2. an app route using `http`, once: what reached the app's error handler, what the caller got,
 *    and the exact `/token` and `/users` calls;
 * 3. a concurrent burst on both routes: every request settles before a deadline computed from
 *    the options, answers as the single request did, and upstream calls stay bounded;
 * 4. for `/token` faults, with a token already cached: the fault hits the refresh in the soft
 *    window (and in the hard window if it lasts), and data calls keep succeeding;
 *
 * and no unhandled rejection anywhere in the row.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BasiqApiError, BasiqError, createBasiqClient, errorResponse } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { flightBoundMs, settleBoundMs, SLACK_MS, until, within } from './bounds.js';
import { FAULT_ROWS, MATRIX_OPTIONS, MATRIX_TOKEN_LIFETIME_SEC, optionsFor } from './matrix.js';
import type { AppResult, FaultRow, RouteAnswer } from './matrix.js';
import type { FaultTarget } from './targets.js';

/** Concurrent requests per route in the burst. */
export const BURST = 6;

const USER_HEADER = 'x-test-user';

/** Ways for another suite (the whole-run secret scan) to watch the matrix run. */
export interface MatrixHooks {
  /** Merged into every client's options (a capturing `logger`, say). */
  clientOptions?: Partial<BasiqOptions>;
  /** Called with each emulator once it is started. */
  onEmulator?(emulator: BasiqEmulator): void;
  /** The rows to run (default: all). */
  rows?: readonly FaultRow[];
}

/** A finished HTTP exchange with an app. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface App {
  url: string;
  client: BasiqClient;
  /** Errors that reached the framework's error handling, in order. */
  errors: unknown[];
  /** Delays of the `token:retry` events, in order. */
  retryDelays: number[];
  /** Why each retry happened (`token:retry` reasons), for failure messages. */
  retryReasons: string[];
  /** Deadlines of one request on each route, from the row's options. */
  clientBound: number;
  appBound: number;
}

function resolveUserId(request: { headers: IncomingHttpHeaders }): unknown {
  return request.headers[USER_HEADER];
}

/** Registers the matrix for one adapter variant under `describe('fault matrix: <name>')`. */
export function runFaultMatrix(target: FaultTarget, hooks: MatrixHooks = {}): void {
  const rows = hooks.rows ?? FAULT_ROWS;
  const lifetimeMs = MATRIX_TOKEN_LIFETIME_SEC * 1000;

  describe(`fault matrix: ${target.name}`, () => {
    let emulator: BasiqEmulator;
    // One clock for the emulator and every client, moved forward to reach the refresh windows.
    let skewMs = 0;
    const clock = { now: () => Date.now() + skewMs };
    const cleanups: Array<() => Promise<void>> = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);

    beforeAll(async () => {
      emulator = await startEmulator({
        now: clock.now,
        tokenLifetimeSec: MATRIX_TOKEN_LIFETIME_SEC,
        // The matrix is about the client's faults, not Basiq's limiter (the clock jumps by hours).
        rateLimit: { limit: 1_000_000 },
      });
      hooks.onEmulator?.(emulator);
    });
    afterAll(async () => {
      await emulator?.stop();
    });
    beforeEach(() => {
      unhandled.length = 0;
      // First in line: a listener that throws (test/support/setup.ts) stops the ones after it.
      process.prependListener('unhandledRejection', onUnhandled);
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      // Closing the apps and clients is part of the row: a rejection it leaves counts too.
      await noUnhandledRejection();
      process.off('unhandledRejection', onUnhandled);
      emulator.clearFaults();
      emulator.resetCounters();
      skewMs = 0;
      if (unhandled.length > 0) {
        throw new Error(
          `unhandled rejections during the row or while closing it: ${unhandled.map((r) => String(r)).join('; ')}`,
        );
      }
    });

    async function startApp(row: FaultRow): Promise<App> {
      const client = createBasiqClient({
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        logger: false,
        ...optionsFor(row),
        clock,
        ...hooks.clientOptions,
      });
      cleanups.push(() => client.close());
      const errors: unknown[] = [];
      const retryDelays: number[] = [];
      const retryReasons: string[] = [];
      client.on('token:retry', ({ delayMs, reason }) => {
        retryDelays.push(delayMs);
        retryReasons.push(reason);
      });
      const app = await target.driver.start({ client, resolveUserId, onError: (e) => errors.push(e) });
      cleanups.push(() => app.close());
      return {
        url: app.url,
        client,
        errors,
        retryDelays,
        retryReasons,
        clientBound: settleBoundMs('client-token', optionsFor(row)),
        appBound: settleBoundMs('app', optionsFor(row)),
      };
    }

    /** A fresh app, with the row's fault queued and the counters at zero. */
    async function faulted(row: FaultRow): Promise<App> {
      const app = await startApp(row);
      emulator.clearFaults();
      emulator.injectFault(row.inject);
      emulator.resetCounters();
      return app;
    }

    function calls(): { token: number; users: number } {
      return {
        token: emulator.counters.tokenCalls,
        users: emulator.counters.requests['GET /users/{userId}'] ?? 0,
      };
    }

    async function send(url: string, init: RequestInit, bound: number, what: string): Promise<Answer> {
      return within(
        fetch(url, init).then(async (res) => ({
          status: res.status,
          headers: res.headers,
          text: await res.text(),
        })),
        bound,
        what,
      );
    }

    const askClientToken = (app: App) =>
      send(
        `${app.url}/client-token`,
        { method: 'POST', headers: { [USER_HEADER]: SEED_USER_ID } },
        app.clientBound,
        'a client-token request',
      );
    const askUser = (app: App) =>
      send(`${app.url}/users/${SEED_USER_ID}`, {}, app.appBound, 'an app-route request');

    function expectSecretFree(answer: Answer, label: string): void {
      const secrets = [emulator.apiKey, ...emulator.issuedTokens()];
      // The one token allowed out: the client token in the route's 200 body.
      const allowed = answer.status === 200 ? tokenIn(answer.text) : undefined;
      for (const secret of secrets) {
        if (secret === allowed) continue;
        expect(answer.text.includes(secret), `${label}: a secret in the body`).toBe(false);
      }
    }

    function expectRouteAnswer(answer: Answer, want: RouteAnswer, label: string, exact = true): void {
      expect(answer.status, `${label}: ${answer.text}`).toBe(want.status);
      expect(answer.headers.get('cache-control'), label).toBe('no-store');
      const body = JSON.parse(answer.text) as { error?: { code: string }; access_token?: string };
      if (want.status === 200) {
        expect(decodeJwt(body.access_token ?? '').scope, label).toBe('CLIENT_ACCESS');
      } else {
        expect(body.error?.code, label).toBe(want.code);
      }
      if (exact)
        expect(answer.headers.get('retry-after') ?? undefined, `${label}: Retry-After`).toBe(want.retryAfter);
      expectSecretFree(answer, label);
    }

    function expectAppResult(answer: Answer, want: AppResult, app: App, label: string): void {
      expectSecretFree(answer, label);
      if (want.ok) {
        const thrown = app.errors.map((e) => String((e as { code?: unknown }).code ?? e));
        expect(answer.status, `${label}: ${answer.text} (errors: ${thrown.join(', ')})`).toBe(200);
        expect((JSON.parse(answer.text) as { id: string }).id).toBe(SEED_USER_ID);
        return;
      }
      expect(app.errors.length, `${label}: one error reached the app's error handler`).toBeGreaterThan(0);
      const error = app.errors.shift();
      expect((error as { code?: unknown }).code, label).toBe(want.error);
      if (want.upstream) {
        expect(error, label).toBeInstanceOf(BasiqApiError);
        const apiError = error as BasiqApiError;
        // `upstreamStatus`: Koa rewrites an error's `status` to the one it answered.
        expect({ status: apiError.upstreamStatus, basiqCode: apiError.basiqCode }, label).toEqual(
          want.upstream,
        );
      } else {
        expect(error, label).not.toBeInstanceOf(BasiqApiError);
      }
      const mapped = errorResponse(error);
      expect(
        { status: mapped.status, code: (mapped.body as { error: { code: string } }).error.code },
        label,
      ).toEqual(want.answer);
      const seen = target.appAnswer(error);
      expect(answer.status, `${label}: ${answer.text}`).toBe(seen.status);
      if (error instanceof BasiqError) {
        // Every adapter answers a Basiq error as its client-token route answers errors.
        expect(answer.headers.get('content-type') ?? '', label).toMatch(/^application\/json/);
        expect(answer.headers.get('cache-control'), label).toBe('no-store');
        expect(answer.headers.get('etag'), label).toBeNull();
      }
      if (seen.code !== undefined) {
        expect((JSON.parse(answer.text) as { error?: { code?: string } }).error?.code, label).toBe(seen.code);
      }
    }

    /** Node reports unhandled rejections once the microtask queue drains: give it a turn first. */
    async function noUnhandledRejection(): Promise<void> {
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }

    async function clientTokenRoute(row: FaultRow): Promise<void> {
      const app = await faulted(row);
      const first = await askClientToken(app);
      expectRouteAnswer(first, row.clientRoute.first, 'client-token route, first request');
      expect(
        calls().token,
        `client-token route: /token calls (retries: ${app.retryReasons.join(', ')})`,
      ).toBe(row.clientRoute.calls);
      expect(app.retryDelays.length, 'token:retry events').toBe(row.clientRoute.calls - 1);
      if (row.retryDelaysMs) expect(app.retryDelays).toEqual(row.retryDelaysMs);
      else
        for (const delay of app.retryDelays)
          expect(delay).toBeLessThanOrEqual(MATRIX_OPTIONS.retry.maxDelayMs);

      emulator.resetCounters();
      const next = await askClientToken(app);
      expectRouteAnswer(next, row.clientRoute.next, 'client-token route, next request');
      expect(calls().token, 'client-token route, next request: /token calls').toBe(row.clientRoute.nextCalls);
      // The route answers every failure itself: nothing reaches the framework's error handling.
      expect(app.errors).toEqual([]);
    }

    async function appRoute(row: FaultRow): Promise<void> {
      const app = await faulted(row);
      const answer = await askUser(app);
      expectAppResult(answer, row.appRoute.result, app, 'app route');
      expect(calls(), `app route: upstream calls (retries: ${app.retryReasons.join(', ')})`).toEqual(
        row.appRoute.calls,
      );
      expect(app.errors).toEqual([]);
    }

    async function burst(row: FaultRow): Promise<void> {
      const app = await faulted(row);
      const [tokens, users] = await Promise.all([
        Promise.all(Array.from({ length: BURST }, () => askClientToken(app))),
        Promise.all(Array.from({ length: BURST }, () => askUser(app))),
      ]);
      // Later requests may meet a cool-down the first one started: same status and code, their own Retry-After.
      tokens.forEach((answer, i) =>
        expectRouteAnswer(answer, row.clientRoute.first, `burst, client-token ${i}`, false),
      );
      users.forEach((answer, i) =>
        expectAppResult(answer, row.appRoute.result, app, `burst, app route ${i}`),
      );
      expect(app.errors).toEqual([]);
      const { token, users: userCalls } = calls();
      expect(token, 'burst: /token calls').toBeLessThanOrEqual(
        BURST * (row.clientRoute.calls + row.appRoute.calls.token),
      );
      expect(userCalls, 'burst: /users calls').toBeLessThanOrEqual(BURST * row.appRoute.calls.users);
    }

    async function servedWhileValid(row: FaultRow): Promise<void> {
      const app = await startApp(row);
      emulator.clearFaults();
      expect((await askUser(app)).status, 'priming the server token').toBe(200);
      emulator.injectFault(row.inject);
      emulator.resetCounters();

      // Two minutes before expiry: inside the 5-minute soft window, outside the 30-second hard one.
      skewMs = lifetimeMs - 120_000;
      expect(app.client.toJSON().serverToken.phase).toBe('refresh-soon');
      const soft = [await askUser(app), await askUser(app)];
      soft.push(...(await Promise.all(Array.from({ length: BURST }, () => askUser(app)))));
      soft.forEach((answer, i) => expectAppResult(answer, { ok: true }, app, `soft window, request ${i}`));
      await until(
        () => !app.client.toJSON().serverToken.refreshing,
        flightBoundMs(optionsFor(row)) + SLACK_MS,
        'the background refresh settling',
      );
      // One background refresh, whatever the traffic: the same /token calls as one cold request.
      expect(calls(), 'soft window: upstream calls').toEqual({
        token: row.appRoute.calls.token,
        users: soft.length,
      });
      if (row.inject.times !== Number.POSITIVE_INFINITY) return;

      // Twenty seconds before expiry: callers now wait for a refresh, which fails; they get the old token.
      skewMs = lifetimeMs - 20_000;
      expect(app.client.toJSON().serverToken.phase).toBe('refresh-due');
      emulator.resetCounters();
      const hard = await Promise.all(Array.from({ length: BURST }, () => askUser(app)));
      hard.forEach((answer, i) => expectAppResult(answer, { ok: true }, app, `hard window, request ${i}`));
      expect(calls().token, 'hard window: /token calls').toBeLessThanOrEqual(
        BURST * row.appRoute.calls.token,
      );
      expect(app.errors).toEqual([]);
    }

    for (const row of rows) {
      // Each request has its own deadline (within); this only stops a row that hangs outright.
      const rowTimeout = 6 * settleBoundMs('app', optionsFor(row));
      it(
        `${row.id}: ${row.fault}`,
        async () => {
          await clientTokenRoute(row);
          await appRoute(row);
          await burst(row);
          if (row.servedWhileValid) await servedWhileValid(row);
          await noUnhandledRejection();
          expect(
            unhandled.map((reason) => String(reason)),
            'unhandled rejections',
          ).toEqual([]);
        },
        rowTimeout,
      );
    }
  });
}

/** The `access_token` of a route's 200 body, if it is one. */
function tokenIn(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { access_token?: unknown };
    return typeof body.access_token === 'string' ? body.access_token : undefined;
  } catch {
    return undefined;
  }
}
