import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { BasiqConfigError } from '@basiq-token/core';
import { probeHandler } from '@basiq-token/express';
import { WRONG_API_KEY, useEmulatorClients } from '../../../test/support/emulator-client.js';

const world = useEmulatorClients();

function appFor(apiKey?: string): express.Express {
  const client = world.client(apiKey);
  const app = express();
  app.get('/healthz', probeHandler(client, 'liveness'));
  app.get('/readyz', probeHandler(client, 'readiness', { waitMs: 1_000 }));
  return app;
}

describe('probeHandler (Express)', () => {
  it("answers core's probes: liveness 200, readiness 200 with a token, JSON, no-store, no ETag", async () => {
    const app = appFor();
    const live = await request(app).get('/healthz').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', basiq: { ready: false } });
    expect(live.headers['cache-control']).toBe('no-store');
    expect(live.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(live.headers.etag).toBeUndefined();
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).toMatchObject({ status: 'ready', basiq: { ready: true } });
  });

  it("readiness with a wrong key: 503 with core's JSON error, without the key", async () => {
    const res = await request(appFor(WRONG_API_KEY)).get('/readyz').expect(503);
    expect(res.body).toEqual({ error: { code: 'basiq_configuration', message: expect.any(String) } });
    expect(res.text.includes(WRONG_API_KEY)).toBe(false);
  });

  it('checks kind and options at once', () => {
    const client = world.client();
    expect(() => probeHandler(client, 'ready' as 'readiness')).toThrow(BasiqConfigError);
    expect(() => probeHandler(client, 'readiness', { waitMs: -1 })).toThrow(BasiqConfigError);
  });
});
