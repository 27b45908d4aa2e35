// The browser demo's HTTP side (test/browser/consent-demo.test.ts drives it in Chromium).
import { Script } from 'node:vm';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { createApp } from '../src/app.js';
import { DEMO_SCRIPT, SEEDED_DEMO_USER_ID } from '@basiq-token/example-shared';

const silent = { warn: () => undefined, error: () => undefined };

describe('express example: the browser demo page', () => {
  let client: BasiqClient | undefined;
  afterEach(async () => {
    await client?.close();
  });
  // Serving the page asks nothing of Basiq, so the client's base URL is never reached.
  function app(consentBaseUrl?: string) {
    client = createBasiqClient({
      apiKey: 'demo-page-test-key',
      baseUrl: 'http://127.0.0.1:9',
      logger: false,
    });
    return createApp({ client, logger: silent, ...(consentBaseUrl ? { consentBaseUrl } : {}) });
  }

  it('GET / serves the page with a CSP that allows only same-origin script', async () => {
    const res = await request(app('http://127.0.0.1:4567/consent')).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = res.headers['content-security-policy'] as string;
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe');
    expect(res.headers['referrer-policy']).toBe('no-referrer');

    expect(res.text).toContain('data-consent-base="http://127.0.0.1:4567/consent"');
    expect(res.text).toContain(`value="${SEEDED_DEMO_USER_ID}"`);
    expect(res.text).toContain('>Connect your bank</button>');
    // Every script is the external same-origin one; no inline handlers either.
    expect(res.text.match(/<script\b[^>]*>/g)).toEqual(['<script src="/demo.js" defer>']);
    expect(res.text).not.toMatch(/\son[a-z]+=/i);
    expect(res.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1:4567\/consent")/);
  });

  it('links to the real Consent UI by default', async () => {
    const res = await request(app()).get('/').expect(200);
    expect(res.text).toContain('data-consent-base="https://consent.basiq.io"');
  });

  it('GET /demo.js serves the script as JavaScript that parses', async () => {
    const res = await request(app()).get('/demo.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toBe(DEMO_SCRIPT);
    expect(() => new Script(res.text)).not.toThrow();
    expect(res.text).toContain("fetch('/basiq/client-token'");
    expect(res.text).toContain("'x-demo-user'");
  });

  it('rejects a malformed consent base URL when the app is made, not on the first visit', () => {
    expect(() => app('consent.basiq.io')).toThrow(TypeError);
    expect(() => app('ftp://consent.example')).toThrow(/http\(s\)/);
    expect(() => app('https://consent.basiq.io/?x=1')).toThrow(/without query/);
  });

  it('escapes the consent base URL into the attribute', async () => {
    const res = await request(app('https://consent.example/"><script>x</script>')).get('/').expect(200);
    expect(res.text).toContain(
      'data-consent-base="https://consent.example/&quot;&gt;&lt;script&gt;x&lt;/script&gt;"',
    );
  });
});
