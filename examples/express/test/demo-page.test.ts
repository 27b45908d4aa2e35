// The browser demo's HTTP side (test/browser/consent-demo.test.ts drives it in Chromium).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { createApp } from '../src/app.js';
import { DEMO_SCRIPT, SEEDED_DEMO_USER_ID, basiqBrowserScript } from '@basiq-token/example-shared';

/** Whether `text` parses as an ES module (node --check), without running it. */
function parsesAsModule(text: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'demo-script-'));
  try {
    writeFileSync(join(dir, 'script.mjs'), text);
    return spawnSync(process.execPath, ['--check', join(dir, 'script.mjs')]).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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

  it('GET / serves the page with a CSP that allows only same-origin script, and requests only to itself and Basiq', async () => {
    const res = await request(app('http://127.0.0.1:4567/consent')).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = res.headers['content-security-policy'] as string;
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:9']);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe');
    expect(res.headers['referrer-policy']).toBe('no-referrer');

    expect(res.text).toContain('data-consent-base="http://127.0.0.1:4567/consent"');
    expect(res.text).toContain('data-basiq-base="http://127.0.0.1:9"');
    expect(res.text).toContain(`value="${SEEDED_DEMO_USER_ID}"`);
    expect(res.text).toContain('>Connect your bank</button>');
    // Every script is the external same-origin one; no inline handlers either.
    expect(res.text.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="/demo.js">']);
    expect(res.text).not.toMatch(/\son[a-z]+=/i);
    expect(res.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1:4567\/consent"|127\.0\.0\.1:9")/);
  });

  it('links to the real Consent UI by default', async () => {
    const res = await request(app()).get('/').expect(200);
    expect(res.text).toContain('data-consent-base="https://consent.basiq.io"');
  });

  it('GET /demo.js serves the script as an ES module that parses, over @basiq-token/browser', async () => {
    const res = await request(app()).get('/demo.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toBe(DEMO_SCRIPT);
    expect(parsesAsModule(res.text)).toBe(true);
    expect(res.text).toContain("from '/basiq-browser.js'");
    expect(res.text).toContain("tokenUrl: '/basiq/client-token'");
    expect(res.text).toContain("'x-demo-user'");
    expect(res.text).not.toMatch(/localStorage/);
  });

  it('GET /basiq-browser.js serves the built ESM file of @basiq-token/browser, without its source map line', async () => {
    const res = await request(app()).get('/basiq-browser.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toBe(basiqBrowserScript());
    expect(res.text).toMatch(/export\s*\{[^}]*\bcreateBasiqBrowser\b/);
    expect(res.text).not.toContain('sourceMappingURL');
    expect(res.text).not.toMatch(/from\s*["']node:/);
    expect(parsesAsModule(res.text)).toBe(true);
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
