import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BasiqConfigError, createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { basiqAxios } from '@basiq-token/core/axios';
import { startCaptureServer } from './support/http-servers.js';
import type { TestServer } from './support/http-servers.js';

// A /token that answers 307 to another origin, which hands out a token of its own choosing:
// that token must never be taken, and the other origin must not even be asked.
const PLANTED = 'planted-token-chosen-by-another-origin';
const KEY = 'dGVzdC1rZXktZm9yLXJlZGlyZWN0cw==';

let elsewhere: TestServer;
let redirecting: TestServer;
let client: BasiqClient | undefined;

beforeEach(async () => {
  elsewhere = await startCaptureServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ access_token: PLANTED, token_type: 'Bearer', expires_in: 3600 }));
    return true;
  });
  redirecting = await startCaptureServer((req, res) => {
    res.writeHead(307, { location: `${elsewhere.url}${req.path}` }).end();
    return true;
  });
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await Promise.all([elsewhere.close(), redirecting.close()]);
});

const options = (extra: Record<string, unknown> = {}) => ({
  apiKey: KEY,
  baseUrl: redirecting.url,
  logger: false as const,
  retry: { retries: 0 },
  ...extra,
});

describe('/token does not follow redirects', () => {
  it('a 307 to another origin yields no token, and the other origin is not asked', async () => {
    client = createBasiqClient(options());
    const error = await client.getServerToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BasiqConfigError);
    expect(error).toMatchObject({ code: 'basiq_configuration', option: 'baseUrl' });
    expect((error as Error).message).toMatch(/redirect/i);
    expect((error as Error).message).not.toContain(elsewhere.url);
    expect(redirecting.received.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /token']);
    expect(elsewhere.received).toHaveLength(0);
  });

  it('a fetch that follows redirects anyway: the followed answer is refused', async () => {
    const following = (input: string | URL | Request, init?: RequestInit) =>
      globalThis.fetch(input, { ...init, redirect: 'follow' });
    client = createBasiqClient(options({ fetch: following }));
    const error = await client.getServerToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BasiqConfigError);
    expect(elsewhere.received).toHaveLength(1); // that fetch went there: the token it got is not used
    const data = await basiqAxios(client)
      .get('/users/x', { validateStatus: () => true })
      .catch((e: unknown) => e);
    expect(data).toBeInstanceOf(BasiqConfigError);
    expect(JSON.stringify(redirecting.received)).not.toContain(PLANTED);
  });
});
