import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_USER_ID, startEmulator, type BasiqEmulator } from '../src/index.js';
import { call, clientToken, fakeClock, serverToken } from './helpers.js';

const clock = fakeClock();
let emu: BasiqEmulator;
beforeAll(async () => {
  emu = await startEmulator({ now: clock.now, consentRedirectUrl: 'http://localhost:3000/consent/done' });
});
afterAll(() => emu.stop());

const testId = (html: string, id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];

function consent(query: Record<string, string>) {
  return call(`${emu.url}/consent/home?${new URLSearchParams(query).toString()}`);
}

describe('GET /consent/home (Consent UI stand-in)', () => {
  it('shows which user a CLIENT_ACCESS token is for, and the action', async () => {
    const token = await clientToken(emu, SEED_USER_ID);
    const res = await consent({ token, action: 'connect', state: 'abc', institutionId: 'AU00000' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(testId(res.text, 'consent-user')).toBe(SEED_USER_ID);
    expect(testId(res.text, 'consent-action')).toBe('connect');
    expect(testId(res.text, 'consent-state')).toBe('abc');
    expect(testId(res.text, 'consent-institution')).toBe('AU00000');
    const finish = /data-testid="consent-finish" href="([^"]+)"/.exec(res.text)?.[1];
    const target = new URL(finish!.replaceAll('&amp;', '&'));
    expect(target.origin + target.pathname).toBe('http://localhost:3000/consent/done');
    expect(target.searchParams.get('state')).toBe('abc');
    expect(target.searchParams.get('jobIds')).toBeTruthy();
  });

  it('no action means "create a consent"; every Consent UI action is accepted; /consent works too', async () => {
    const token = await clientToken(emu, 'user-7');
    const none = await call(`${emu.url}/consent?token=${token}`);
    expect(none.status).toBe(200);
    expect(testId(none.text, 'consent-user')).toBe('user-7');
    expect(testId(none.text, 'consent-action')).toBe('consent');
    for (const action of ['connect', 'manage', 'extend', 'update', 'reauthorise']) {
      const res = await consent({ token, action });
      expect(res.status, action).toBe(200);
      expect(testId(res.text, 'consent-action')).toBe(action);
    }
    expect((await consent({ token, action: 'delete-everything' })).status).toBe(400);
  });

  it('escapes what it echoes', async () => {
    const token = await clientToken(emu, '<img src=x onerror=alert(1)>');
    const res = await consent({ token, state: '"><script>alert(1)</script>' });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('<img src=x');
    expect(testId(res.text, 'consent-user')).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('answers a 401 HTML error page for a missing, invalid, server, revoked or expired token', async () => {
    const server = await serverToken(emu);
    const revoked = await clientToken(emu, SEED_USER_ID);
    emu.revoke(revoked, 'invalid');
    const expiring = await clientToken(emu, SEED_USER_ID);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /missing/],
      [{ token: 'garbage' }, /Invalid authorization token/],
      [{ token: server }, /CLIENT_ACCESS/],
      [{ token: revoked }, /Invalid authorization token/],
    ];
    for (const [query, message] of cases) {
      const res = await consent(query);
      expect(res.status, JSON.stringify(query)).toBe(401);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(testId(res.text, 'consent-error')).toMatch(message);
      expect(res.text).not.toContain('data-testid="consent-user"');
    }
    clock.advance(3600_000);
    const expired = await consent({ token: expiring });
    expect(expired.status).toBe(401);
    expect(testId(expired.text, 'consent-error')).toBe('Token has expired');
  });
});
