/**
 * The Express example's browser demo in headless Chromium: sign in, "Connect your bank", follow
 * the Consent UI link to the emulator's stand-in page and see the token is for that user; and
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
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { createApp } from '../../examples/express/src/app.js';
import { chromiumSupport, launchChromium } from './chromium.js';
import { startMain } from './start-main.js';

const SEEDED_USER_ID = '8cda72db-b11f-4b8e-a4ca-3c5b1de4e4b5';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

if (!chromiumSupport.available)
  console.warn(`[skipped] browser demo (test/browser): ${chromiumSupport.reason}`);
const suite = chromiumSupport.available ? describe : describe.skip;

suite('browser demo: Express example in headless Chromium', () => {
  let browser: Browser;
  let emulator: BasiqEmulator;
  let client: BasiqClient | undefined;
  let server: Server | undefined;
  let context: BrowserContext;
  let page: Page;
  let cspViolations: string[];

  beforeAll(async () => {
    [browser, emulator] = await Promise.all([launchChromium(), startEmulator()]);
  });
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
  });

  /** The example app (its createApp factory) on a free loopback port, against the emulator. */
  async function startApp(options: Partial<BasiqOptions> = {}): Promise<string> {
    client = createBasiqClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      logger: false,
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
      ...options,
    });
    const app = createApp({
      client,
      logger: { warn: () => undefined, error: () => undefined },
      consentBaseUrl: `${emulator.url}/consent`,
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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

  it('signs in the seeded user, connects, and the Consent UI link opens the consent page for that user', async () => {
    const appUrl = await startApp();
    // A server token exists from the start, so the check below that the page never sees one means something.
    const serverToken = await client!.getServerToken();
    const bodies: Promise<string>[] = [];
    page.on('response', (res) => {
      if (res.url().startsWith(appUrl)) bodies.push(res.text().catch(() => ''));
    });

    await page.goto(appUrl);
    await expect.poll(() => page.getByLabel('Demo user id').inputValue()).toBe(SEEDED_USER_ID);
    await signIn(SEEDED_USER_ID);
    const answered = page.waitForResponse((res) => res.url().endsWith('/basiq/client-token'));
    await page.getByRole('button', { name: 'Connect your bank' }).click();
    const tokenAnswer = await answered;
    expect(tokenAnswer.status()).toBe(200);
    expect(await tokenAnswer.request().headerValue('x-demo-user')).toBe(SEEDED_USER_ID);

    const link = page.getByRole('link', { name: 'Open Basiq Consent UI' });
    const href = (await link.getAttribute('href')) ?? '';
    const consentUrl = new URL(href);
    expect(consentUrl.origin + consentUrl.pathname).toBe(`${emulator.url}/consent/home`);
    const token = consentUrl.searchParams.get('token') ?? '';
    expect(decodeJwt(token)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: SEEDED_USER_ID });
    // The page's URL is the one core builds for this token and base.
    expect(href).toBe(client!.consentUrl(token, { consentBaseUrl: `${emulator.url}/consent` }));

    const shot = join(await mkdtemp(join(tmpdir(), 'consent-demo-')), 'demo.png');
    try {
      await page.screenshot({ path: shot, fullPage: true });
      const png = await readFile(shot);
      expect(png.length).toBeGreaterThan(PNG_SIGNATURE.length);
      expect(png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)).toBe(true);
    } finally {
      await rm(join(shot, '..'), { recursive: true, force: true });
    }

    await link.click();
    await page.waitForURL(`${emulator.url}/consent/home?**`);
    expect(await page.getByTestId('consent-user').textContent()).toBe(SEEDED_USER_ID);

    expect(cspViolations).toEqual([]);
    const seenByPage = await Promise.all(bodies);
    expect(seenByPage.some((text) => text.includes(token))).toBe(true);
    expect(seenByPage.some((text) => text.includes(serverToken))).toBe(false);
    expect(emulator.counters.clientTokens).toBe(1);
  });

  it('shows the 401 in words when nobody is signed in, and asks nothing of Basiq', async () => {
    const appUrl = await startApp();
    await page.goto(appUrl);
    expect(await page.locator('#who').textContent()).toBe('Not signed in.');
    expect(await connect()).toBe('Sign in first: the app does not know who you are. (401 unauthenticated)');
    expect(await page.getByRole('link').count()).toBe(0);

    // Signing out again after a sign-in is the same as never having signed in.
    await signIn(SEEDED_USER_ID);
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

    await signIn(SEEDED_USER_ID);
    await connect();
    await expect.poll(() => page.getByRole('link', { name: 'Open Basiq Consent UI' }).count()).toBe(1);

    await signIn('second-demo-user');
    expect(await connect()).toMatch(
      /^Too many bank connections are being started right now\. Try again in \d+ s\. \(429 token_budget_exhausted\)$/,
    );
    expect(await page.getByRole('link').count()).toBe(0);
  });

  it('shows Basiq being unavailable (503) in words', async () => {
    const appUrl = await startApp();
    emulator.injectFault({ path: '/token', status: 503, times: 10 });
    await page.goto(appUrl);
    await signIn(SEEDED_USER_ID);
    expect(await connect()).toMatch(
      /^Basiq is unavailable right now\.( Try again in \d+ s\.)? \(503 basiq_unavailable\)$/,
    );
    expect(await page.getByRole('link').count()).toBe(0);
  });

  it("the real main (emulator mode) links to its emulator's consent page", async () => {
    const main = await startMain('examples/express/src/main.ts');
    let exitCode: number | null = null;
    try {
      await page.goto(main.url);
      await signIn(SEEDED_USER_ID);
      await connect();
      const link = page.getByRole('link', { name: 'Open Basiq Consent UI' });
      expect(await link.getAttribute('href')).toMatch(
        new RegExp(`^${main.emulatorUrl}/consent/home\\?token=`),
      );
      await link.click();
      await page.waitForURL(`${main.emulatorUrl}/consent/home?**`);
      expect(await page.getByTestId('consent-user').textContent()).toBe(SEEDED_USER_ID);
      expect(cspViolations).toEqual([]);
    } finally {
      exitCode = await main.stop();
    }
    expect(exitCode).toBe(0);
  });
});
