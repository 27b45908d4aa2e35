/**
 * The Express example's browser demo (its script over @basiq-token/browser) in headless
 * Chromium: sign in, "Connect your bank", the emulator's stand-in Consent page for that user,
 * its redirect back to the demo page with the job id and a state the page issued, and the job
 * status read from the emulator with the client token; a forged or replayed redirect refused;
 * the route's errors shown as readable words.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { createApp } from '../../examples/express/src/app.js';
import { createListener as fastifyListener } from '../../examples/fastify/src/app.js';
import { createListener as honoListener } from '../../examples/hono/src/app.js';
import { ensureBrowserBuilt } from './browser-build.js';
import { chromiumSupport, launchChromium } from './chromium.js';
import { startMain } from './start-main.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

if (!chromiumSupport.available)
  console.warn(`[skipped] browser demo (test/browser): ${chromiumSupport.reason}`);
const suite = chromiumSupport.available ? describe : describe.skip;

suite('browser demo: the examples in headless Chromium', () => {
  let browser: Browser;
  let emulator: BasiqEmulator;
  let client: BasiqClient | undefined;
  let server: Server | undefined;
  let context: BrowserContext;
  let page: Page;
  let cspViolations: string[];

  beforeAll(async () => {
    [browser, emulator] = await Promise.all([launchChromium(), startEmulator(), ensureBrowserBuilt()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    cspViolations = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterEach(async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server?.closeAllConnections();
    server = undefined;
    await client?.close();
    client = undefined;
    emulator.clearFaults();
    emulator.resetCounters();
    emulator.setJobPendingReads(0);
  });

  /** The example app (its createApp factory) on a free loopback port, against the emulator. */
  async function startApp(
    options: Partial<BasiqOptions> = {},
    example: 'express' | 'hono' | 'fastify' = 'express',
  ): Promise<string> {
    client = createBasiqClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      logger: false,
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
      ...options,
    });
    const appOptions = {
      client,
      logger: { warn: () => undefined, error: () => undefined },
      consentBaseUrl: `${emulator.url}/consent`,
    };
    const factories = { express: createApp, hono: honoListener, fastify: fastifyListener };
    server = createServer(factories[example](appOptions));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Basiq's dashboard setting: the Consent UI sends the user back to the demo page.
    emulator.setConsentRedirectUrl(`${url}/`);
    return url;
  }

  /** Every value the page's Web Storage holds (only the demo user and issued states belong there). */
  async function webStorage(): Promise<string> {
    // Runs in the page; the repository type-checks without the DOM library, hence the shape.
    return page.evaluate(() => {
      const { localStorage, sessionStorage } = globalThis as unknown as Record<string, object>;
      return JSON.stringify([{ ...localStorage }, { ...sessionStorage }]);
    });
  }

  async function signIn(userId: string): Promise<void> {
    await page.getByLabel('Demo user id').fill(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#who').textContent()).toBe(`Signed in as ${userId}.`);
  }

  /** Presses "Connect your bank" and resolves with what the result line then says. */
  async function connect(): Promise<string> {
    const answered = page.waitForResponse((res) => res.url().endsWith('/basiq/client-token'));
    await page.getByRole('button', { name: 'Connect your bank' }).click();
    await answered;
    const result = page.locator('#result');
    await expect.poll(() => result.textContent()).not.toMatch(/^(|Asking the app.*)$/);
    return (await result.textContent()) ?? '';
  }

  it('connect → Consent page for that user → redirect back → job status read with the client token', async () => {
    const appUrl = await startApp();
    emulator.setJobPendingReads(1);
    // A server token exists from the start, so the check below that the page never sees one means something.
    const serverToken = await client!.getServerToken();
    const bodies: Promise<string>[] = [];
    const jobReads: { url: string; authorization: string | null; version: string | null }[] = [];
    page.on('response', (res) => {
      if (res.url().startsWith(appUrl)) bodies.push(res.text().catch(() => ''));
    });
    page.on('request', (req) => {
      if (req.url().startsWith(`${emulator.url}/jobs/`) && req.method() === 'GET')
        jobReads.push({
          url: req.url(),
          authorization: req.headers().authorization ?? null,
          version: req.headers()['basiq-version'] ?? null,
        });
    });

    await page.goto(appUrl);
    await expect.poll(() => page.getByLabel('Demo user id').inputValue()).toBe(SEED_USER_ID);
    await signIn(SEED_USER_ID);
    const answered = page.waitForResponse((res) => res.url().endsWith('/basiq/client-token'));
    await page.getByRole('button', { name: 'Connect your bank' }).click();
    const tokenAnswer = await answered;
    expect(tokenAnswer.status()).toBe(200);
    expect(await tokenAnswer.request().headerValue('x-demo-user')).toBe(SEED_USER_ID);

    // The library goes straight to the Consent UI, with the token and a state it issued.
    await page.waitForURL(`${emulator.url}/consent/home?**`);
    const consentUrl = new URL(page.url());
    const token = consentUrl.searchParams.get('token') ?? '';
    const state = consentUrl.searchParams.get('state') ?? '';
    expect(decodeJwt(token)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: SEED_USER_ID });
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([...consentUrl.searchParams.keys()]).toEqual(['token', 'state']);
    expect(await page.getByTestId('consent-user').textContent()).toBe(SEED_USER_ID);

    const shot = join(await mkdtemp(join(tmpdir(), 'consent-demo-')), 'demo.png');
    try {
      await page.screenshot({ path: shot, fullPage: true });
      const png = await readFile(shot);
      expect(png.length).toBeGreaterThan(PNG_SIGNATURE.length);
      expect(png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)).toBe(true);
    } finally {
      await rm(join(shot, '..'), { recursive: true, force: true });
    }

    // Back on the demo page with ?jobIds=…&state=…: the page checks the state and follows the job.
    const finish = (await page.getByTestId('consent-finish').getAttribute('href')) ?? '';
    const back = new URL(finish);
    expect(back.origin + back.pathname).toBe(`${appUrl}/`);
    expect(back.searchParams.get('state')).toBe(state);
    const jobId = back.searchParams.get('jobIds') ?? '';
    await page.getByTestId('consent-finish').click();
    await page.waitForURL(`${appUrl}/**`);
    expect(await page.locator('#who').textContent()).toBe(`Signed in as ${SEED_USER_ID}.`);
    const job = page.locator('#job');
    await expect.poll(() => job.getAttribute('data-outcome'), { timeout: 10_000 }).toBe('success');
    expect(await job.textContent()).toBe(
      `Bank connected. Job ${jobId} (verify-credentials: success, retrieve-accounts: success, retrieve-transactions: success)`,
    );
    // The parameters are gone from the address bar, so a reload presents no used state.
    expect(page.url()).toBe(`${appUrl}/`);

    // Read from the emulator with the client token, once in progress and then done.
    expect(jobReads.length).toBe(2);
    for (const read of jobReads) {
      expect(read.url).toBe(`${emulator.url}/jobs/${jobId}`);
      expect(read.version).toBe('3.0');
      expect(decodeJwt((read.authorization ?? '').replace(/^Bearer /, ''))).toMatchObject({
        scope: 'CLIENT_ACCESS',
        userId: SEED_USER_ID,
      });
    }
    expect(emulator.counters.requests['GET /jobs/{jobId}']).toBe(2);

    // The same redirect again (a replayed link) is refused: its state was used.
    await page.goto(finish);
    await expect
      .poll(() => page.locator('#result').textContent())
      .toBe('Ignored a link back from Basiq that this page did not start. (state_unknown)');
    expect(await page.locator('#job').textContent()).toBe('');
    expect(emulator.counters.requests['GET /jobs/{jobId}']).toBe(2);

    expect(cspViolations).toEqual([]);
    const storage = await webStorage();
    expect(storage).not.toContain(token);
    expect(storage).not.toContain('eyJ');
    const seenByPage = await Promise.all(bodies);
    expect(seenByPage.some((text) => text.includes(token))).toBe(true);
    expect(seenByPage.some((text) => text.includes(serverToken))).toBe(false);
    // The token held in memory served both job reads; the page asked the route once.
    expect(emulator.counters.clientTokens).toBe(1);
  });

  for (const example of ['hono', 'fastify'] as const) {
    it(`the same page on the ${example} example: connect, Consent page, back, job done`, async () => {
      const appUrl = await startApp({}, example);
      await page.goto(appUrl);
      await signIn(SEED_USER_ID);
      await page.getByRole('button', { name: 'Connect your bank' }).click();
      await page.waitForURL(`${emulator.url}/consent/home?token=**`);
      expect(await page.getByTestId('consent-user').textContent()).toBe(SEED_USER_ID);
      await page.getByTestId('consent-finish').click();
      await page.waitForURL(`${appUrl}/**`);
      await expect.poll(() => page.locator('#job').getAttribute('data-outcome')).toBe('success');
      expect(cspViolations).toEqual([]);
    });
  }

  it('refuses a redirect with a state it did not issue, and reads no job', async () => {
    const appUrl = await startApp();
    await page.goto(appUrl);
    await signIn(SEED_USER_ID);
    await page.goto(`${appUrl}/?jobIds=5e9a0c4e-3a1f-4d8e-9b4e-2f0d7c1a6b11&state=forged-by-someone`);
    await expect
      .poll(() => page.locator('#result').textContent())
      .toBe('Ignored a link back from Basiq that this page did not start. (state_unknown)');
    await page.goto(`${appUrl}/?jobIds=5e9a0c4e-3a1f-4d8e-9b4e-2f0d7c1a6b11`);
    await expect
      .poll(() => page.locator('#result').textContent())
      .toBe('Ignored a link back from Basiq that this page did not start. (state_missing)');
    expect(emulator.counters.requests['GET /jobs/{jobId}'] ?? 0).toBe(0);
    expect(emulator.counters.tokenCalls).toBe(0);
  });

  it('many clicks on Connect while the token is on its way: one request to the route', async () => {
    const appUrl = await startApp();
    await page.goto(appUrl);
    await signIn(SEED_USER_ID);
    let asked = 0;
    page.on('request', (req) => {
      if (req.url().endsWith('/basiq/client-token')) asked += 1;
    });
    // Five clicks in one task, before any answer can arrive.
    await page.evaluate(() => {
      const { document } = globalThis as unknown as {
        document: { getElementById(id: string): { click(): void } };
      };
      for (let i = 0; i < 5; i += 1) document.getElementById('connect').click();
    });
    // Each click opens the Consent UI once the shared token is there, so navigations follow one
    // another and each cancels the one before: wait for where the page ends up, not for one of them.
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain(`${emulator.url}/consent/home?`);
    expect(asked).toBe(1);
  });

  it('shows the 401 in words when nobody is signed in, and asks nothing of Basiq', async () => {
    const appUrl = await startApp();
    await page.goto(appUrl);
    expect(await page.locator('#who').textContent()).toBe('Not signed in.');
    expect(await connect()).toBe('Sign in first: the app does not know who you are. (401 unauthenticated)');
    expect(await page.getByRole('link').count()).toBe(0);

    // Signing out again after a sign-in is the same as never having signed in.
    await signIn(SEED_USER_ID);
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await connect()).toContain('(401 unauthenticated)');
    expect(emulator.counters.tokenCalls).toBe(0);
    expect(cspViolations).toEqual([]);
  });

  it('shows an invalid user id (400) and an exhausted token budget (429) in words', async () => {
    // Room for one client token: the seeded user's; the next user is over budget.
    const appUrl = await startApp({ budget: { limit: 2, serverReserve: 1 } });
    await page.goto(appUrl);

    await signIn('no/such user');
    expect(await connect()).toBe(
      'That is not a valid user id (1 to 64 letters, digits or hyphens). (400 invalid_user_id)',
    );

    await signIn(SEED_USER_ID);
    await page.getByRole('button', { name: 'Connect your bank' }).click();
    await page.waitForURL(`${emulator.url}/consent/home?**`);
    await page.goto(appUrl);

    await signIn('second-demo-user');
    expect(await connect()).toMatch(
      /^Too many bank connections are being started right now\. Try again in \d+ s\. \(429 token_budget_exhausted\)$/,
    );
    // Clicking again before Retry-After has passed asks the route nothing and says so at once.
    let asked = 0;
    page.on('request', (req) => {
      if (req.url().endsWith('/basiq/client-token')) asked += 1;
    });
    await page
      .locator('#result')
      .evaluate((el) => void ((el as unknown as { textContent: string }).textContent = ''));
    await page.getByRole('button', { name: 'Connect your bank' }).click();
    await expect
      .poll(() => page.locator('#result').textContent())
      .toMatch(
        /^Too many bank connections are being started right now\. Try again in \d+ s\. \(429 token_budget_exhausted\)$/,
      );
    expect(asked).toBe(0);
    expect(page.url()).toBe(`${appUrl}/`);
  });

  it('shows Basiq being unavailable (503) in words', async () => {
    const appUrl = await startApp();
    emulator.injectFault({ path: '/token', status: 503, times: 10 });
    await page.goto(appUrl);
    await signIn(SEED_USER_ID);
    expect(await connect()).toMatch(
      /^Basiq is unavailable right now\.( Try again in \d+ s\.)? \(503 basiq_unavailable\)$/,
    );
    expect(await page.getByRole('link').count()).toBe(0);
  });

  it("the real main (emulator mode): its emulator's Consent page sends the user back to the demo, which reads the job", async () => {
    const main = await startMain('examples/express/src/main.ts');
    let exitCode: number | null = null;
    try {
      await page.goto(main.url);
      await signIn(SEED_USER_ID);
      await page.getByRole('button', { name: 'Connect your bank' }).click();
      await page.waitForURL(`${main.emulatorUrl}/consent/home?token=**`);
      expect(await page.getByTestId('consent-user').textContent()).toBe(SEED_USER_ID);
      await page.getByTestId('consent-finish').click();
      await page.waitForURL(`${main.url}/**`);
      await expect
        .poll(() => page.locator('#job').getAttribute('data-outcome'), { timeout: 10_000 })
        .toBe('success');
      expect(cspViolations).toEqual([]);
    } finally {
      exitCode = await main.stop();
    }
    expect(exitCode).toBe(0);
  });
});
