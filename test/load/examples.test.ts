/**
 * Load through each example app: 10,000 requests, 200 at a time, half of them `GET /users/<id>`
 * (the server token, injected by the app's Basiq client) and half `POST /basiq/client-token` for
 * a few demo users, while tokens that live 4 seconds expire several times over. Every answer
 * must be a 2xx with the right body, and `/token` is called about once per refresh window.
 *
 * Time: the emulator and the client share a clock that moves 1 ms ahead per answer on top of
 * real time, so the run spans at least 10 token-seconds however fast the machine is. Nothing
 * asserts on how long anything took.
 */
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import type { RunningApp } from '../conformance/suite.js';
import { KeepAliveSender } from '../hostile/support/send.js';
import type { Outcome, WireRequest } from '../hostile/support/send.js';
import { SkewedClock } from './support/clock.js';
import { EXAMPLES } from './support/examples.js';

const TOTAL = 10_000;
const CONCURRENCY = 200;
const LIFETIME_SEC = 4;
// Core refreshes a token once half its lifetime is left (the soft window, capped at half): about
// two server tokens per lifetime, and a client token is reused while half its life remains.
const REFRESH_EVERY_MS = (LIFETIME_SEC * 1000) / 2;
const DEMO_USERS = [SEED_USER_ID, 'load-user-1', 'load-user-2', 'load-user-3'];

describe('the example apps under load across token expiry', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  for (const example of EXAMPLES) {
    it(`${example.name}: ${TOTAL.toLocaleString('en')} requests at concurrency ${CONCURRENCY}, zero failures`, async () => {
      const clock = new SkewedClock();
      const emulator: BasiqEmulator = await startEmulator({
        tokenLifetimeSec: LIFETIME_SEC,
        now: () => clock.now(),
        rateLimit: { limit: 1_000_000 },
      });
      cleanups.push(() => emulator.stop());
      const logged: string[] = [];
      const logger = {
        warn: (message: string) => logged.push(message),
        error: (message: string) => logged.push(message),
      };
      const client: BasiqClient = createBasiqClient({
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        clock,
        logger,
        budget: { limit: 1_000_000 },
        // A loaded CI machine can be slow; these are upper bounds, not expectations.
        tokenTimeoutMs: 30_000,
        requestTimeoutMs: 60_000,
      });
      cleanups.push(() => client.close());
      const replays: unknown[] = [];
      const tokenErrors: unknown[] = [];
      client.on('token:replay', (info) => replays.push(info));
      client.on('token:error', (info) => tokenErrors.push(info));
      const app: RunningApp = await example.start(client, logger);
      cleanups.push(() => app.close());

      const sender = new KeepAliveSender(app.url, CONCURRENCY);
      cleanups.push(async () => sender.close());
      const startedAt = clock.now();
      const failures: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < TOTAL) {
            const i = next++;
            const user = DEMO_USERS[(i >> 1) % DEMO_USERS.length]!;
            const request: WireRequest =
              i % 2 === 0
                ? { method: 'GET', path: `/users/${SEED_USER_ID}`, headers: [] }
                : { method: 'POST', path: '/basiq/client-token', headers: [['x-demo-user', user]] };
            const outcome = await sender.send(request, 120_000);
            clock.advance(1);
            const problem = check(request, user, outcome);
            if (problem) failures.push(`${request.method} ${request.path}: ${problem}`);
          }
        }),
      );
      const spanMs = clock.now() - startedAt;

      expect(failures.slice(0, 10), `${failures.length} of ${TOTAL} requests failed`).toEqual([]);
      expect(tokenErrors).toEqual([]);
      expect(logged).toEqual([]);

      const counters = emulator.counters;
      const figures = `span ${spanMs} ms of token time, counters ${JSON.stringify(counters)}, ${replays.length} replays`;
      console.log(`${example.name}: ${figures}`);
      expect(counters.requests['GET /users/{userId}'], figures).toBeGreaterThanOrEqual(TOTAL / 2);
      // The run crossed expiries: no single token could have served it.
      expect(spanMs).toBeGreaterThan(2 * LIFETIME_SEC * 1000);
      expect(counters.serverTokens, figures).toBeGreaterThanOrEqual(
        Math.floor(spanMs / (LIFETIME_SEC * 1000)),
      );
      // Bounded: one per refresh window plus the first, and one spare for a replay after a race.
      const perWindow = Math.ceil(spanMs / REFRESH_EVERY_MS) + 2;
      expect(counters.serverTokens, figures).toBeLessThanOrEqual(perWindow);
      expect(counters.clientTokens, figures).toBeLessThanOrEqual(DEMO_USERS.length * perWindow);
      expect(counters.tokenCalls, figures).toBe(counters.serverTokens + counters.clientTokens);
    }, 300_000);
  }
});

/** What is wrong with one answer, if anything. */
function check(request: WireRequest, user: string, outcome: Outcome): string | undefined {
  if (outcome.kind === 'error') return `connection ${outcome.code}`;
  if (outcome.status < 200 || outcome.status >= 300) return `${outcome.status} ${outcome.text.slice(0, 200)}`;
  let body: { id?: unknown; access_token?: unknown };
  try {
    body = JSON.parse(outcome.text) as typeof body;
  } catch {
    return `not JSON: ${outcome.text.slice(0, 200)}`;
  }
  if (request.method === 'GET') return body.id === SEED_USER_ID ? undefined : `wrong user ${String(body.id)}`;
  if (typeof body.access_token !== 'string') return 'no access_token';
  const claims = decodeJwt(body.access_token);
  if (claims.scope !== 'CLIENT_ACCESS' || claims.userId !== user) {
    return `a ${String(claims.scope)} token for ${String(claims.userId)} instead of ${user}'s client token`;
  }
  return outcome.headers['cache-control'] === 'no-store' ? undefined : 'cacheable token';
}
