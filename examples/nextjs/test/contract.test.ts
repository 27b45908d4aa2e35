import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqClient } from '@basiq-token/core';
import { runExampleContract } from '../../../test/conformance/support/example-contract.js';
import { useNextExample } from './next-server.js';
import { emulatorClient } from '../../../test/support/emulator-client.js';

// The built app under Next's production server in this process, handed the test's client.
const next = useNextExample();

runExampleContract('nextjs', {
  createListener(client: BasiqClient) {
    const handle = next.handler(client);
    return (req, res) => void handle(req, res);
  },
  main: 'examples/nextjs/start.mjs',
});

describe('nextjs example: its own routes', () => {
  it("GET /api/client-token answers the demo user's token as a bare JSON string, 401 JSON without a user", async () => {
    const emulator = await startEmulator();
    const client = emulatorClient(emulator);
    try {
      const handle = next.handler(client);
      const app = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
      const res = await request(app).get('/api/client-token').set('x-demo-user', SEED_USER_ID).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const token = JSON.parse(res.text) as unknown;
      expect(typeof token).toBe('string');
      expect(decodeJwt(token as string)).toMatchObject({ scope: 'CLIENT_ACCESS', userId: SEED_USER_ID });

      const anonymous = await request(app).get('/api/client-token').expect(401);
      expect(anonymous.body.error.code).toBe('unauthenticated');
      // The starter kit's ?userId= is not a sign-in.
      await request(app).get(`/api/client-token?userId=${SEED_USER_ID}`).expect(401);

      const wrongMethod = await request(app).get('/basiq/client-token').expect(405);
      expect(wrongMethod.headers.allow).toBe('POST');
      expect(wrongMethod.body.error.code).toBe('method_not_allowed');

      const ready = await request(app).get('/readyz').expect(200);
      expect(ready.body.status).toBe('ready');
      const tokenless = emulatorClient(emulator, { retry: { retries: 0 } });
      next.handler(tokenless);
      emulator.injectFault({ path: '/token', status: 503, times: 5 });
      const notReady = await request(app).get('/readyz').expect(503);
      expect(notReady.body).toEqual({ error: { code: 'basiq_unavailable', message: expect.any(String) } });
      await tokenless.close();
      emulator.clearFaults();
      next.handler(client);
      const page = await request(app).get('/').expect(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.text).toContain('Connect your bank');
      const script = await request(app).get('/demo.js').expect(200);
      expect(script.text).toContain("tokenUrl: '/basiq/client-token'");
      const library = await request(app).get('/basiq-browser.js').expect(200);
      expect(library.headers['content-type']).toMatch(/^text\/javascript/);
      expect(library.text).toMatch(/export\s*\{[^}]*\bcreateBasiqBrowser\b/);
    } finally {
      await client.close();
      await emulator.stop();
    }
  });
});
