import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import {
  BasiqClientRegistry,
  BasiqConfigError,
  MemoryStore,
  createBasiqClient,
  createBasiqClients,
} from '@basiq-token/core';
import type { BasiqClient, BasiqOptions } from '@basiq-token/core';
import { isClientSelection, useClientSelector } from '@basiq-token/core/adapter';
import { SEED_USER_ID, generateApiKey, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';

const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} };

let emulator: BasiqEmulator;
let sandbox: { apiKey: string; applicationId: string };
let production: { apiKey: string; applicationId: string };
const opened: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  emulator = await startEmulator();
  sandbox = { apiKey: emulator.apiKey, applicationId: emulator.applicationId };
  production = emulator.addApiKey();
});

afterAll(async () => {
  await Promise.all(opened.map((o) => o.close()));
  await emulator.stop();
});

function options(apiKey: string, extra: Partial<BasiqOptions> = {}): BasiqOptions {
  return { apiKey, baseUrl: emulator.url, logger: silent, ...extra };
}

function registry<N extends string>(entries: Record<N, BasiqClient | BasiqOptions>): BasiqClientRegistry<N> {
  const made = createBasiqClients(entries);
  opened.push(made);
  return made;
}

function configError(run: () => unknown): BasiqConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BasiqConfigError);
    return error as BasiqConfigError;
  }
  throw new Error('expected a BasiqConfigError');
}

const applicationOf = (token: string): unknown => decodeJwt(token).applicationid;

describe('createBasiqClients: validated at construction', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an array', [{ apiKey: 'k' }]],
    ['a string', 'sandbox'],
  ])('refuses %s instead of an object of clients', (_what, entries) => {
    expect(configError(() => createBasiqClients(entries as never)).option).toBe('clients');
  });

  it('refuses an empty registry', () => {
    const error = configError(() => createBasiqClients({}));
    expect(error.message).toMatch(/at least one client/);
  });

  it.each([
    '',
    ' sandbox',
    'a b',
    '.hidden',
    'x'.repeat(65),
    'tenant\nforged log line',
    'ünïcode',
    '__proto__',
  ])('refuses the name %j', (name) => {
    const error = configError(() => createBasiqClients({ [name]: options(sandbox.apiKey) }));
    expect(error.option).toBe('clients');
    expect(error.message).not.toContain('\n');
  });

  it('accepts names with dots, colons, dashes and underscores (hosts, tenants)', () => {
    const made = registry({
      'sandbox.example.com': options(sandbox.apiKey),
      'localhost:3000': options(sandbox.apiKey),
      tenant_42: options(production.apiKey),
    });
    expect(made.names).toEqual(['sandbox.example.com', 'localhost:3000', 'tenant_42']);
  });

  it.each([
    ['a string', 'key'],
    ['a number', 42],
    ['null', null],
  ])('refuses an entry that is %s, naming it', (_what, entry) => {
    const error = configError(() =>
      createBasiqClients({ sandbox: options(sandbox.apiKey), production: entry as never }),
    );
    expect(error.option).toBe('clients.production');
    expect(error.message).toMatch(/^clients\.production: /);
  });

  it("names the option at fault inside an entry's options, without the key", () => {
    const error = configError(() =>
      createBasiqClients({
        sandbox: options(sandbox.apiKey),
        production: options(production.apiKey, { baseUrl: 'http://basiq.example.com' }),
      }),
    );
    expect(error.option).toBe('clients.production.baseUrl');
    expect(error.message).toMatch(/^clients\.production: /);
    expect(error.message).not.toContain(production.apiKey);
    expect(JSON.stringify(error)).not.toContain(production.apiKey);
  });
});

describe('BasiqClientRegistry', () => {
  it('get(name) answers the client of that name; has() and names reflect exactly the entries', () => {
    const appClient = createBasiqClient(options(production.apiKey));
    opened.push(appClient);
    const made = registry({ sandbox: options(sandbox.apiKey), production: appClient });
    expect(made.get('production')).toBe(appClient);
    expect(made.get('sandbox')).not.toBe(appClient);
    expect(made.get('sandbox').baseUrl).toBe(emulator.url);
    expect(made.has('sandbox')).toBe(true);
    expect(made.has('staging')).toBe(false);
    expect(made.has('constructor')).toBe(false);
    expect(made.has(undefined)).toBe(false);
    expect(Object.isFrozen(made.names)).toBe(true);
  });

  it('get() of an unknown name throws a BasiqConfigError that never lists the names', () => {
    const made = registry({ sandbox: options(sandbox.apiKey), production: options(production.apiKey) });
    const error = configError(() => made.get('staging' as never));
    expect(error.option).toBe('select');
    expect(error.message).toContain('"staging"');
    expect(error.message).not.toMatch(/sandbox|production/);
    // A value without a name's form is not repeated: it may come from a request.
    const hostile = configError(() => made.get('evil\r\nX-Injected: 1' as never));
    expect(hostile.message).not.toContain('evil');
    expect(hostile.message).toMatch(/not a client name/);
  });

  it('two applications sharing one store: each token carries its own application, and a user id gets a different client token from each', async () => {
    const store = new MemoryStore();
    const made = registry({
      sandbox: options(sandbox.apiKey, { store }),
      production: options(production.apiKey, { store }),
    });
    const names = ['sandbox', 'production'] as const;
    const expected = { sandbox: sandbox.applicationId, production: production.applicationId };
    const users = [SEED_USER_ID, 'user-a', 'user-b', 'user-c'];
    // Interleaved, so both clients' flights, locks and store writes overlap.
    const calls = Array.from({ length: 200 }, (_, i) => {
      const name = names[(i * 7 + (i >> 2)) % 2] as (typeof names)[number];
      const user = users[i % users.length] as string;
      return i % 3 === 0
        ? made
            .get(name)
            .getServerToken()
            .then((token) => ({ name, user: undefined, token }))
        : made
            .get(name)
            .getClientToken(user)
            .then((token) => ({ name, user, token: token.accessToken }));
    });
    const results = await Promise.all(calls);
    for (const { name, user, token } of results) {
      expect(applicationOf(token)).toBe(expected[name]);
      if (user !== undefined) expect(decodeJwt(token).userId).toBe(user);
    }
    for (const user of users) {
      const [a, b] = await Promise.all(names.map((name) => made.get(name).getClientToken(user)));
      expect(a!.accessToken).not.toBe(b!.accessToken);
    }
    // Both applications' records live in the one store, none holding a token in clear.
    const tokens = new Set(results.map((r) => r.token));
    const held = await Promise.all([...tokens].map((t) => store.get(t)));
    expect(held.every((v) => v === undefined)).toBe(true);
  });

  it('health() reads every client from memory; warmUp() fetches each token and never rejects when one key is wrong', async () => {
    const made = registry({
      good: options(sandbox.apiKey),
      wrong: options(generateApiKey()),
    });
    const before = emulator.counters.tokenCalls;
    expect(made.health()).toMatchObject({
      ready: false,
      clients: { good: { ready: false }, wrong: { ready: false } },
    });
    expect(emulator.counters.tokenCalls).toBe(before);
    const health = await made.warmUp();
    expect(health.ready).toBe(false);
    expect(health.clients.good).toMatchObject({ ready: true, serverToken: { held: true } });
    expect(health.clients.wrong).toMatchObject({
      ready: false,
      serverToken: { held: false, lastFailure: { code: 'basiq_configuration' } },
    });
    const calls = emulator.counters.tokenCalls;
    made.health();
    made.health();
    expect(emulator.counters.tokenCalls).toBe(calls);
  });

  it('warmUp() of good keys makes the registry ready', async () => {
    const made = registry({ sandbox: options(sandbox.apiKey), production: options(production.apiKey) });
    await expect(made.warmUp()).resolves.toMatchObject({ ready: true });
    expect(made.health().ready).toBe(true);
  });

  it('close() closes only the clients it made, once; the app’s own client stays open', async () => {
    const appClient = createBasiqClient(options(production.apiKey));
    opened.push(appClient);
    const made = createBasiqClients({ sandbox: options(sandbox.apiKey), production: appClient });
    const mine = made.get('sandbox');
    await Promise.all([made.close(), made.close()]);
    expect(mine.toJSON().closed).toBe(true);
    expect(appClient.toJSON().closed).toBe(false);
    await expect(appClient.getServerToken()).resolves.toEqual(expect.any(String));
    await expect(mine.getServerToken()).rejects.toMatchObject({ code: 'client_closed' });
    expect(made.health().clients.sandbox.closed).toBe(true);
  });

  it('JSON and inspect show names and state, never a key or a token', async () => {
    const made = registry({ sandbox: options(sandbox.apiKey), production: options(production.apiKey) });
    const tokens = await Promise.all([
      made.get('sandbox').getServerToken(),
      made.get('production').getServerToken(),
    ]);
    for (const text of [JSON.stringify(made), inspect(made, { depth: 10, showHidden: true })]) {
      for (const secret of [sandbox.apiKey, production.apiKey, ...tokens]) expect(text).not.toContain(secret);
    }
    expect(JSON.parse(JSON.stringify(made))).toMatchObject({
      names: ['sandbox', 'production'],
      clients: { sandbox: { baseUrl: emulator.url } },
    });
  });
});

describe('useClientSelector (core/adapter)', () => {
  type Req = { tenant?: unknown };
  const select = (request: Req) => request.tenant as string;

  it.each([
    ['no select', { clients: { a: {} } }, 'basiq.select'],
    ['a select that is not a function', { clients: { a: {} }, select: 'a' }, 'basiq.select'],
    ['no clients', { select }, 'basiq.clients'],
    ['an option beside the selection', { clients: { a: {} }, select, apiKey: 'k' }, 'basiq.apiKey'],
  ])('refuses %s at construction', (_what, selection, option) => {
    expect(configError(() => useClientSelector(selection as never)).option).toBe(option);
  });

  it('refuses an empty registry and names the adapter it was given to', () => {
    const error = configError(() =>
      useClientSelector({ clients: {}, select }, { optionPrefix: '@basiq-token/fastify' }),
    );
    expect(error.option).toBe('clients');
    const other = configError(() =>
      useClientSelector(
        { clients: { a: options(sandbox.apiKey) }, select: 1 as never },
        { optionPrefix: 'x' },
      ),
    );
    expect(other.option).toBe('x.select');
  });

  it('lets an adapter keep its own keys beside the selection', () => {
    const selector = useClientSelector(
      { clients: { a: options(sandbox.apiKey) }, select, clientTokenRoute: false } as never,
      { allowedKeys: ['clientTokenRoute'] },
    );
    opened.push(selector);
    expect(selector.clients.names).toEqual(['a']);
  });

  it('pick() answers the selected client and the context made once per client', () => {
    const made = registry({ sandbox: options(sandbox.apiKey), production: options(production.apiKey) });
    const madeFor: BasiqClient[] = [];
    const selector = useClientSelector<Req, { of: BasiqClient }>(
      { clients: made, select },
      {
        context: (client) => {
          madeFor.push(client);
          return { of: client };
        },
      },
    );
    expect(madeFor).toEqual([made.get('sandbox'), made.get('production')]);
    for (let i = 0; i < 20; i++) {
      const name = i % 2 ? 'sandbox' : 'production';
      const picked = selector.pick({ tenant: name });
      expect(picked.answer).toBeUndefined();
      expect(picked.name).toBe(name);
      expect(picked.client).toBe(made.get(name));
      expect(picked.context?.of).toBe(made.get(name));
      expect(selector.clientFor({ tenant: name })).toBe(made.get(name));
    }
    expect(madeFor).toHaveLength(2);
  });

  it('runs select once per request, however many stages pick for it (middleware, then route)', () => {
    const made = registry({ sandbox: options(sandbox.apiKey), production: options(production.apiKey) });
    let calls = 0;
    const selector = useClientSelector<Req>({
      clients: made,
      select: (request) => {
        calls++;
        return select(request);
      },
    });
    const request = { tenant: 'sandbox' };
    expect(selector.pick(request).client).toBe(made.get('sandbox'));
    expect(selector.pick(request).client).toBe(made.get('sandbox'));
    expect(calls).toBe(1);
    expect(selector.pick({ tenant: 'production' }).client).toBe(made.get('production'));
    expect(calls).toBe(2);
  });

  it.each([
    ['an unknown name', 'staging'],
    ['a name with hostile bytes', 'evil\r\nx: 1'],
    ['undefined', undefined],
    ['a promise', Promise.resolve('sandbox')],
  ])('pick() answers %s with core’s 500 internal_error JSON, listing no name', (_what, tenant) => {
    const errors: string[] = [];
    const logger = { ...silent, error: (line: string) => errors.push(line) };
    const selector = useClientSelector<Req>({
      clients: { sandbox: options(sandbox.apiKey, { logger }), production: options(production.apiKey) },
      select,
    });
    opened.push(selector);
    const picked = selector.pick({ tenant });
    expect(picked.client).toBeUndefined();
    expect(picked.answer).toEqual({
      status: 500,
      headers: expect.objectContaining({
        'Cache-Control': 'no-store',
        'Content-Type': expect.stringMatching(/json/),
      }),
      body: { error: { code: 'internal_error', message: expect.any(String) } },
    });
    const text = JSON.stringify(picked.answer);
    expect(text).not.toMatch(/sandbox|production|staging|evil/);
    // Logged through the registry's (first client's) logger, without the request's value.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/BasiqConfigError/);
    expect(errors[0]).not.toMatch(/evil/);
    expect(() => selector.clientFor({ tenant })).toThrow(BasiqConfigError);
  });

  it("an error select throws reaches the adapter as thrown (the app's own 404, say)", () => {
    const own = Object.assign(new Error('no such tenant'), { status: 404 });
    const selector = useClientSelector<Req>({
      clients: { a: options(sandbox.apiKey) },
      select: () => {
        throw own;
      },
    });
    opened.push(selector);
    expect(() => selector.pick({})).toThrow(own);
  });

  it('close() closes a registry made from entries, never one handed in', async () => {
    const made = registry({ a: options(sandbox.apiKey) });
    const given = useClientSelector({ clients: made, select });
    expect(given.owned).toBe(false);
    await given.close();
    expect(made.get('a').toJSON().closed).toBe(false);

    const own = useClientSelector({ clients: { a: options(sandbox.apiKey) }, select });
    expect(own.owned).toBe(true);
    await own.close();
    expect(own.clients.get('a').toJSON().closed).toBe(true);
  });

  it('isClientSelection tells { clients, select } from a client or options', () => {
    const client = createBasiqClient(options(sandbox.apiKey));
    opened.push(client);
    expect(isClientSelection({ clients: {}, select })).toBe(true);
    expect(isClientSelection({ select })).toBe(true);
    expect(isClientSelection(options(sandbox.apiKey))).toBe(false);
    expect(isClientSelection(client)).toBe(false);
    expect(isClientSelection(null)).toBe(false);
  });
});
