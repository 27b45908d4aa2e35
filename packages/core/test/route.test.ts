import { startEmulator } from '@basiq-token/emulator';
import { describe, expect, it, vi } from 'vitest';
import {
  BasiqApiError,
  BasiqConfigError,
  BasiqError,
  BasiqInputError,
  BasiqRateLimitError,
  BasiqTokenError,
} from '../src/errors.js';
import { clientTokenRoute, errorResponse } from '../src/route.js';
import type { ClientToken, Logger, RouteResponse } from '../src/types.js';
import { HttpTokenSource } from './support/http-token-source.js';

const NO_STORE = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Content-Type': 'application/json; charset=utf-8',
};

const SECRET = 'sk-this-must-never-show-1234567890';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string, ...meta: unknown[]) =>
    lines.push([m, ...meta.map((x) => JSON.stringify(x))].join(' '));
  return { lines, debug: push, info: push, warn: push, error: push };
}

const token = (overrides: Partial<ClientToken> = {}): ClientToken => ({
  accessToken: 'client.jwt.token',
  tokenType: 'Bearer',
  expiresIn: 1799.7,
  expiresAt: Date.now() + 1_799_700,
  userId: 'user-1',
  ...overrides,
});

function expectErrorShape(res: RouteResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['Cache-Control']).toBe('no-store');
  expect(res.headers['Content-Type']).toBe('application/json; charset=utf-8');
  expect(Object.keys(res.body)).toEqual(['error']);
  const { error } = res.body as { error: Record<string, unknown> };
  expect(Object.keys(error).sort()).toEqual(['code', 'message']);
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  expect((error.message as string).length).toBeGreaterThan(0);
}

describe('clientTokenRoute', () => {
  it('answers 200 with Basiq’s token shape and no-store headers', async () => {
    const get = vi.fn(async (userId: string) => token({ userId }));
    const res = await clientTokenRoute(get, 'user-1');
    expect(get).toHaveBeenCalledWith('user-1');
    expect(res).toEqual({
      status: 200,
      headers: NO_STORE,
      body: { access_token: 'client.jwt.token', token_type: 'Bearer', expires_in: 1799 },
    });
  });

  it.each([undefined, null, ''])(
    'answers 401 unauthenticated for userId %j without asking for a token',
    async (userId) => {
      const get = vi.fn(async () => token());
      const res = await clientTokenRoute(get, userId);
      expectErrorShape(res, 401, 'unauthenticated');
      expect(get).not.toHaveBeenCalled();
    },
  );

  it.each([42, {}, ['a'], true, 'a'.repeat(65), 'has space', '../etc', 'ünïcode', 'a/b', 'x\n'])(
    'answers 400 invalid_user_id for %j without asking for a token',
    async (userId) => {
      const get = vi.fn(async () => token());
      const res = await clientTokenRoute(get, userId);
      expectErrorShape(res, 400, 'invalid_user_id');
      expect(get).not.toHaveBeenCalled();
    },
  );

  it('accepts a 64-character id of letters, digits and hyphens', async () => {
    const id = `${'a1-B'.repeat(16)}`;
    const res = await clientTokenRoute(async (u) => token({ userId: u }), id);
    expect(res.status).toBe(200);
  });

  it('maps a failing getClientToken through errorResponse', async () => {
    const res = await clientTokenRoute(async () => {
      throw new BasiqRateLimitError('over budget', { retryAfterMs: 2_500 });
    }, 'user-1');
    expectErrorShape(res, 429, 'token_budget_exhausted');
    expect(res.headers['Retry-After']).toBe('3');
  });

  it('over real HTTP: a client token from the emulator opens its Consent UI for that user', async () => {
    const emu = await startEmulator({});
    try {
      const source = new HttpTokenSource(emu.url, emu.apiKey);
      const { id } = emu.createUser({ email: 'route@example.com' });
      const res = await clientTokenRoute((u) => source.getClientToken(u), id);
      expect(res.status).toBe(200);
      const body = res.body as { access_token: string; token_type: string; expires_in: number };
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBe(3600);
      expect(emu.issuedTokens()).toContain(body.access_token);
      expect(emu.counters.clientTokens).toBe(1);
      const page = await fetch(`${emu.url}/consent/home?token=${encodeURIComponent(body.access_token)}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(id);
    } finally {
      await emu.stop();
    }
  });
});

describe('errorResponse', () => {
  const cases: [string, unknown, number, string, string | undefined][] = [
    [
      'budget spent',
      new BasiqRateLimitError('x', { retryAfterMs: 1_001 }),
      429,
      'token_budget_exhausted',
      '2',
    ],
    [
      'budget spent, under a second',
      new BasiqRateLimitError('x', { retryAfterMs: 5 }),
      429,
      'token_budget_exhausted',
      '1',
    ],
    [
      'budget spent, zero',
      new BasiqRateLimitError('x', { retryAfterMs: 0 }),
      429,
      'token_budget_exhausted',
      '1',
    ],
    [
      'Basiq throttling',
      new BasiqRateLimitError('x', { code: 'basiq_rate_limited', retryAfterMs: 30_000 }),
      503,
      'basiq_rate_limited',
      '30',
    ],
    [
      'Basiq throttling, no hint',
      new BasiqRateLimitError('x', { code: 'basiq_rate_limited' }),
      503,
      'basiq_rate_limited',
      '60',
    ],
    ['Basiq down', new BasiqTokenError('basiq_unavailable', 'x'), 503, 'basiq_unavailable', undefined],
    [
      'Basiq down, hint',
      new BasiqTokenError('basiq_unavailable', 'x', { retryAfterMs: 4_200 }),
      503,
      'basiq_unavailable',
      '5',
    ],
    [
      'Basiq 403 cool-down',
      new BasiqTokenError('basiq_access_denied', 'x', { retryAfterMs: 60_000 }),
      503,
      'basiq_access_denied',
      '60',
    ],
    ['closed client', new BasiqError('client_closed', 'x'), 503, 'client_closed', undefined],
    ['timeout', new BasiqTokenError('basiq_timeout', 'x'), 504, 'basiq_timeout', undefined],
    ['network', new BasiqTokenError('basiq_network_error', 'x'), 502, 'basiq_network_error', undefined],
    ['bad answer', new BasiqTokenError('basiq_bad_response', 'x'), 502, 'basiq_bad_response', undefined],
    [
      'bad key',
      new BasiqConfigError('x', { code: 'basiq_configuration' }),
      502,
      'basiq_configuration',
      undefined,
    ],
    ['bad input', new BasiqInputError('x'), 400, 'invalid_user_id', undefined],
    ['no user', new BasiqInputError('x', 'unauthenticated'), 401, 'unauthenticated', undefined],
    ['bad options', new BasiqConfigError('x', { option: 'apiKey' }), 500, 'internal_error', undefined],
    ['a data-call error', new BasiqError('basiq_api_error', 'x'), 502, 'basiq_api_error', undefined],
    [
      'Basiq refusing a data call with 401',
      new BasiqApiError(401, { data: [{ code: 'invalid-authorization-token' }] }),
      502,
      'basiq_api_error',
      undefined,
    ],
    [
      'Basiq refusing a data call with 503 and Retry-After',
      new BasiqApiError(503, { data: [] }, { retryAfterMs: 5_000 }),
      502,
      'basiq_api_error',
      undefined,
    ],
    ['a plain Error', new Error('x'), 500, 'internal_error', undefined],
    ['a thrown string', 'x', 500, 'internal_error', undefined],
    ['null', null, 500, 'internal_error', undefined],
  ];

  it.each(cases)('%s -> %i %s', (_name, error, status, code, retryAfter) => {
    const res = errorResponse(error);
    expectErrorShape(res, status, code);
    expect(res.headers['Retry-After']).toBe(retryAfter);
  });

  it('never lets a secret, a message meant for operators or a stack reach the body or the log', () => {
    const logger = recordingLogger();
    const errors: unknown[] = [
      new Error(`upstream said Bearer ${SECRET}`),
      Object.assign(new TypeError(`key ${SECRET}`), { code: 'ERR_SOMETHING' }),
      new BasiqTokenError('basiq_unavailable', 'Basiq answered 503', { cause: new Error(SECRET) }),
      new BasiqConfigError(`Basiq rejected the key; check apiKey`, { code: 'basiq_configuration' }),
    ];
    for (const error of errors) {
      const res = errorResponse(error, logger);
      const text = JSON.stringify(res);
      expect(text).not.toContain(SECRET);
      expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack frame
      expect(text).not.toContain('check apiKey');
    }
    expect(logger.lines.join('\n')).not.toContain(SECRET);
    // Unknown errors are logged by name and code; library errors with their safe message.
    expect(logger.lines[0]).toMatch(/internal|unexpected/i);
    expect(logger.lines[0]).toContain('Error');
    expect(logger.lines[1]).toContain('TypeError (code ERR_SOMETHING)');
    expect(logger.lines[2]).toContain('basiq_unavailable');
    expect(logger.lines[3]).toContain('check apiKey');
  });

  it.each([401, 403, 404, 503])(
    'answers a data call Basiq refused with %i as 502, without Basiq’s detail, and logs it at warn',
    (status) => {
      const logger = recordingLogger();
      const warn = vi.spyOn(logger, 'warn');
      const error = new BasiqApiError(status, {
        type: 'list',
        correlationId: 'corr-123',
        data: [
          {
            code: 'access-denied',
            title: 'Forbidden',
            detail: `user jane@example.com, token ${SECRET}`,
          },
        ],
      });
      const res = errorResponse(error, logger);
      expect(res).toEqual({
        status: 502,
        headers: NO_STORE,
        body: { error: { code: 'basiq_api_error', message: 'Basiq refused the request.' } },
      });
      const text = JSON.stringify(res);
      for (const leak of ['access-denied', 'Forbidden', 'jane@example.com', 'corr-123', String(status)]) {
        expect(text).not.toContain(leak);
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(logger.lines).toEqual([
        `basiq-token: a request to Basiq failed: Basiq answered ${status} access-denied (correlationId corr-123); answered 502`,
      ]);
      expect(logger.lines[0]).not.toMatch(/client-token route/);
    },
  );

  it('logs a BasiqApiError with only what is known, and sanitises Basiq’s code', () => {
    const logger = recordingLogger();
    errorResponse(new BasiqApiError(404, 'not json'), logger);
    errorResponse(new BasiqApiError(403, { data: [{ code: 'bad code\n<script>' }] }), logger);
    expect(logger.lines).toEqual([
      'basiq-token: a request to Basiq failed: Basiq answered 404; answered 502',
      'basiq-token: a request to Basiq failed: Basiq answered 403 badcodescript; answered 502',
    ]);
  });

  it('logs neither an unknown error nor a library error as the client-token route’s', () => {
    const logger = recordingLogger();
    errorResponse(new Error('x'), logger);
    errorResponse(new BasiqTokenError('basiq_timeout', 'Basiq did not answer POST /token in 100 ms'), logger);
    expect(logger.lines).toEqual([
      'basiq-token: a request failed with an unexpected Error; answered 500',
      'basiq-token: answered 504 basiq_timeout: Basiq did not answer POST /token in 100 ms',
    ]);
  });

  it('does not log client mistakes, and survives a throwing logger', () => {
    const logger = recordingLogger();
    errorResponse(new BasiqInputError('x'), logger);
    expect(logger.lines).toEqual([]);
    const broken: Logger = {
      warn: () => {
        throw new Error('logger down');
      },
      error: () => {
        throw new Error('logger down');
      },
    };
    expect(errorResponse(new Error('boom'), broken).status).toBe(500);
  });
});
