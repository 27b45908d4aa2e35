import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { BasiqConfigError } from '@basiq-token/core';
import { probeHandler } from '@basiq-token/fastify';
import { WRONG_API_KEY, useEmulatorClients } from '../../../test/support/emulator-client.js';

const world = useEmulatorClients();
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function appFor(apiKey?: string): FastifyInstance {
  const client = world.client(apiKey);
  const app = Fastify();
  apps.push(app);
  app.get('/healthz', probeHandler(client, 'liveness'));
  app.get('/readyz', probeHandler(client, 'readiness', { waitMs: 1_000 }));
  return app;
}

describe('probeHandler (Fastify)', () => {
  it("answers core's probes: liveness 200, readiness 200 with a token, JSON, no-store", async () => {
    const app = appFor();
    const live = await app.inject({ method: 'GET', url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.headers['cache-control']).toBe('no-store');
    expect(live.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(live.json()).toMatchObject({ status: 'ok', basiq: { ready: false } });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', basiq: { ready: true } });
  });

  it("readiness with a wrong key: 503 with core's JSON error, without the key", async () => {
    const res = await appFor(WRONG_API_KEY).inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
    expect(res.body.includes(WRONG_API_KEY)).toBe(false);
  });

  it('checks kind and options at once', () => {
    const client = world.client();
    expect(() => probeHandler(client, 'ready' as 'readiness')).toThrow(BasiqConfigError);
    expect(() => probeHandler(client, 'readiness', { waitMs: -1 })).toThrow(BasiqConfigError);
  });
});
