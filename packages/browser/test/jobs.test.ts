// Job status from the browser: GET {basiqBaseUrl}/jobs/{jobId} with the client token, against
// the emulator (which accepts a client token for its own user's jobs), and polling with a bound.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_JOB_ID, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { JobStatusError, JobTimeoutError, createBasiqBrowser, jobOutcome } from '../src/index.js';
import type { BasiqBrowserOptions, BasiqJob } from '../src/index.js';
import { startTokenRoute } from './helpers.js';
import type { TokenRoute } from './helpers.js';

let emulator: BasiqEmulator;
let route: TokenRoute;

beforeAll(async () => {
  emulator = await startEmulator({ consentRedirectUrl: 'http://127.0.0.1:3999/back' });
});
afterEach(() => route.close());
afterAll(() => emulator.stop());
// A fresh route (core client) per test: tests revoke the tokens core would otherwise still hold.
beforeEach(async () => {
  route = await startTokenRoute(emulator);
  emulator.clearFaults();
  emulator.resetCounters();
  emulator.setJobPendingReads(0);
});

function browser(options: BasiqBrowserOptions = {}) {
  return createBasiqBrowser({
    tokenUrl: route.url,
    headers: { 'x-user': SEED_USER_ID },
    consentBaseUrl: `${emulator.url}/consent`,
    basiqBaseUrl: emulator.url,
    stateStorage: 'memory',
    ...options,
  });
}

/** A job made by the emulator's Consent page for the seeded user, as the redirect names it. */
async function consentJob(basiq = browser()): Promise<string> {
  const html = await (await fetch(await basiq.consentUrl())).text();
  const href = /data-testid="consent-finish" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const redirect = basiq.handleRedirect(href);
  if (!redirect?.ok || !redirect.jobIds[0]) throw new Error(`no job in ${href}`);
  return redirect.jobIds[0];
}

describe('getJob', () => {
  it('sends the client token as a Bearer with basiq-version 3.0, no cookies, and answers the job', async () => {
    const sent: { url: string; headers: Record<string, string>; credentials: string }[] = [];
    const basiq = browser({
      fetch: (url, init) => {
        sent.push({ url, headers: init.headers, credentials: init.credentials });
        return fetch(url, init);
      },
    });
    const job = await basiq.getJob(SEED_JOB_ID);
    expect(job).toMatchObject({ type: 'job', id: SEED_JOB_ID });
    expect(jobOutcome(job)).toBe('success');
    const token = await basiq.getClientToken();
    const jobRequest = sent.find((r) => r.url.includes('/jobs/'));
    expect(jobRequest).toEqual({
      url: `${emulator.url}/jobs/${SEED_JOB_ID}`,
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'basiq-version': '3.0' },
      credentials: 'omit',
    });
    expect(emulator.counters.requests['GET /jobs/{jobId}']).toBe(1);
  });

  it("another user's job: Basiq's 401 unauthorized-access as a JobStatusError", async () => {
    const basiq = browser({ headers: { 'x-user': 'someone-else' } });
    const error = (await basiq.getJob(SEED_JOB_ID).catch((e: unknown) => e)) as JobStatusError;
    expect(error).toBeInstanceOf(JobStatusError);
    expect(error).toMatchObject({ status: 401, basiqCode: 'unauthorized-access', code: 'http_401' });
    expect(error.correlationId).toEqual(expect.any(String));
    expect(error.message).not.toContain(await basiq.getClientToken());
  });

  it('an unknown job is a 404 resource-not-found; a malformed id is refused without a request', async () => {
    const basiq = browser();
    await expect(basiq.getJob('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
      basiqCode: 'resource-not-found',
    });
    await expect(basiq.getJob('../users/x')).rejects.toThrow(TypeError);
    expect(emulator.counters.requests['GET /jobs/{jobId}']).toBe(1);
  });

  it('a token Basiq calls expired: forgotten, a fresh one from the route, the read retried once', async () => {
    const basiq = browser();
    await basiq.getJob(SEED_JOB_ID);
    emulator.revoke(await basiq.getClientToken(), 'expired');
    const fresh = await freshToken();
    route.script({ status: 200, body: { access_token: fresh, token_type: 'Bearer', expires_in: 3600 } });
    await expect(basiq.getJob(SEED_JOB_ID)).resolves.toMatchObject({ id: SEED_JOB_ID });
    expect(await basiq.getClientToken()).toBe(fresh);
    expect(route.requests).toHaveLength(2);
    expect(emulator.counters.requests['GET /jobs/{jobId}']).toBe(3);
  });

  it('a token Basiq calls invalid, and the route answers it again: one retry only, then the error', async () => {
    const basiq = browser();
    await basiq.getJob(SEED_JOB_ID);
    emulator.revoke(await basiq.getClientToken(), 'invalid');
    // core's route still holds the revoked token for this user and hands it out again.
    const error = await basiq.getJob(SEED_JOB_ID).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, basiqCode: 'invalid-authorization-token' });
    expect(route.requests).toHaveLength(2);
    expect(emulator.counters.requests['GET /jobs/{jobId}']).toBe(3);
  });
});

/** A new client token for the seeded user straight from the emulator. */
async function freshToken(): Promise<string> {
  const res = await fetch(`${emulator.url}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${emulator.apiKey}`,
      'basiq-version': '3.0',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `scope=CLIENT_ACCESS&userId=${SEED_USER_ID}`,
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('waitForJob', () => {
  it('reads until the job is done, reporting each read', async () => {
    emulator.setJobPendingReads(2);
    const basiq = browser();
    const jobId = await consentJob(basiq);
    const seen: string[] = [];
    const job = await basiq.waitForJob(jobId, {
      intervalMs: 10,
      onUpdate: (update: BasiqJob) => seen.push(update.steps.map((s) => s.status).join(',')),
    });
    expect(jobOutcome(job)).toBe('success');
    expect(seen).toEqual([
      'in-progress,pending,pending',
      'in-progress,pending,pending',
      'success,success,success',
    ]);
    expect(route.requests).toHaveLength(1);
  });

  it('gives up after its bound with a JobTimeoutError holding the last status', async () => {
    emulator.setJobPendingReads(1000);
    const basiq = browser();
    const jobId = await consentJob(basiq);
    const started = Date.now();
    const error = (await basiq
      .waitForJob(jobId, { intervalMs: 20, timeoutMs: 150 })
      .catch((e: unknown) => e)) as JobTimeoutError;
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(error.jobId).toBe(jobId);
    expect(jobOutcome(error.lastJob as BasiqJob)).toBe('pending');
    expect(Date.now() - started).toBeLessThan(2_000);
    const reads = emulator.counters.requests['GET /jobs/{jobId}'] ?? 0;
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(reads).toBeLessThanOrEqual(9);
  });

  it("waits out Basiq's 503 within the bound, but not a refusal", async () => {
    const basiq = browser();
    emulator.injectFault({ path: '/jobs', status: 503, times: 2 });
    await expect(basiq.waitForJob(SEED_JOB_ID, { intervalMs: 10 })).resolves.toMatchObject({
      id: SEED_JOB_ID,
    });
    expect(emulator.counters.requests['GET /jobs/{jobId}']).toBe(3);

    const stranger = browser({ headers: { 'x-user': 'someone-else' } });
    await expect(stranger.waitForJob(SEED_JOB_ID, { intervalMs: 10 })).rejects.toMatchObject({ status: 401 });
  });

  it('stops when its signal aborts', async () => {
    emulator.setJobPendingReads(1000);
    const basiq = browser();
    const jobId = await consentJob(basiq);
    const controller = new AbortController();
    const waiting = basiq.waitForJob(jobId, { intervalMs: 20, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user left')), 60);
    await expect(waiting).rejects.toThrow('user left');
  });
});
