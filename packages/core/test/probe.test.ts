import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BasiqConfigError,
  createBasiqClient,
  createBasiqClients,
  createProbe,
  createProbeFetchHandler,
  probeResponse,
} from '@basiq-token/core';
import type { BasiqClient, BasiqOptions, ProbeResponse } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';

const WRONG_API_KEY = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');

let emulator: BasiqEmulator;
const clients: BasiqClient[] = [];

function newClient(options: Partial<BasiqOptions> = {}): BasiqClient {
  const client = createBasiqClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    logger: false,
    retry: { retries: 0 },
    ...options,
  });
  clients.push(client);
  return client;
}

/** No key and no token anywhere in what a probe answered. */
function expectNoSecret(answer: ProbeResponse, secrets: readonly string[]): void {
  const text = JSON.stringify(answer);
  for (const secret of secrets) expect(text.includes(secret)).toBe(false);
}

/** The client's health, its time left read as any number (the probe read it a moment earlier). */
function healthNow(client: BasiqClient): unknown {
  const health = client.health();
  if (health.serverToken.expiresInMs === undefined) return health;
  return { ...health, serverToken: { ...health.serverToken, expiresInMs: expect.any(Number) } };
}

beforeAll(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  emulator.clearFaults();
  emulator.resetCounters();
});
afterAll(async () => {
  await emulator?.stop();
});

describe('probeResponse: liveness', () => {
  it('answers 200 with the health, JSON and no-store, and never calls /token', async () => {
    const client = newClient();
    const answer = await probeResponse(client, 'liveness');
    expect(answer).toEqual({
      status: 200,
      headers: {
        'Cache-Control': 'no-store',
        Pragma: 'no-cache',
        'Content-Type': 'application/json; charset=utf-8',
      },
      body: { status: 'ok', basiq: healthNow(client) },
    });
    expect(emulator.counters.tokenCalls).toBe(0);
  });

  it('stays 200 for a wrong key and for a closed client', async () => {
    const wrong = newClient({ apiKey: WRONG_API_KEY });
    await wrong.warmUp().catch(() => {});
    const live = await probeResponse(wrong, 'liveness');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      status: 'ok',
      basiq: { ready: false, serverToken: { lastFailure: { code: 'basiq_configuration' } } },
    });
    expectNoSecret(live, [WRONG_API_KEY]);
    await wrong.close();
    expect((await probeResponse(wrong, 'liveness')).body).toMatchObject({ basiq: { closed: true } });
  });
});

describe('probeResponse: readiness', () => {
  it('cold with a wrong key: 503 basiq_configuration for 20 concurrent probes and more, one /token call in all', async () => {
    const client = newClient({ apiKey: WRONG_API_KEY });
    const answers = await Promise.all(Array.from({ length: 20 }, () => probeResponse(client, 'readiness')));
    // Then probes one after another, inside the back-off window the refusal opened.
    for (let i = 0; i < 10; i++) answers.push(await probeResponse(client, 'readiness'));
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers['Cache-Control']).toBe('no-store');
      expect(answer.body).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
      expectNoSecret(answer, [WRONG_API_KEY]);
    }
    expect(client.health().backoff.open).toBe(true);
    // What the application itself would have made: one refused call, then none in the window.
    expect(emulator.counters.tokenCalls).toBe(1);
  });

  it('cold with a good key: 20 concurrent probes share one /token call and answer 200; later ones read the token', async () => {
    const client = newClient();
    emulator.injectFault({ path: '/token', delayMs: 100 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => probeResponse(client, 'readiness')));
    for (let i = 0; i < 5; i++) answers.push(await probeResponse(client, 'readiness'));
    const token = await client.getServerToken();
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers['Cache-Control']).toBe('no-store');
      expect(answer.body).toMatchObject({
        status: 'ready',
        basiq: { ready: true, serverToken: { held: true } },
      });
      expectNoSecret(answer, [emulator.apiKey, token]);
    }
    expect(emulator.counters.tokenCalls).toBe(1);
  });

  it('after warmUp(): 200 at once, without a /token call', async () => {
    const client = newClient();
    await client.warmUp();
    emulator.resetCounters();
    const answer = await probeResponse(client, 'readiness');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ready', basiq: healthNow(client) });
    expect(emulator.counters.tokenCalls).toBe(0);
  });

  it('honours waitMs: 503 basiq_unavailable while the fetch goes on, 200 once it lands, still one /token call', async () => {
    const client = newClient();
    emulator.injectFault({ path: '/token', delayMs: 400 });
    const early = await probeResponse(client, 'readiness', { waitMs: 20 });
    // Answered before the token came: the fetch the probe started is still running.
    expect(client.health().serverToken).toMatchObject({ held: false, refreshing: true });
    expect(early.status).toBe(503);
    expect(early.body).toEqual({ error: { code: 'basiq_unavailable', message: expect.any(String) } });
    const zero = await probeResponse(client, 'readiness', { waitMs: 0 });
    expect(zero.status).toBe(503);
    const later = await probeResponse(client, 'readiness', { waitMs: 5_000 });
    expect(later.status).toBe(200);
    expect(emulator.counters.tokenCalls).toBe(1);
  });

  it('a closed client: 503 client_closed, without a /token call', async () => {
    const client = newClient();
    await client.close();
    const answer = await probeResponse(client, 'readiness');
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: { code: 'client_closed', message: expect.any(String) } });
    expect(emulator.counters.tokenCalls).toBe(0);
  });
});

describe('probes of a registry', () => {
  it('ready when every client is; 503 with the failure while one has a wrong key', async () => {
    const good = newClient();
    const wrong = newClient({ apiKey: WRONG_API_KEY });
    const mixed = createBasiqClients({ good, wrong });
    const notReady = await probeResponse(mixed, 'readiness');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
    expectNoSecret(notReady, [WRONG_API_KEY, emulator.apiKey]);
    // Each client was warmed up, the good one got its token.
    expect(good.health().ready).toBe(true);

    const live = await probeResponse(mixed, 'liveness');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      status: 'ok',
      basiq: { ready: false, clients: { good: { ready: true }, wrong: { ready: false } } },
    });

    const other = newClient();
    const both = createBasiqClients({ good, other });
    const ready = await probeResponse(both, 'readiness');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      basiq: { ready: true, clients: { other: { ready: true } } },
    });
    // good once, wrong once, other once.
    expect(emulator.counters.tokenCalls).toBe(3);
  });
});

describe('createProbeFetchHandler', () => {
  it("answers probeResponse's status, headers and body as a Fetch Response, whatever the request", async () => {
    const client = newClient();
    const readyz = createProbeFetchHandler(client, 'readiness');
    const response = await readyz(new Request('http://localhost/anything', { method: 'POST' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ status: 'ready', basiq: healthNow(client) });
  });

  it('takes a function for the client, called per probe', async () => {
    let calls = 0;
    const client = newClient();
    const healthz = createProbeFetchHandler(() => (calls++, client), 'liveness');
    expect(calls).toBe(0);
    expect((await healthz()).status).toBe(200);
    expect((await healthz()).status).toBe(200);
    expect(calls).toBe(2);
    const broken = createProbeFetchHandler(() => ({}) as BasiqClient, 'liveness');
    await expect(broken()).rejects.toBeInstanceOf(BasiqConfigError);
  });
});

describe('probe options are checked at construction', () => {
  it.each([
    ['a kind other than liveness or readiness', 'ready', undefined, 'kind'],
    ['options that are not an object', 'readiness', 5, 'options'],
    ['a negative waitMs', 'readiness', { waitMs: -1 }, 'waitMs'],
    ['a fractional waitMs', 'readiness', { waitMs: 1.5 }, 'waitMs'],
    ['a string waitMs', 'readiness', { waitMs: '100' }, 'waitMs'],
    ['a waitMs above a minute', 'readiness', { waitMs: 60_001 }, 'waitMs'],
    ['a misspelt option', 'readiness', { waitMS: 100 }, 'waitMS'],
  ])('%s: BasiqConfigError naming it', (_name, kind, options, option) => {
    const client = newClient();
    for (const make of [createProbe, createProbeFetchHandler]) {
      let thrown: unknown;
      try {
        make(client, kind as 'readiness', options as { waitMs?: number });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BasiqConfigError);
      expect((thrown as BasiqConfigError).option).toBe(option);
    }
  });

  it('suggests the option meant', () => {
    expect(() => createProbe(newClient(), 'readiness', { waitMS: 1 } as never)).toThrow(
      /did you mean "waitMs"/,
    );
  });

  it('never echoes an unknown option name that could be a secret (a key spread into the options)', () => {
    const secret = WRONG_API_KEY;
    let thrown: unknown;
    try {
      createProbe(newClient(), 'readiness', { [secret]: 1 } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BasiqConfigError);
    expect(String((thrown as Error).message)).not.toContain(secret.slice(0, 8));
    expect((thrown as BasiqConfigError).option).toBe('options');
  });

  it('something that is not a client or registry', () => {
    expect(() => createProbe({} as BasiqClient, 'liveness')).toThrow(BasiqConfigError);
    expect(() => createProbe(null as unknown as BasiqClient, 'liveness')).toThrow(BasiqConfigError);
  });

  it('probeResponse rejects the same options', async () => {
    await expect(probeResponse(newClient(), 'alive' as 'liveness')).rejects.toBeInstanceOf(BasiqConfigError);
    expect(emulator.counters.tokenCalls).toBe(0);
  });
});
