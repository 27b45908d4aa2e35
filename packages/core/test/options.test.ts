import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BasiqConfigError, MemoryStore, createBasiqClient } from '@basiq-token/core';
import { isLoopbackHost } from '@basiq-token/core/adapter';
import type { BasiqOptions } from '@basiq-token/core';

const KEY = Buffer.from('6b1a1f0e-8a4f-4b51-9d55-2b4b4a2f0c11:0d2f1c0b-52a4-4c59-8a0c-6f3e0d6c9b22').toString(
  'base64',
);

function configError(options: unknown): BasiqConfigError {
  try {
    createBasiqClient(options as BasiqOptions)
      .close()
      .catch(() => {});
  } catch (error) {
    expect(error).toBeInstanceOf(BasiqConfigError);
    const e = error as BasiqConfigError;
    expect(e.code).toBe('invalid_options');
    for (const text of [e.message, JSON.stringify(e), inspect(e)]) expect(text).not.toContain(KEY);
    return e;
  }
  throw new Error('expected a BasiqConfigError');
}

const valid = (extra: Record<string, unknown> = {}) => ({ apiKey: KEY, logger: false as const, ...extra });

describe('options', () => {
  it('accepts just an apiKey and fills in the defaults', async () => {
    const client = createBasiqClient({ apiKey: KEY, logger: false });
    expect(client.baseUrl).toBe('https://au-api.basiq.io');
    expect(client.toJSON()).toMatchObject({ basiqVersion: '3.0', closed: false, store: { kind: 'memory' } });
    await client.close();
  });

  it.each([
    ['nothing', undefined, 'options'],
    ['a string', KEY, 'options'],
    ['no apiKey', {}, 'apiKey'],
    ['an empty apiKey', { apiKey: '' }, 'apiKey'],
    ['a numeric apiKey', { apiKey: 42 }, 'apiKey'],
    ['an apiKey with a trailing newline', { apiKey: `${KEY}\n` }, 'apiKey'],
    ['an apiKey with the Basic prefix', { apiKey: `Basic ${KEY}` }, 'apiKey'],
    ['a baseUrl that is not a URL', valid({ baseUrl: 'au-api.basiq.io' }), 'baseUrl'],
    ['a plain-http remote baseUrl', valid({ baseUrl: 'http://au-api.basiq.io' }), 'baseUrl'],
    ['an ftp baseUrl', valid({ baseUrl: 'ftp://au-api.basiq.io' }), 'baseUrl'],
    ['a baseUrl with credentials', valid({ baseUrl: 'https://user:pw@au-api.basiq.io' }), 'baseUrl'],
    ['a baseUrl with a query', valid({ baseUrl: 'https://au-api.basiq.io/?x=1' }), 'baseUrl'],
    ['http on a host that only starts with 127', valid({ baseUrl: 'http://127.example.com' }), 'baseUrl'],
    ['a numeric basiqVersion', valid({ basiqVersion: 3 }), 'basiqVersion'],
    ['a junk basiqVersion', valid({ basiqVersion: 'v3' }), 'basiqVersion'],
    ['a zero tokenTimeoutMs', valid({ tokenTimeoutMs: 0 }), 'tokenTimeoutMs'],
    ['a negative requestTimeoutMs', valid({ requestTimeoutMs: -1 }), 'requestTimeoutMs'],
    ['an infinite tokenTimeoutMs', valid({ tokenTimeoutMs: Infinity }), 'tokenTimeoutMs'],
    ['a NaN tokenTimeoutMs', valid({ tokenTimeoutMs: NaN }), 'tokenTimeoutMs'],
    ['a string tokenTimeoutMs', valid({ tokenTimeoutMs: '1000' }), 'tokenTimeoutMs'],
    ['a timeout beyond timers', valid({ tokenTimeoutMs: 2 ** 31 }), 'tokenTimeoutMs'],
    ['fractional retries', valid({ retry: { retries: 1.5 } }), 'retry.retries'],
    ['negative retries', valid({ retry: { retries: -1 } }), 'retry.retries'],
    [
      'maxDelayMs below minDelayMs',
      valid({ retry: { minDelayMs: 100, maxDelayMs: 10 } }),
      'retry.maxDelayMs',
    ],
    ['retry that is not an object', valid({ retry: 3 }), 'retry'],
    [
      'a hard window not below the soft one',
      valid({ refresh: { softWindowMs: 1000, hardWindowMs: 1000 } }),
      'refresh.hardWindowMs',
    ],
    ['a non-boolean keepWarm', valid({ refresh: { keepWarm: 'yes' } }), 'refresh.keepWarm'],
    ['zero cooldownMs', valid({ refresh: { cooldownMs: 0 } }), 'refresh.cooldownMs'],
    ['a fractional maxEntries', valid({ clientTokens: { maxEntries: 2.5 } }), 'clientTokens.maxEntries'],
    [
      'serverReserve equal to limit',
      valid({ budget: { limit: 10, serverReserve: 10 } }),
      'budget.serverReserve',
    ],
    [
      'serverReserve above the default limit',
      valid({ budget: { serverReserve: 5000 } }),
      'budget.serverReserve',
    ],
    ['a zero budget limit', valid({ budget: { limit: 0 } }), 'budget.limit'],
    ['a store missing methods', valid({ store: { get() {}, set() {} } }), 'store'],
    ['a store that is a string', valid({ store: 'redis://localhost' }), 'store'],
    ['a fetch that is not a function', valid({ fetch: {} }), 'fetch'],
    ['a clock without now()', valid({ clock: { time: () => 0 } }), 'clock'],
    ['logger: true', valid({ logger: true }), 'logger'],
    ['a logger without warn', valid({ logger: { error() {} } }), 'logger'],
    [
      'a logger whose debug is not a function',
      valid({ logger: { warn() {}, error() {}, debug: 1 } }),
      'logger',
    ],
  ])('rejects %s', (_name, options, option) => {
    const error = configError(options);
    expect(error.option).toBe(option);
    expect(error.message).toContain(option === 'options' ? 'options' : `\`${option}\``);
  });

  it('suggests the option meant by a misspelt key', () => {
    expect(configError(valid({ apikey: KEY })).message).toContain('did you mean `apiKey`?');
    expect(configError(valid({ baseURL: 'https://x.io' })).message).toContain('did you mean `baseUrl`?');
    const nested = configError(valid({ refresh: { softWindow: 1000 } }));
    expect(nested.option).toBe('refresh.softWindow');
    expect(nested.message).toContain('did you mean `refresh.softWindowMs`?');
    expect(configError(valid({ colour: 'blue' })).message).not.toContain('did you mean');
  });

  it('never echoes the key, even when it is passed as the baseUrl by mistake', () => {
    const error = configError(valid({ baseUrl: KEY }));
    expect(error.option).toBe('baseUrl');
  });

  it.each([
    'http://127.0.0.1:4010',
    'http://127.1.2.3:80',
    'http://localhost:3000',
    'http://[::1]:8080',
    'https://au-api.basiq.io/',
    'https://proxy.example.com/basiq/',
  ])('accepts the baseUrl %s', async (baseUrl) => {
    const client = createBasiqClient(valid({ baseUrl }));
    expect(client.baseUrl.endsWith('/')).toBe(false);
    await client.close();
  });

  it('recognises loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('127.0.0.1.nip.io')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
    // Without node:net: IPv4 and IPv6 literals checked by hand, every spelling of ::1 included.
    for (const host of [
      '127.255.0.9',
      'localhost.',
      'app.localhost',
      '::1',
      '[0:0:0:0:0:0:0:1]',
      '[::0:1]',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '127.0.0.256',
      '127.0.0',
      '0127.0.0.1',
      '[::2]',
      '[::1:0]',
      '[1::1]',
      '[::ffff:7f00:1]',
      '::1::',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('accepts a full set of valid options', async () => {
    const client = createBasiqClient({
      apiKey: KEY,
      baseUrl: 'http://127.0.0.1:1',
      basiqVersion: '2.1',
      tokenTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 10 },
      refresh: { softWindowMs: 2000, hardWindowMs: 1000, cooldownMs: 5, keepWarm: true },
      clientTokens: { maxEntries: 1, minRemainingMs: 1 },
      budget: { limit: 1, windowMs: 1, serverReserve: 0 },
      store: new MemoryStore(),
      fetch: globalThis.fetch,
      clock: { now: () => 0 },
      logger: { warn() {}, error() {} },
    });
    expect(client.toJSON().store.kind).toBe('custom');
    await client.close();
  });
});

describe('option errors never echo the key', () => {
  // Any 8 consecutive characters of the key in an error would give part of it away.
  const keyPieces = Array.from({ length: KEY.length - 7 }, (_, i) => KEY.slice(i, i + 8));
  const sharedPieces = (text: string) => keyPieces.filter((piece) => text.includes(piece));

  function errorOf(options: unknown): BasiqConfigError | undefined {
    try {
      createBasiqClient(options as BasiqOptions)
        .close()
        .catch(() => {});
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(BasiqConfigError);
      return error as BasiqConfigError;
    }
  }

  function expectNoPieceOfKey(options: unknown): void {
    const e = errorOf(options);
    if (!e) return;
    const shown = [
      e.message,
      e.stack ?? '',
      String(e.option),
      JSON.stringify(e),
      inspect(e, { depth: 10 }),
      inspect(e, { depth: 10, showHidden: true }),
    ].join('\n');
    expect(sharedPieces(shown), `${e.option}: ${e.message}`).toEqual([]);
  }

  // The option names are read from the errors themselves, so an option added later is covered too.
  const knownNames = (section?: string): string[] => {
    const probe = section ? valid({ [section]: { zzzNoSuchOption: 1 } }) : valid({ zzzNoSuchOption: 1 });
    const known = /\(known: ([^)]*)\)/.exec(errorOf(probe)?.message ?? '')?.[1];
    expect(known, `the unknown-option error of ${section ?? 'options'} lists the known names`).toBeTruthy();
    return known!.split(', ');
  };

  it('for every option given the key as its value, nested ones included', () => {
    const top = knownNames();
    expect(top).toContain('tokenTimeoutMs');
    let checked = 0;
    for (const name of top.filter((n) => n !== 'apiKey')) {
      expectNoPieceOfKey(valid({ [name]: KEY }));
      checked++;
      const isSection = /expected an object, got /.test(errorOf(valid({ [name]: 1 }))?.message ?? '');
      if (!isSection) continue;
      for (const sub of knownNames(name)) {
        expectNoPieceOfKey(valid({ [name]: { [sub]: KEY } }));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('for the key with a prefix, whitespace or as an option name', () => {
    for (const options of [
      { apiKey: `Basic ${KEY}` },
      { apiKey: `Bearer ${KEY}` },
      { apiKey: ` ${KEY}\n` },
      { apiKey: [KEY] },
      valid({ [KEY]: 1 }),
      valid({ retry: { [KEY]: 1 } }),
      valid({ baseUrl: `${KEY}:x` }),
      valid({ baseUrl: `http://${KEY}.example` }),
      valid({ basiqVersion: `3.${KEY}` }),
    ]) {
      expect(errorOf(options)).toBeInstanceOf(BasiqConfigError);
      expectNoPieceOfKey(options);
    }
  });

  it('still shows short values, which help and cannot hold the key', () => {
    expect(configError(valid({ tokenTimeoutMs: '1000' })).message).toContain('"1000"');
    expect(configError(valid({ tokenTimeoutMs: -5 })).message).toContain('-5');
    expect(configError(valid({ colour: 'blue' })).option).toBe('colour');
  });
});
