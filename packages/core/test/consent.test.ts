import { startEmulator } from '@basiq-token/emulator';
import { describe, expect, it } from 'vitest';
import { buildConsentUrl } from '../src/consent.js';
import type { ClientToken } from '../src/types.js';
import { HttpTokenSource } from './support/http-token-source.js';

describe('buildConsentUrl', () => {
  it('builds Basiq’s Consent UI URL from a token string or a ClientToken', () => {
    expect(buildConsentUrl('abc.def.ghi')).toBe('https://consent.basiq.io/home?token=abc.def.ghi');
    const token: ClientToken = {
      accessToken: 'abc.def.ghi',
      tokenType: 'Bearer',
      expiresIn: 3600,
      expiresAt: 0,
      userId: 'u1',
    };
    expect(buildConsentUrl(token, { action: 'connect' })).toBe(
      'https://consent.basiq.io/home?token=abc.def.ghi&action=connect',
    );
  });

  it('adds state, institutionId and connectionId, URL-encoded', () => {
    const url = buildConsentUrl('t+/=', {
      action: 'update',
      state: 'a b&c=d?é#',
      institutionId: 'AU00000',
      connectionId: 'conn/1',
    });
    expect(url).toBe(
      'https://consent.basiq.io/home?token=t%2B%2F%3D&action=update&state=a%20b%26c%3Dd%3F%C3%A9%23&institutionId=AU00000&connectionId=conn%2F1',
    );
    const parsed = new URL(url);
    expect(parsed.searchParams.get('state')).toBe('a b&c=d?é#');
    expect(parsed.searchParams.get('connectionId')).toBe('conn/1');
  });

  it.each(['connect', 'manage', 'extend', 'update', 'reauthorise'] as const)(
    'accepts action %s',
    (action) => {
      expect(new URL(buildConsentUrl('t', { action })).searchParams.get('action')).toBe(action);
    },
  );

  it('rejects an unknown action, a missing token and a bad base URL with clear messages', () => {
    expect(() => buildConsentUrl('t', { action: 'reauthorize' as never })).toThrow(
      /unknown action "reauthorize".*connect, manage, extend, update, reauthorise/,
    );
    expect(() => buildConsentUrl('')).toThrow(TypeError);
    expect(() => buildConsentUrl(undefined as never)).toThrow(/token/);
    expect(() => buildConsentUrl('t', { consentBaseUrl: 'not a url' })).toThrow(/consentBaseUrl/);
    expect(() => buildConsentUrl('t', { consentBaseUrl: 'javascript:alert(1)' })).toThrow(/consentBaseUrl/);
    expect(() => buildConsentUrl('t', { state: 42 as never })).toThrow(/state must be a string/);
  });

  it('refuses a plain-http consentBaseUrl off loopback: the URL carries the client token', () => {
    expect(() => buildConsentUrl('t', { consentBaseUrl: 'http://consent.example.com' })).toThrow(
      /consentBaseUrl must be https/,
    );
    expect(() => buildConsentUrl('t', { consentBaseUrl: 'http://127.evil.example' })).toThrow(
      /consentBaseUrl must be https/,
    );
    expect(buildConsentUrl('t', { consentBaseUrl: 'http://localhost:4010/consent' })).toBe(
      'http://localhost:4010/consent/home?token=t',
    );
    expect(buildConsentUrl('t', { consentBaseUrl: 'https://consent.example.com/' })).toBe(
      'https://consent.example.com/home?token=t',
    );
  });

  it('takes a consentBaseUrl, with or without a trailing slash', () => {
    expect(buildConsentUrl('t', { consentBaseUrl: 'http://127.0.0.1:4010/consent/' })).toBe(
      'http://127.0.0.1:4010/consent/home?token=t',
    );
    expect(buildConsentUrl('t', { consentBaseUrl: 'http://127.0.0.1:4010/consent' })).toBe(
      'http://127.0.0.1:4010/consent/home?token=t',
    );
  });

  it('opens the emulator’s Consent UI with every option', async () => {
    const emu = await startEmulator({});
    try {
      const { id } = emu.createUser({ email: 'consent@example.com' });
      const token = await new HttpTokenSource(emu.url, emu.apiKey).getClientToken(id);
      const url = buildConsentUrl(token, {
        action: 'connect',
        state: 'nonce 42',
        institutionId: 'AU00000',
        consentBaseUrl: `${emu.url}/consent`,
      });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(id);
      expect(html).toMatch(/data-testid="consent-action">connect</);
      expect(html).toMatch(/data-testid="consent-state">nonce 42</);
      expect(html).toMatch(/data-testid="consent-institution">AU00000</);
    } finally {
      await emu.stop();
    }
  });
});
