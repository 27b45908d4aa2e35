// What the Hono and Fastify examples serve beyond the shared contract test
// (test/conformance/support/example-contract.ts): GET /users/:userId/accounts, GET /readyz, the body
// checks of POST /users and the demo page. Each example's test/routes.test.ts runs these checks.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BasiqClient } from '@basiq-token/core';
import { SEED_USER_ID } from '@basiq-token/emulator';
import type { RequestListener } from 'node:http';
import { emulatorClient, useEmulator } from '../../../test/support/emulator-client.js';

const UNKNOWN_USER_ID = '00000000-0000-4000-8000-000000000000';
const silent = { warn: () => undefined, error: () => undefined };

/** An example's Node request listener, made from a client (its `createListener`). */
type ListenerFactory = (options: {
  client: BasiqClient;
  logger: typeof silent;
  consentBaseUrl: string;
}) => RequestListener;

export function runExtraRouteChecks(name: string, createListener: ListenerFactory): void {
  describe(`${name} example: routes beyond the shared contract`, () => {
    const used = useEmulator();
    let client: BasiqClient;
    let app: RequestListener;
    beforeEach(() => {
      client = emulatorClient(used.emulator, { retry: { retries: 0 } });
      app = createListener({ client, logger: silent, consentBaseUrl: `${used.emulator.url}/consent` });
    });
    afterEach(async () => {
      await client.close();
      used.emulator.clearFaults();
      used.emulator.resetCounters();
    });

    it("GET /users/:userId/accounts relays Basiq's accounts, and its 404 for an unknown user", async () => {
      const res = await request(app).get(`/users/${SEED_USER_ID}/accounts`).expect(200);
      const direct = await fetch(`${used.emulator.url}/users/${SEED_USER_ID}/accounts`, {
        headers: { authorization: `Bearer ${await client.getServerToken()}` },
      });
      expect(res.body).toEqual(await direct.json());
      expect(res.body.type).toBe('list');
      expect(res.body.data.length).toBeGreaterThan(0);
      const missing = await request(app).get(`/users/${UNKNOWN_USER_ID}/accounts`);
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('list');
      expect(missing.body.data[0].type).toBe('error');
    });

    it('GET /readyz: 200 once a server token is held, 503 JSON while none can be had', async () => {
      used.emulator.injectFault({ path: '/token', status: 503, times: 10 });
      const down = await request(app).get('/readyz').expect(503);
      expect(down.headers['content-type']).toMatch(/^application\/json/);
      expect(down.headers['cache-control']).toBe('no-store');
      expect(down.body).toEqual({ error: { code: 'basiq_unavailable', message: expect.any(String) } });
      used.emulator.clearFaults();
      const up = await request(app).get('/readyz').expect(200);
      expect(up.body).toMatchObject({ status: 'ready', basiq: { ready: true } });
    });

    it('POST /users refuses a body that is not JSON (415) or too large (413), asking Basiq nothing', async () => {
      const text = await request(app).post('/users').set('content-type', 'text/plain').send('email=x');
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe('invalid_body');
      const big = await request(app)
        .post('/users')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(200 * 1024) }));
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('invalid_body');
      expect(used.emulator.counters.requests['POST /users'] ?? 0).toBe(0);
    });

    it('serves the browser demo page with its CSP, and its script', async () => {
      const page = await request(app).get('/').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.text).toContain(`data-consent-base="${used.emulator.url}/consent"`);
      const script = await request(app).get('/demo.js').expect(200);
      expect(script.headers['content-type']).toMatch(/^text\/javascript/);
      expect(script.text).toContain('/basiq/client-token');
      const library = await request(app).get('/basiq-browser.js').expect(200);
      expect(library.headers['content-type']).toMatch(/^text\/javascript/);
      expect(library.text).toMatch(/export\s*\{[^}]*\bcreateBasiqBrowser\b/);
    });
  });
}
