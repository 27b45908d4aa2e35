import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { BasiqConfigError } from '@basiq-token/core';
import { probeHandler } from '@basiq-token/hono';
import { WRONG_API_KEY, useEmulatorClients } from '../../../test/support/emulator-client.js';

const world = useEmulatorClients();

function appFor(apiKey?: string): Hono {
  const client = world.client(apiKey);
  const app = new Hono();
  app.get('/healthz', probeHandler(client, 'liveness'));
  app.get('/readyz', probeHandler(client, 'readiness', { waitMs: 1_000 }));
  return app;
}

describe('probeHandler (Hono)', () => {
  it("answers core's probes: liveness 200, readiness 200 with a token, JSON, no-store", async () => {
    const app = appFor();
    const live = await app.request('/healthz');
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(live.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await live.json()).toMatchObject({ status: 'ok', basiq: { ready: false } });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', basiq: { ready: true } });
  });

  it("readiness with a wrong key: 503 with core's JSON error, without the key", async () => {
    const res = await appFor(WRONG_API_KEY).request('/readyz');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
    expect(text.includes(WRONG_API_KEY)).toBe(false);
  });

  it('checks kind and options at once', () => {
    const client = world.client();
    expect(() => probeHandler(client, 'ready' as 'readiness')).toThrow(BasiqConfigError);
    expect(() => probeHandler(client, 'readiness', { waitMs: -1 })).toThrow(BasiqConfigError);
  });
});
