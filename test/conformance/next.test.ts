/**
 * The conformance suite against @basiq-token/next in a real Next.js app (test/fixtures/next-app,
 * built once per run by `next build`) served by Next's production server in this process: the
 * App Router routes (clientTokenRouteHandlers, withBasiqErrors) and the Pages Router routes
 * (pagesClientTokenRoute, withBasiqApiErrors), each at the root and under /api/basiq. Next's own
 * error handling reports to the suite through the app's instrumentation `onRequestError`.
 *
 * Also: Basiq's account-verification starter kit's browser logic, as that kit writes it
 * (`const { data } = await axios.get('/api/client-token')`, then `data` is the token), against
 * the Pages Router drop-in and the App Router handler.
 */
import axios, { AxiosError } from 'axios';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { runConformanceSuite } from './suite.js';
import { installHarness as install, nextDriver, startNextApp } from './support/next-app.js';
import type { RunningNextApp } from './support/next-app.js';
import { EDGE_HARNESS_ENV, startEdgeHarness } from './next-edge.js';

let app: RunningNextApp | undefined;
let edge: Awaited<ReturnType<typeof startEdgeHarness>> | undefined;
let base = '';

beforeAll(async () => {
  // Before Next starts: its Edge sandbox copies process.env when it is created.
  edge = await startEdgeHarness();
  process.env[EDGE_HARNESS_ENV] = edge.url;
  app = await startNextApp();
  base = app.base;
}, 180_000);

afterAll(async () => {
  await app?.close();
  await edge?.close();
  delete process.env[EDGE_HARNESS_ENV];
});

runConformanceSuite(
  'next (App Router, Node runtime)',
  nextDriver('app', () => app!),
);
runConformanceSuite(
  'next (Pages Router)',
  nextDriver('pages', () => app!),
);

/** Errors come back from the Edge sandbox as records, not as the test's own error objects. */
const NO_ERROR_IDENTITY =
  'needs the error objects themselves (instanceof), and Edge routes can hand the test only a record of each; see "errors the app meets, as records" below';
runConformanceSuite(
  'next (App Router, Edge runtime)',
  { start: (options) => edge!.driver(() => app!).start(options) },
  {
    skip: {
      "passes a throwing resolveUserId to the framework's error handler": NO_ERROR_IDENTITY,
      'answers a failing Basiq call from an app route as the client-token route answers': NO_ERROR_IDENTITY,
    },
  },
);

/**
 * What the two skipped Edge scenarios check, as far as the Edge runtime allows: the same answers,
 * and the errors the app's handling met as the records the Edge routes send back (class names,
 * code, upstreamStatus).
 */
describe('next (App Router, Edge runtime): errors the app meets, as records', () => {
  let emulator: BasiqEmulator;
  let client: BasiqClient;
  const errors: unknown[] = [];
  let url = '';
  let close = async () => {};

  beforeAll(async () => {
    emulator = await startEmulator({ tokenLifetimeSec: 3600 });
    const options = {
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      logger: false as const,
      retry: { retries: 0 },
    };
    client = createBasiqClient(options);
    const started = await edge!
      .driver(() => app!)
      .start({
        client,
        options,
        // Unused: the Edge routes carry the suite's stand-in authentication themselves.
        resolveUserId: () => undefined,
        onError: (error) => errors.push(error),
      });
    ({ url, close } = started);
  });
  afterAll(async () => {
    await close();
    await client?.close();
    await emulator?.stop();
  });

  it("a throwing resolveUserId: Next's 500, no secret, the error reported, no /token call", async () => {
    const res = await fetch(`${url}/client-token`, { method: 'POST', headers: { 'x-test-throw': '1' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    for (const secret of [emulator.apiKey, ...emulator.issuedTokens()])
      expect(text.includes(secret)).toBe(false);
    expect(errors.splice(0)).toEqual([{ classes: ['SessionStoreDown'] }]);
    expect(emulator.counters.tokenCalls).toBe(0);
  });

  it('a failing Basiq call from an app route: 503 without a token, 502 for a Basiq refusal', async () => {
    emulator.injectFault({ path: '/token', status: 503, times: 10 });
    const unavailable = await fetch(`${url}/users/${SEED_USER_ID}`);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ error: { code: 'basiq_unavailable' } });
    emulator.clearFaults();
    const refused = await fetch(`${url}/users/00000000-0000-0000-0000-000000000000`);
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ error: { code: 'basiq_api_error' } });
    const [noToken, refusal, ...more] = errors.splice(0) as Array<{
      classes: string[];
      code: string;
      upstreamStatus?: number;
    }>;
    expect(more).toEqual([]);
    // A BasiqError with no HTTP status of its own, not a BasiqApiError (as the suite checks on Node).
    expect(noToken?.classes).toContain('BasiqError');
    expect(noToken?.classes).not.toContain('BasiqApiError');
    expect(noToken).toMatchObject({ code: 'basiq_unavailable' });
    expect(refusal?.classes).toContain('BasiqApiError');
    expect(refusal).toMatchObject({ code: 'basiq_api_error', upstreamStatus: 404 });
  });
});

describe("Basiq's starter kit browser code against @basiq-token/next", () => {
  let emulator: BasiqEmulator;
  let client: BasiqClient;
  const errors: unknown[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ tokenLifetimeSec: 3600 });
    client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
    // The app's session: a cookie the app set at sign-in, read on the server.
    install({
      client,
      prefix: '',
      onError: (error) => errors.push(error),
      resolveUserId: ({ headers }) => /(?:^|;\s*)session=([^;]+)/.exec(String(headers.cookie ?? ''))?.[1],
    });
  });
  afterAll(async () => {
    install(undefined);
    await client?.close();
    await emulator?.stop();
  });

  /** The kit's browser: an axios instance on the app's origin, carrying the session cookie. */
  function browser(origin: string, sessionUserId?: string) {
    return axios.create({
      baseURL: origin,
      headers: sessionUserId ? { Cookie: `session=${sessionUserId}` } : {},
    });
  }

  for (const [router, origin] of [
    ['Pages Router drop-in (pages/api/client-token)', () => base],
    ['App Router handler', () => `${base}/app`],
  ] as const) {
    it(`${router}: GET /api/client-token, the body used as the token string`, async () => {
      const kit = browser(origin(), SEED_USER_ID);
      // As the kit's getNewClientToken does it (newer kit: no params; older: ?userId=).
      const { data } = await kit.get('/api/client-token');
      expect(typeof data).toBe('string');
      expect(decodeJwt(data as string)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: SEED_USER_ID });
      // The kit then opens the Consent UI with it; the emulator's stand-in accepts it for this user.
      const consent = await fetch(`${emulator.url}/consent/home?token=${encodeURIComponent(data as string)}`);
      expect(consent.status).toBe(200);
      expect(await consent.text()).toContain(SEED_USER_ID);

      // The older kit's ?userId= names another user: ignored, the session decides.
      const other = emulator.createUser({ email: 'someone.else@example.com' }).id;
      const viaQuery = await kit.get('/api/client-token', { params: { userId: other } });
      expect(decodeJwt(viaQuery.data as string).userId).toBe(SEED_USER_ID);

      // Without a session: 401 JSON, and no token for anybody named in the query.
      const anonymous = await browser(origin())
        .get('/api/client-token', { params: { userId: other } })
        .catch((error: unknown) => error as AxiosError);
      expect(anonymous).toBeInstanceOf(AxiosError);
      expect((anonymous as AxiosError).response?.status).toBe(401);
      expect((anonymous as AxiosError).response?.data).toMatchObject({ error: { code: 'unauthenticated' } });
      expect(errors).toEqual([]);
    });
  }
});
