/**
 * The conformance scenarios that apply outside Node, run against the shared Hono app
 * (`app/app.ts`) in another runtime: Bun, Deno or workerd. The emulator runs here, in Node; the
 * app runs in the runtime's own process with its own client, configured as a deployment would be
 * (env or bindings), and every assertion is over real loopback HTTP plus the emulator's counters,
 * which see what the runtime sent to Basiq.
 *
 * Each runtime's test file calls {@link runRuntimeSuite} with its launcher; without the runtime's
 * binary the suite says why in one line and skips (fails in CI, which installs every runtime).
 */
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { SLOTS, USER_HEADER } from './app/app.js';
import type { RunningRuntime, RuntimeLauncher } from './support/runtime.js';

/** One answer from the app, kept whole for the secret scan. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export function runRuntimeSuite(launcher: RuntimeLauncher): void {
  const title = `${launcher.title ?? launcher.name}: @basiq-token/hono against the emulator`;
  const binary = launcher.binary;
  const skipReason = binary.available ? undefined : binary.reason;
  if (skipReason !== undefined) {
    // CI installs every runtime (the root devDependencies): there a missing one is a failure.
    if (process.env.CI === 'true') {
      describe(title, () => {
        it('has its runtime installed', () => {
          throw new Error(skipReason);
        });
      });
      return;
    }
    console.warn(`[skipped] ${title}: ${skipReason}`);
    describe.skip(title, () => {
      it('runs the runtime scenarios', () => undefined);
    });
    return;
  }

  describe(title, () => {
    let emulator: BasiqEmulator;
    let runtime: RunningRuntime;
    const answers: Answer[] = [];
    const free = [...SLOTS];

    beforeAll(async () => {
      emulator = await startEmulator({ tokenLifetimeSec: 3600 });
      runtime = await launcher.start({ BASIQ_API_KEY: emulator.apiKey, BASIQ_API_URL: emulator.url });
    });
    afterAll(async () => {
      await runtime?.stop();
      await emulator?.stop();
    });
    afterEach(() => {
      emulator.clearFaults();
      emulator.resetCounters();
    });

    /** A slot of the app no scenario used yet: its client has no token and no refresh behind it. */
    function freshSlot(): string {
      const slot = free.shift();
      if (slot === undefined) throw new Error('more scenarios than slots in app/app.ts');
      return `${runtime.url}/${slot}`;
    }

    async function call(url: string, init: RequestInit = {}): Promise<Answer> {
      const res = await fetch(url, init);
      const answer = { status: res.status, headers: res.headers, text: await res.text() };
      answers.push(answer);
      return answer;
    }

    function postClientToken(base: string, headers: Record<string, string> = {}): Promise<Answer> {
      return call(`${base}/client-token`, { method: 'POST', headers });
    }

    function serverTokens(): string[] {
      return emulator.issuedTokens().filter((token) => decodeJwt(token).scope === 'SERVER_ACCESS');
    }

    function expectErrorAnswer(answer: Answer, status: number, code: string): void {
      expect(answer.status, answer.text).toBe(status);
      expect(answer.headers.get('content-type') ?? '').toMatch(/^application\/json/);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const body = JSON.parse(answer.text) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
    }

    it(`runs in ${launcher.name}`, async () => {
      const answer = await call(`${runtime.url}/runtime`);
      expect(answer.status).toBe(200);
      const info = JSON.parse(answer.text) as { key: string; version?: string };
      // Hono's own runtime detection, from inside the app: not Node under another name.
      expect(info.key).toBe(launcher.name);
      if (launcher.name !== 'workerd') expect(info.version).toBe(binary.available && binary.version);
    });

    it('sends the server token from c.var.basiq.fetch: one /token call for a burst, then none', async () => {
      const base = freshSlot();
      const burst = await Promise.all(
        Array.from({ length: 10 }, () => call(`${base}/fetch/users/${SEED_USER_ID}`)),
      );
      for (const answer of burst) {
        expect(answer.status, answer.text).toBe(200);
        expect((JSON.parse(answer.text) as { id: string }).id).toBe(SEED_USER_ID);
      }
      // The emulator answers GET /users only to a valid SERVER_ACCESS bearer: these 200s are the
      // runtime's client sending the token it fetched, once, for all ten.
      expect(emulator.counters.requests['GET /users/{userId}']).toBe(10);
      expect(emulator.counters.tokenCalls).toBe(1);
      expect(emulator.counters.serverTokens).toBe(1);
      const again = await call(`${base}/fetch/users/${SEED_USER_ID}`);
      expect(again.status).toBe(200);
      expect(emulator.counters.tokenCalls).toBe(1);
    });

    it('sends the server token from c.var.basiq.api (the typed client)', async () => {
      const base = freshSlot();
      const answer = await call(`${base}/api/users/${SEED_USER_ID}/accounts`);
      expect(answer.status, answer.text).toBe(200);
      const accounts = (JSON.parse(answer.text) as { data: Array<{ id: string }> }).data;
      expect(accounts.length).toBeGreaterThan(0);
      expect(emulator.counters.requests['GET /users/{userId}/accounts']).toBe(1);
      expect(emulator.counters.serverTokens).toBe(1);
    });

    it('sends the server token from c.var.basiq.http (axios); a Basiq refusal answers 502', async () => {
      const base = freshSlot();
      const answer = await call(`${base}/http/users/${SEED_USER_ID}`);
      expect(answer.status, answer.text).toBe(200);
      expect((JSON.parse(answer.text) as { id: string }).id).toBe(SEED_USER_ID);
      expect(emulator.counters.requests['GET /users/{userId}']).toBe(1);
      expect(emulator.counters.serverTokens).toBe(1);
      // Basiq's 404 for an unknown user, thrown by axios as a BasiqApiError: answered by the
      // adapter's error handler as core answers it, never as Basiq's 4xx.
      expectErrorAnswer(
        await call(`${base}/http/users/00000000-0000-0000-0000-000000000000`),
        502,
        'basiq_api_error',
      );
    });

    for (const as of ['expired', 'invalid'] as const) {
      it(`refreshes and replays once when Basiq refuses the server token early (${as})`, async () => {
        const base = freshSlot();
        expect((await call(`${base}/fetch/users/${SEED_USER_ID}`)).status).toBe(200);
        expect(emulator.counters.tokenCalls).toBe(1);
        // Basiq refuses the token before its expiry: 403 "Token has expired" or 401 invalid-authorization-token.
        emulator.revokeAll(as);
        const replayed = await call(`${base}/fetch/users/${SEED_USER_ID}`);
        expect(replayed.status, `after revocation as ${as}: ${replayed.text}`).toBe(200);
        expect((JSON.parse(replayed.text) as { id: string }).id).toBe(SEED_USER_ID);
        // One refresh, and the refused request sent once more: twice in all after the first.
        expect(emulator.counters.tokenCalls).toBe(2);
        expect(emulator.counters.requests['GET /users/{userId}']).toBe(3);
        // The next call goes out with the new token at once.
        const next = await call(`${base}/api/users/${SEED_USER_ID}/accounts`);
        expect(next.status, next.text).toBe(200);
        expect(emulator.counters.requests['GET /users/{userId}/accounts']).toBe(1);
        expect(emulator.counters.tokenCalls).toBe(2);
      });
    }

    it('answers an app route whose server token cannot be had with core’s error answer (503)', async () => {
      const base = freshSlot();
      emulator.injectFault({ path: '/token', status: 503, times: 10 });
      expectErrorAnswer(await call(`${base}/fetch/users/${SEED_USER_ID}`), 503, 'basiq_unavailable');
      expect(emulator.counters.requests['GET /users/{userId}'] ?? 0).toBe(0);
    });

    it('client-token route: 200 with a CLIENT_ACCESS token for the resolved user, no-store', async () => {
      const base = freshSlot();
      const answer = await postClientToken(base, { [USER_HEADER]: SEED_USER_ID });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('content-type') ?? '').toMatch(/^application\/json/);
      const body = JSON.parse(answer.text) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBeGreaterThan(0);
      const claims = decodeJwt(body.access_token as string);
      expect(claims.scope).toBe('CLIENT_ACCESS');
      expect(claims.userId).toBe(SEED_USER_ID);
      expect(emulator.counters.clientTokens).toBe(1);
      // Reused for the same user while it has life left.
      const again = await postClientToken(base, { [USER_HEADER]: SEED_USER_ID });
      expect((JSON.parse(again.text) as { access_token: string }).access_token).toBe(body.access_token);
      expect(emulator.counters.clientTokens).toBe(1);
    });

    it('client-token route: 401 without a signed-in user, 400 for an invalid userId, no /token call', async () => {
      const base = freshSlot();
      expectErrorAnswer(await postClientToken(base), 401, 'unauthenticated');
      for (const bad of ['not a user id', '../token', 'x'.repeat(65)]) {
        expectErrorAnswer(await postClientToken(base, { [USER_HEADER]: bad }), 400, 'invalid_user_id');
      }
      expect(emulator.counters.tokenCalls).toBe(0);
    });

    // Last: it reads what every scenario above was answered and what the runtime printed.
    it('no answer and no log line holds the API key or a server token', () => {
      const secrets = [emulator.apiKey, ...serverTokens()];
      expect(serverTokens().length, 'the scenarios above fetched server tokens').toBeGreaterThanOrEqual(4);
      expect(answers.length).toBeGreaterThan(20);
      for (const answer of answers) {
        const whole = `${answer.status}\n${[...answer.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${answer.text}`;
        for (const secret of secrets) expect(whole.includes(secret), 'a secret in an answer').toBe(false);
      }
      // The logs may not hold a client token either: only the route's answer may.
      const logs = runtime.output();
      // Not a scan of nothing: the 503 scenario's failure was logged, through core's logger.
      expect(logs).toMatch(/\[basiq-token\]/);
      for (const secret of [emulator.apiKey, ...emulator.issuedTokens()])
        expect(logs.includes(secret), 'a secret in the runtime’s output').toBe(false);
    });
  });
}
