/**
 * The examples' HTTP contract (ARCHITECTURE.md, "The examples"), checked against any example: once through its
 * `createApp` factory against an emulator, and once by starting its real `main` as a child
 * process from the TypeScript sources (tsx with the workspace's `paths`, so no build needed).
 */
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { SEED_ACCOUNT_IDS, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import { Redis } from 'ioredis';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { noteRedisSkip, redisSupport, startRedisServer } from '../../support/redis-server.js';
import type { RedisServerHandle } from '../../support/redis-server.js';
import { listeningUrl, spawnTsx } from '../../support/tsx-env.js';

const UNKNOWN_USER_ID = '00000000-0000-4000-8000-000000000000';
/** Shaped like a Basiq key (base64 of two UUIDs), but not the emulator's. */
const WRONG_API_KEY = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');

/** One example app to check. */
export interface ExampleUnderTest {
  /** The example's `createApp`, as a Node request listener (`app` for Express, `app.callback()` for Koa). */
  createListener(client: BasiqClient): RequestListener;
  /** The example's `src/main.ts`, relative to the repository root. */
  main: string;
}

/** Registers the contract tests for one example under `describe(name)`. */
export function runExampleContract(name: string, example: ExampleUnderTest): void {
  describe(`${name} example: createApp`, () => {
    let emulator: BasiqEmulator;
    let client: BasiqClient;
    let app: RequestListener;

    beforeAll(async () => {
      emulator = await startEmulator();
    });
    afterAll(async () => {
      await emulator?.stop();
    });
    beforeEach(() => {
      client = createBasiqClient({
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        logger: false,
        retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
      });
      app = example.createListener(client);
    });
    afterEach(async () => {
      await client.close();
      emulator.clearFaults();
      emulator.resetCounters();
    });

    function expectNoSecret(text: string): void {
      for (const secret of [emulator.apiKey, ...emulator.issuedTokens()]) {
        expect(text.includes(secret), 'a secret leaked into a response').toBe(false);
      }
    }

    it("GET /healthz answers 200 with the client's health, and makes no /token call", async () => {
      const before = await request(app).get('/healthz').expect(200);
      expect(before.headers['cache-control']).toBe('no-store');
      expect(before.body).toMatchObject({
        status: 'ok',
        basiq: { ready: false, serverToken: { held: false, phase: 'none' }, backoff: { open: false } },
      });
      expect(emulator.counters.tokenCalls).toBe(0);
      await client.warmUp();
      const after = await request(app).get('/healthz').expect(200);
      expect(after.body).toMatchObject({
        status: 'ok',
        basiq: { ready: true, serverToken: { held: true, phase: 'fresh' }, store: { kind: 'memory' } },
      });
      expect(after.body.basiq.serverToken.expiresInMs).toBeGreaterThan(0);
      expect(emulator.counters.tokenCalls).toBe(1);
      expectNoSecret(after.text);
    });

    it('GET /readyz answers 200 once a server token is held: the first probe gets one, the next ones read it', async () => {
      const first = await request(app).get('/readyz').expect(200);
      expect(first.headers['cache-control']).toBe('no-store');
      expect(first.body).toMatchObject({ status: 'ready', basiq: { ready: true } });
      for (let i = 0; i < 5; i++) await request(app).get('/readyz').expect(200);
      expect(emulator.counters.tokenCalls).toBe(1);
      expectNoSecret(first.text);
    });

    it("GET /readyz answers 503 with core's JSON for a wrong key, and probes do not storm /token", async () => {
      const wrong = createBasiqClient({
        apiKey: WRONG_API_KEY,
        baseUrl: emulator.url,
        logger: false,
        retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
      });
      try {
        const wrongApp = example.createListener(wrong);
        const probes = await Promise.all(Array.from({ length: 5 }, () => request(wrongApp).get('/readyz')));
        for (let i = 0; i < 20; i++) probes.push(await request(wrongApp).get('/readyz'));
        for (const res of probes) {
          expect(res.status).toBe(503);
          expect(res.headers['cache-control']).toBe('no-store');
          expect(res.body).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
          expect(res.text.includes(WRONG_API_KEY)).toBe(false);
        }
        expect(emulator.counters.tokenCalls).toBe(1);
        // Liveness stays 200 and says why the instance is not ready.
        const live = await request(wrongApp).get('/healthz').expect(200);
        expect(live.body.basiq).toMatchObject({
          ready: false,
          serverToken: { lastFailure: { code: 'basiq_configuration' } },
          backoff: { open: true },
        });
      } finally {
        await wrong.close();
      }
    });

    it('POST /basiq/client-token gives the demo user a CLIENT_ACCESS token', async () => {
      const res = await request(app).post('/basiq/client-token').set('x-demo-user', SEED_USER_ID).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.token_type).toBe('Bearer');
      const claims = decodeJwt(res.body.access_token as string);
      expect(claims.scope).toBe('CLIENT_ACCESS');
      expect(claims.userId).toBe(SEED_USER_ID);
      expectNoSecret(JSON.stringify(res.headers));
    });

    it('POST /basiq/client-token answers 401 without a demo user and 400 for a bad one', async () => {
      const anonymous = await request(app).post('/basiq/client-token').expect(401);
      expect(anonymous.body.error.code).toBe('unauthenticated');
      const bad = await request(app)
        .post('/basiq/client-token')
        .set('x-demo-user', 'no/such user')
        .expect(400);
      expect(bad.body.error.code).toBe('invalid_user_id');
      expect(emulator.counters.tokenCalls).toBe(0);
    });

    it('GET /users/:userId relays the user from Basiq', async () => {
      const res = await request(app).get(`/users/${SEED_USER_ID}`).expect(200);
      expect(res.body).toMatchObject({ type: 'user', id: SEED_USER_ID, email: 'gavin@hooli.com' });
      expect(emulator.counters.requests['GET /users/{userId}']).toBe(1);
      expect(emulator.counters.serverTokens).toBe(1);
      expectNoSecret(res.text);
    });

    it("GET /users/:userId relays Basiq's 404 and its body", async () => {
      const res = await request(app).get(`/users/${UNKNOWN_USER_ID}`).expect(404);
      const direct = await fetch(`${emulator.url}/users/${UNKNOWN_USER_ID}`, {
        headers: { authorization: `Bearer ${await client.getServerToken()}` },
      });
      expect(direct.status).toBe(404);
      const basiqBody = (await direct.json()) as { correlationId: string };
      expect(res.body).toEqual({ ...basiqBody, correlationId: res.body.correlationId });
      expect(res.body.data[0].code).toBe('resource-not-found');
    });

    it("GET /users/:userId/accounts relays the seeded user's accounts from Basiq, as Basiq sent them", async () => {
      const res = await request(app).get(`/users/${SEED_USER_ID}/accounts`).expect(200);
      expect(emulator.counters.requests['GET /users/{userId}/accounts']).toBe(1);
      expect(emulator.counters.serverTokens).toBe(1);
      expect(res.body.type).toBe('list');
      expect(res.body.data.map((account: { id: string }) => account.id)).toEqual([...SEED_ACCOUNT_IDS]);
      const direct = await fetch(`${emulator.url}/users/${SEED_USER_ID}/accounts`, {
        headers: { authorization: `Bearer ${await client.getServerToken()}` },
      });
      expect(res.body).toEqual(await direct.json());
      expectNoSecret(res.text);
    });

    it("GET /users/:userId/accounts relays Basiq's 404 for an unknown user", async () => {
      const res = await request(app).get(`/users/${UNKNOWN_USER_ID}/accounts`).expect(404);
      expect(res.body.type).toBe('list');
      expect(res.body.data[0].code).toBe('resource-not-found');
    });

    it('POST /users creates a user through Basiq and relays its 201', async () => {
      const created = await request(app).post('/users').send({ email: 'new.user@example.com' }).expect(201);
      expect(created.body).toMatchObject({ type: 'user', email: 'new.user@example.com' });
      const fetched = await request(app).get(`/users/${created.body.id}`).expect(200);
      expect(fetched.body.email).toBe('new.user@example.com');
    });

    it("POST /users relays Basiq's 400 for invalid fields, and refuses a malformed body itself", async () => {
      const invalid = await request(app).post('/users').send({ firstName: 'No Contact' }).expect(400);
      expect(invalid.body.type).toBe('list');
      expect(invalid.body.data[0].type).toBe('error');
      const callsBefore = emulator.counters.requests['POST /users'] ?? 0;
      const malformed = await request(app)
        .post('/users')
        .set('content-type', 'application/json')
        .send('{"email":');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('invalid_body');
      expect(emulator.counters.requests['POST /users'] ?? 0).toBe(callsBefore);
    });

    it('answers 503 JSON when Basiq cannot give a token', async () => {
      emulator.injectFault({ path: '/token', status: 503, times: 10 });
      const res = await request(app).get(`/users/${SEED_USER_ID}`).expect(503);
      expect(res.body.error.code).toBe('basiq_unavailable');
      expectNoSecret(res.text);
    });

    it('answers 404 JSON for an unknown route', async () => {
      const res = await request(app).get('/nope').expect(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });

  describe(`${name} example: main`, () => {
    const running: MainProcess[] = [];
    afterEach(() => {
      for (const main of running.splice(0)) main.kill();
    });

    it('starts on the embedded emulator, serves the contract over HTTP and exits 0 on SIGTERM', async () => {
      const main = await startMain(example.main, {});
      running.push(main);
      const firstLines = main.output().stdout.split('\n').slice(0, 2).join('\n');
      expect(firstLines).toMatch(
        /BASIQ_API_KEY is not set: using the local Basiq emulator at http:\/\/127\.0\.0\.1:\d+/,
      );
      const issued = await exerciseContract(main);
      const { code, signal, stdout, stderr } = await main.stop();
      expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
      for (const secret of issued)
        expect((stdout + stderr).includes(secret), 'a token was logged').toBe(false);
    });

    it('with a wrong BASIQ_API_KEY: starts anyway, logs the failed warm-up, /healthz 200 and /readyz 503', async () => {
      const emulator = await startEmulator();
      try {
        const main = await startMain(example.main, { BASIQ_API_KEY: 'wrong', BASIQ_API_URL: emulator.url });
        running.push(main);
        expect((await fetch(`${main.url}/healthz`)).status).toBe(200);
        const ready = await fetch(`${main.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(ready.headers.get('cache-control')).toBe('no-store');
        expect(await ready.json()).toEqual({
          error: { code: 'basiq_configuration', message: expect.any(String) },
        });
        // The warm-up's one /token call; the probe met the back-off window and made none.
        expect(emulator.counters.tokenCalls).toBe(1);
        const { code, signal, stderr } = await main.stop();
        expect({ code, signal }).toEqual({ code: 0, signal: null });
        expect(stderr).toMatch(/Basiq warm-up failed \(basiq_configuration\)/);
      } finally {
        await emulator.stop();
      }
    });
  });

  // Said when the tests are collected: a skipped describe runs no hook that could say it.
  noteRedisSkip(`${name} example with REDIS_URL`);
  describe.skipIf(!redisSupport.available)(`${name} example: main with REDIS_URL`, () => {
    let redis: RedisServerHandle;
    const running: MainProcess[] = [];
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    afterEach(() => {
      for (const main of running.splice(0)) main.kill();
    });

    it('keeps its tokens in Redis and still exits 0 on SIGTERM', async () => {
      const main = await startMain(example.main, { REDIS_URL: redis.url });
      running.push(main);
      expect(main.output().stdout).toContain('REDIS_URL is set');
      await exerciseContract(main);
      const keys = await redisKeyCount(redis.url);
      expect(keys).toBeGreaterThan(0);
      const { code, signal, stderr } = await main.stop();
      expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    });
  });
}

/** A running example `main` (a child process). */
export interface MainProcess {
  url: string;
  emulatorUrl: string;
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then how it ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(): void;
}

/** Starts `main` from its TypeScript sources and waits for the URL it prints. */
export async function startMain(main: string, extraEnv: Record<string, string>): Promise<MainProcess> {
  const child = spawnTsx([main], { PORT: '0', ...extraEnv });
  const url = await listeningUrl(child).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  const emulatorUrl = /emulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(child.stdout())?.[1] ?? '';
  return {
    url,
    emulatorUrl,
    output: () => ({ stdout: child.stdout(), stderr: child.stderr() }),
    async stop() {
      child.proc.kill('SIGTERM');
      const [code, signal] = await child.exited;
      return { code, signal, stdout: child.stdout(), stderr: child.stderr() };
    },
    kill: child.kill,
  };
}

/** The contract over real HTTP; resolves with every token the emulator issued meanwhile. */
async function exerciseContract(main: MainProcess): Promise<string[]> {
  const { url } = main;
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
  expect(((await health.json()) as { status: string }).status).toBe('ok');
  // main warms up at start; readiness gets the token itself should a probe come first.
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  expect(((await ready.json()) as { basiq: { ready: boolean } }).basiq.ready).toBe(true);
  const token = await fetch(`${url}/basiq/client-token`, {
    method: 'POST',
    headers: { 'x-demo-user': SEED_USER_ID },
  });
  expect(token.status).toBe(200);
  const clientToken = ((await token.json()) as { access_token: string }).access_token;
  expect(decodeJwt(clientToken).userId).toBe(SEED_USER_ID);
  const user = await fetch(`${url}/users/${SEED_USER_ID}`);
  expect(user.status).toBe(200);
  expect(((await user.json()) as { id: string }).id).toBe(SEED_USER_ID);
  const accounts = await fetch(`${url}/users/${SEED_USER_ID}/accounts`);
  expect(accounts.status).toBe(200);
  expect(((await accounts.json()) as { data: unknown[] }).data).toHaveLength(SEED_ACCOUNT_IDS.length);
  const created = await fetch(`${url}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'from.main@example.com' }),
  });
  expect(created.status).toBe(201);
  const issued = (await (await fetch(`${main.emulatorUrl}/__emulator/tokens`)).json()) as string[];
  expect(issued.length).toBeGreaterThanOrEqual(2);
  return issued;
}

async function redisKeyCount(url: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await redis.dbsize();
  } finally {
    redis.disconnect();
  }
}
