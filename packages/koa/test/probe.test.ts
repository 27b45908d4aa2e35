import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { BasiqConfigError } from '@basiq-token/core';
import { probeMiddleware } from '@basiq-token/koa';
import { WRONG_API_KEY, useEmulatorClients } from '../../../test/support/emulator-client.js';

const world = useEmulatorClients();

function serverFor(apiKey?: string): ReturnType<Koa['callback']> {
  const client = world.client(apiKey);
  const live = probeMiddleware(client, 'liveness');
  const ready = probeMiddleware(client, 'readiness', { waitMs: 1_000 });
  const app = new Koa();
  app.use((ctx, next) =>
    ctx.path === '/healthz' ? live(ctx, next) : ctx.path === '/readyz' ? ready(ctx, next) : next(),
  );
  return app.callback();
}

describe('probeMiddleware (Koa)', () => {
  it("answers core's probes: liveness 200, readiness 200 with a token, JSON, no-store", async () => {
    const server = serverFor();
    const live = await request(server).get('/healthz').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', basiq: { ready: false } });
    expect(live.headers['cache-control']).toBe('no-store');
    expect(live.headers['content-type']).toBe('application/json; charset=utf-8');
    const ready = await request(server).get('/readyz').expect(200);
    expect(ready.body).toMatchObject({ status: 'ready', basiq: { ready: true } });
  });

  it("readiness with a wrong key: 503 with core's JSON error, without the key", async () => {
    const res = await request(serverFor(WRONG_API_KEY)).get('/readyz').expect(503);
    expect(res.body).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
    expect(res.text.includes(WRONG_API_KEY)).toBe(false);
  });

  it('checks kind and options at once', () => {
    const client = world.client();
    expect(() => probeMiddleware(client, 'ready' as 'readiness')).toThrow(BasiqConfigError);
    expect(() => probeMiddleware(client, 'readiness', { waitMs: -1 })).toThrow(BasiqConfigError);
  });
});
