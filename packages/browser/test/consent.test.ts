// The Consent UI URL (every value encoded, a state issued here) and the redirect back (a state
// not issued here, or used before, is refused), end to end through the emulator's Consent page.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { ConsentRedirectError, createBasiqBrowser, jobOutcome } from '../src/index.js';
import type { BasiqBrowserOptions, StateStorage } from '../src/index.js';
import { startTokenRoute } from './helpers.js';
import type { TokenRoute } from './helpers.js';

let emulator: BasiqEmulator;
let route: TokenRoute;
let now: number;
const APP = 'http://127.0.0.1:3999/';

beforeAll(async () => {
  emulator = await startEmulator({ consentRedirectUrl: `${APP}connected` });
  route = await startTokenRoute(emulator);
});
afterAll(async () => {
  await route.close();
  await emulator.stop();
});
beforeEach(() => {
  now = Date.now();
  route.requests.length = 0;
});

function browser(options: BasiqBrowserOptions = {}) {
  return createBasiqBrowser({
    tokenUrl: route.url,
    headers: { 'x-user': SEED_USER_ID },
    consentBaseUrl: `${emulator.url}/consent`,
    basiqBaseUrl: emulator.url,
    stateStorage: 'memory',
    now: () => now,
    ...options,
  });
}

function sharedStorage(): StateStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

function refusal(run: () => unknown): ConsentRedirectError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConsentRedirectError);
    return error as ConsentRedirectError;
  }
  throw new Error('expected a ConsentRedirectError');
}

describe('the Consent UI URL', () => {
  it('is <base>/home?token&action&state&institutionId&connectionId, every value encoded', async () => {
    const basiq = browser({ consentBaseUrl: 'https://consent.basiq.io/' });
    const href = await basiq.consentUrl({
      action: 'connect',
      institutionId: 'AU 00&x=1',
      connectionId: 'c/1?',
    });
    const token = await basiq.getClientToken();
    const state = new URL(href).searchParams.get('state') ?? '';
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(href).toBe(
      `https://consent.basiq.io/home?token=${token}&action=connect&state=${state}&institutionId=AU%2000%26x%3D1&connectionId=c%2F1%3F`,
    );
    expect(decodeJwt(token)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: SEED_USER_ID });
  });

  it('no action (create a consent) sends no action parameter at all; every URL has a new state', async () => {
    const basiq = browser();
    const first = new URL(await basiq.consentUrl());
    const second = new URL(await basiq.consentUrl());
    expect(first.searchParams.has('action')).toBe(false);
    expect(first.href).not.toContain('null');
    expect(first.searchParams.get('state')).not.toBe(second.searchParams.get('state'));
    expect(route.requests).toHaveLength(1);
  });

  it('an unknown action or a non-string id is refused before any token request', async () => {
    const basiq = browser();
    await expect(basiq.consentUrl({ action: 'delete' as 'connect' })).rejects.toThrow(TypeError);
    await expect(basiq.consentUrl({ institutionId: 42 as unknown as string })).rejects.toThrow(TypeError);
    expect(route.requests).toHaveLength(0);
  });

  it('openConsent goes to the URL through navigate', async () => {
    const went: string[] = [];
    const basiq = browser({ navigate: (url) => void went.push(url) });
    const url = await basiq.openConsent({ action: 'manage' });
    expect(went).toEqual([url]);
    expect(url).toMatch(new RegExp(`^${emulator.url}/consent/home\\?token=[^&]+&action=manage&state=`));
  });
});

describe('the redirect back', () => {
  it('accepts a state issued here once, with jobIds (comma-separated) and jobId, without repeats', async () => {
    const basiq = browser();
    const state = new URL(await basiq.consentUrl()).searchParams.get('state') ?? '';
    const back = `${APP}connected?jobIds=job-1,job-2&jobId=job-2&jobId=job-3&state=${state}`;
    expect(basiq.handleRedirect(back)).toEqual({ ok: true, jobIds: ['job-1', 'job-2', 'job-3'], state });
    expect(refusal(() => basiq.handleRedirect(back)).code).toBe('state_unknown');
  });

  it('refuses a state it did not issue, a missing one, and a malformed job id', async () => {
    const basiq = browser();
    const state = new URL(await basiq.consentUrl()).searchParams.get('state') ?? '';
    expect(refusal(() => basiq.handleRedirect(`${APP}?jobIds=j1&state=forged`)).code).toBe('state_unknown');
    expect(refusal(() => basiq.handleRedirect(`${APP}?jobIds=j1`)).code).toBe('state_missing');
    expect(refusal(() => basiq.handleRedirect(`${APP}?jobIds=j1&state=`)).code).toBe('state_missing');
    expect(refusal(() => basiq.handleRedirect(`${APP}?jobIds=../users&state=${state}`)).code).toBe(
      'invalid_job_id',
    );
    // Another instance (another user's page) never issued it either.
    const other = browser();
    await other.consentUrl();
    expect(refusal(() => other.handleRedirect(`${APP}?jobIds=j1&state=${state}`)).code).toBe('state_unknown');
  });

  it('an URL without the redirect parameters is not a redirect', () => {
    expect(browser().handleRedirect(`${APP}?tab=accounts`)).toBeNull();
  });

  it('reports the Consent UI error parameters, once the state checks out', async () => {
    const basiq = browser();
    const state = new URL(await basiq.consentUrl()).searchParams.get('state') ?? '';
    expect(
      basiq.handleRedirect(`${APP}?error=access_denied&error_description=User%20cancelled&state=${state}`),
    ).toEqual({ ok: false, error: 'access_denied', errorDescription: 'User cancelled', state });
    expect(refusal(() => basiq.handleRedirect(`${APP}?error=access_denied`)).code).toBe('state_missing');
  });

  it('a state outlives the page (same storage, as sessionStorage across the navigation) but not its max age', async () => {
    const storage = sharedStorage();
    const before = browser({ stateStorage: storage });
    const first = new URL(await before.consentUrl()).searchParams.get('state') ?? '';
    const second = new URL(await before.consentUrl()).searchParams.get('state') ?? '';
    expect([...storage.items.values()].join()).not.toContain(await before.getClientToken());

    const after = browser({ stateStorage: storage }); // the page loaded again on the way back
    expect(after.handleRedirect(`${APP}?jobIds=j1&state=${first}`)).toMatchObject({ ok: true });
    now += 3_600_001;
    expect(refusal(() => after.handleRedirect(`${APP}?jobIds=j1&state=${second}`)).code).toBe(
      'state_unknown',
    );
  });

  it('keeps only the 8 newest states', async () => {
    const basiq = browser();
    const states: string[] = [];
    for (let i = 0; i < 9; i += 1)
      states.push(new URL(await basiq.consentUrl()).searchParams.get('state') ?? '');
    expect(refusal(() => basiq.handleRedirect(`${APP}?jobIds=j&state=${states[0]}`)).code).toBe(
      'state_unknown',
    );
    expect(basiq.handleRedirect(`${APP}?jobIds=j&state=${states[8]}`)).toMatchObject({ ok: true });
  });

  it('from location: read, and the parameters taken out of the address bar', async () => {
    const basiq = browser();
    const state = new URL(await basiq.consentUrl()).searchParams.get('state') ?? '';
    const replaced: (string | undefined)[] = [];
    const g = globalThis as Record<string, unknown>;
    g.location = { href: `${APP}connected?tab=1&jobIds=j1&state=${state}#top`, assign: () => undefined };
    g.history = {
      state: null,
      replaceState: (_d: unknown, _u: string, url?: string) => void replaced.push(url),
    };
    try {
      expect(basiq.handleRedirect()).toMatchObject({ ok: true, jobIds: ['j1'] });
      expect(replaced).toEqual([`${APP}connected?tab=1#top`]);
      // A forged one is cleaned away too.
      g.location = { href: `${APP}connected?jobIds=j1&state=nope`, assign: () => undefined };
      expect(refusal(() => basiq.handleRedirect()).code).toBe('state_unknown');
      expect(replaced[1]).toBe(`${APP}connected`);
    } finally {
      delete g.location;
      delete g.history;
    }
  });
});

describe('end to end with the emulator', () => {
  it("connect → the emulator's Consent page → its finish link back → job status with the client token", async () => {
    const basiq = browser();
    const url = await basiq.consentUrl({ institutionId: 'AU00001' });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    const finish = /data-testid="consent-finish" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    expect(finish).toMatch(new RegExp(`^${APP}connected\\?jobIds=`));

    const redirect = basiq.handleRedirect(finish!);
    expect(redirect).toMatchObject({ ok: true });
    if (!redirect?.ok) throw new Error('not ok');
    expect(redirect.jobIds).toHaveLength(1);
    const job = await basiq.getJob(redirect.jobIds[0]!);
    expect(job.id).toBe(redirect.jobIds[0]);
    expect(jobOutcome(job)).toBe('success');
    expect(JSON.stringify(job.steps)).toContain('AU00001');
    expect(route.requests).toHaveLength(1);
  });
});
