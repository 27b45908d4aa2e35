import { afterEach, describe, expect, it } from 'vitest';
import { BasiqConfigError, createBasiqClients } from '@basiq-token/core';
import { closeBasiqClients, probeRouteHandler } from '@basiq-token/next';
import type { NextRequest } from 'next/server.js';
import { WRONG_API_KEY, useEmulatorClients } from '../../../test/support/emulator-client.js';

const world = useEmulatorClients();
afterEach(async () => {
  await closeBasiqClients();
});

const get = (path: string) => new Request(`http://localhost${path}`) as NextRequest;

describe('probeRouteHandler (Next App Router)', () => {
  it("answers core's probes for a client source: liveness 200, readiness 200 with a token, JSON, no-store", async () => {
    const client = world.client();
    const { GET: healthz } = probeRouteHandler('liveness', () => client);
    const { GET: readyz } = probeRouteHandler('readiness', client, { waitMs: 1_000 });
    const live = await healthz(get('/healthz'));
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(await live.json()).toMatchObject({ status: 'ok', basiq: { ready: false } });
    const ready = await readyz(get('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', basiq: { ready: true } });
  });

  it("readiness with options for a wrong key: 503 with core's JSON error, without the key", async () => {
    const { GET } = probeRouteHandler('readiness', {
      apiKey: WRONG_API_KEY,
      baseUrl: world.emulator.url,
      logger: false,
    });
    const res = await GET(get('/readyz'));
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
    expect(text.includes(WRONG_API_KEY)).toBe(false);
  });

  it('asks the source on each probe, so it follows the client a source function hands over', async () => {
    const first = world.client();
    await first.warmUp();
    const second = world.client();
    let current = first;
    const { GET } = probeRouteHandler('readiness', () => current, { waitMs: 0 });
    expect((await GET(get('/readyz'))).status).toBe(200);
    current = second;
    world.emulator.injectFault({ path: '/token', delayMs: 300 });
    // The new client holds no token yet: not ready, though the first still holds one.
    expect((await GET(get('/readyz'))).status).toBe(503);
  });

  it('covers every client of a registry: 503 while one application cannot get a token, 200 once all can', async () => {
    const good = world.client();
    const clients = createBasiqClients({ sandbox: good, production: world.client(WRONG_API_KEY) });
    const { GET } = probeRouteHandler('readiness', clients, { waitMs: 1_000 });
    const res = await GET(get('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
    const allGood = createBasiqClients({ sandbox: good, production: world.client() });
    const ready = await probeRouteHandler('readiness', allGood, { waitMs: 1_000 }).GET(get('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', basiq: { ready: true } });
  });

  it('checks kind and options at once, before any client is made', () => {
    expect(() => probeRouteHandler('ready' as 'readiness')).toThrow(BasiqConfigError);
    expect(() => probeRouteHandler('readiness', undefined, { waitMs: -1 })).toThrow(BasiqConfigError);
  });
});
