import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactCredentials } from '@basiq-token/core';
import { basiqAxios } from '@basiq-token/core/axios';
import { createSafeLogger } from '../src/logger.js';
import { Redactor, describeError } from '../src/secrets.js';
import { eventually, ManualClock, RecordingStore, useEngineHarness } from './support/engine.js';
import { SEED_USER_ID } from '@basiq-token/emulator';

const { h } = useEngineHarness({ tokenLifetimeSec: 60, scan: false });

describe('secrets stay out of everything the library makes', () => {
  it('across a run that walks every path: logs (debug included), events, errors, client renderings', async () => {
    const clock = new ManualClock(Date.now());
    const store = new RecordingStore(() => clock.now());
    const client = h.client({
      clock,
      store,
      budget: { limit: 7, serverReserve: 1 },
      refresh: { cooldownMs: 1_000 },
    });

    // Retries of every kind, then success.
    h.emulator.injectFault({ path: '/token', status: 500 });
    h.emulator.injectFault({ path: '/token', reset: true });
    const token = await client.getServerToken();
    await client.getClientToken('user-a');
    // A data call through both HTTP clients, one of them failing with a Basiq error body.
    await basiqAxios(client).get(`/users/${SEED_USER_ID}`);
    await h.failure(basiqAxios(client).get('/users/does-not-exist'));
    const viaFetch = await client.fetch('/users/does-not-exist');
    await viaFetch.arrayBuffer();
    // An expired token, replayed.
    h.emulator.revoke(token);
    await basiqAxios(client).get(`/users/${SEED_USER_ID}`);
    // Budget spent (limit 7, 6 for clients; 5 calls so far).
    await client.getClientToken('user-c');
    await h.failure(client.getClientToken('user-d'));
    await h.failure(client.getClientToken('user-e'));
    await client.handleClientTokenRequest('user-f');
    // The store fails for a while (the budget restarts in memory meanwhile).
    store.failing = true;
    await client.getClientToken('user-b');
    // 403 and its cool-down.
    h.emulator.injectFault({ path: '/token', status: 403 });
    clock.advance(61_000); // the token has expired: the next call refreshes, and meets the 403
    await h.failure(client.getServerToken());
    await h.failure(client.getServerToken());
    clock.advance(2_000);
    await client.getServerToken();
    // Invalid input and a wrong key.
    await h.failure(client.getClientToken('bad id'));
    const wrong = h.client({ apiKey: Buffer.from('a:b').toString('base64') });
    await h.failure(wrong.getServerToken());
    await client.close();
    await h.failure(client.getServerToken());

    const codes = h.errors.map((e) => (e as { code?: string }).code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'basiq_api_error',
        'basiq_access_denied',
        'token_budget_exhausted',
        'invalid_user_id',
        'basiq_configuration',
        'client_closed',
      ]),
    );
    expect(h.lines.some((l) => l.startsWith('debug'))).toBe(true);
    expect(h.eventsOf('token:replay')).toHaveLength(1);
    expect(h.eventsOf('store:degraded')).toHaveLength(1);
    expect(h.emulator.issuedTokens().length).toBeGreaterThanOrEqual(4);

    h.scan([Buffer.from('a:b').toString('base64')]);
    // Even with custom inspection off, the client's own properties hold no secret.
    const raw = inspect(client, { customInspect: false, showHidden: true, depth: 6 });
    expect(raw).not.toContain(h.emulator.apiKey);
    for (const t of h.emulator.issuedTokens()) expect(raw).not.toContain(t);
  });

  it('the default console logger prints no secret either', async () => {
    const printed: string[] = [];
    const original = { info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    for (const level of ['info', 'warn', 'error', 'debug'] as const) {
      console[level] = (...args: unknown[]) => void printed.push(args.map((a) => inspect(a)).join(' '));
    }
    try {
      const client = h.client({ logger: undefined, retry: { retries: 1 } });
      h.emulator.injectFault({ path: '/token', status: 503, times: 2 });
      await h.failure(client.getServerToken());
      await client.getServerToken();
      await eventually(() => printed.length > 0);
    } finally {
      Object.assign(console, original);
    }
    expect(printed.some((p) => p.includes('[basiq-token]'))).toBe(true);
    for (const line of printed) {
      expect(line).not.toContain(h.emulator.apiKey);
      for (const t of h.emulator.issuedTokens()) expect(line).not.toContain(t);
    }
  });
});

describe('redaction helpers', () => {
  it('redacts the key, remembered tokens, JWT-shaped strings and header values', () => {
    const redactor = new Redactor('my-api-key-0123456789');
    redactor.remember('opaque-token-value');
    const text = redactor.redact(
      'key my-api-key-0123456789 token opaque-token-value jwt eyJhbGciOi.eyJzdWIiOi.sig-nature auth Basic abc== then Bearer xyz',
    );
    expect(text).toBe(
      'key [redacted] token [redacted] jwt [redacted] auth Basic [redacted] then Bearer [redacted]',
    );
    expect(redactCredentials('Authorization: Bearer eyJa.eyJb.c')).toBe('Authorization: Bearer [redacted]');
    expect(JSON.stringify(redactor)).toBe('{}');
    expect(inspect(redactor)).toBe('Redactor {}');
  });

  it('describes foreign errors without their cause', () => {
    const error = Object.assign(new Error('failed with Bearer eyJa.eyJb.c'), {
      cause: { headers: { authorization: 'Basic s3cret' } },
    });
    expect(describeError(error)).toBe('Error: failed with Bearer [redacted]');
    expect(describeError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET: x');
    expect(describeError(42)).toBe('unknown error');
  });

  it('the safe logger survives a throwing logger and calls methods on their object', () => {
    const seen: string[] = [];
    const logger = {
      prefix: 'L',
      warn(this: { prefix: string }, m: string) {
        seen.push(`${this.prefix}:${m}`);
      },
      error() {
        throw new Error('broken logger');
      },
    };
    const safe = createSafeLogger(logger);
    safe.warn('hello');
    expect(() => safe.error('boom')).not.toThrow();
    safe.debug('no debug method: ignored');
    expect(seen).toEqual(['L:[basiq-token] hello']);
  });
});
