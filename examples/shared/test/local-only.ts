/**
 * The demo apps are reachable only as themselves (SECURITY: DNS rebinding). They listen on
 * 127.0.0.1, but a page the developer visits can point its own host name at 127.0.0.1 and then
 * call them from the browser: the request arrives with that foreign name in `Host`. So every
 * route answers only `Host` values that are the listening address, and a clear 421 otherwise,
 * before any call to Basiq. Also: an explicitly empty `BASIQ_API_KEY` beside `BASIQ_API_URL` is a
 * start-up error, not a silent switch to the emulator. Registered by each example's tests.
 */
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BasiqClient } from '@basiq-token/core';
import { SEED_USER_ID } from '@basiq-token/emulator';
import { startMain } from '../../../test/conformance/support/example-contract.js';
import type { MainProcess } from '../../../test/conformance/support/example-contract.js';
import { spawnTsx } from '../../../test/support/tsx-env.js';
import { emulatorClient, useEmulator } from '../../../test/support/emulator-client.js';

/** One example app to check. */
export interface LocalOnlyExample {
  /** The example's `createApp` as a Node request listener. */
  createListener(client: BasiqClient): RequestListener;
  /** The example's `src/main.ts`, relative to the repository root. */
  main: string;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One request to `port` on 127.0.0.1 with the given `Host` header (fetch cannot set it). */
async function send(
  port: number,
  host: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  const req = request({
    host: '127.0.0.1',
    port,
    method,
    path,
    headers: {
      ...headers,
      host,
      ...(body === undefined
        ? {}
        : { 'content-type': 'application/json', 'content-length': `${body.length}` }),
    },
    agent: false,
  });
  req.end(body);
  const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk as string;
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the assertion to show
  }
  return { status: res.statusCode ?? 0, headers: res.headers, body: parsed };
}

/** What a foreign `Host` must get: 421, the JSON error shape, never cached. */
function expectMisdirected(answer: Answer, what: string): void {
  expect(answer.status, what).toBe(421);
  expect(answer.headers['content-type'], what).toMatch(/^application\/json/);
  expect(answer.headers['cache-control'], what).toBe('no-store');
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(error?.code, what).toBe('misdirected_request');
  expect(typeof error?.message, what).toBe('string');
}

/** The routes of the examples' contract, each of which must refuse a foreign `Host`. */
const ROUTES: ReadonlyArray<{
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}> = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: `/users/${SEED_USER_ID}` },
  { method: 'POST', path: '/users', body: JSON.stringify({ email: 'rebind@example.com' }) },
  { method: 'POST', path: '/basiq/client-token', headers: { 'x-demo-user': SEED_USER_ID } },
  { method: 'GET', path: '/no-such-route' },
];

/** Registers the checks for one example under `describe(name)`. */
export function runLocalOnlyChecks(name: string, example: LocalOnlyExample): void {
  describe(`${name} example: answers only its own address (DNS rebinding)`, () => {
    const used = useEmulator();
    let client: BasiqClient;
    let server: Server;
    let port: number;

    beforeEach(async () => {
      client = emulatorClient(used.emulator);
      server = createServer(example.createListener(client));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterEach(async () => {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await client.close();
      used.emulator.resetCounters();
    });

    it('answers for 127.0.0.1:PORT, localhost:PORT and [::1]:PORT (any case)', async () => {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LocalHost:${port}`]) {
        expect((await send(port, host, 'GET', '/healthz')).status, host).toBe(200);
      }
      const token = await send(port, `localhost:${port}`, 'POST', '/basiq/client-token', {
        'x-demo-user': SEED_USER_ID,
      });
      expect(token.status).toBe(200);
      const user = await send(port, `127.0.0.1:${port}`, 'GET', `/users/${SEED_USER_ID}`);
      expect(user.status).toBe(200);
    });

    it('answers 421 misdirected_request (JSON, no-store) to any other Host, and asks Basiq nothing', async () => {
      const foreign = [
        `rebind.attacker.example:${port}`,
        'rebind.attacker.example',
        `127.0.0.1.nip.io:${port}`,
        `localhost.attacker.example:${port}`,
        `127.0.0.1:${port === 65535 ? port - 1 : port + 1}`,
        'localhost',
        '127.0.0.1',
        `127.0.0.1:${port}@attacker.example`,
      ];
      for (const host of foreign) {
        for (const route of ROUTES) {
          const answer = await send(port, host, route.method, route.path, route.headers, route.body);
          expectMisdirected(answer, `${route.method} ${route.path} with Host ${host}`);
          expect(JSON.stringify(answer.body)).not.toContain('attacker');
        }
      }
      expect(used.emulator.counters.tokenCalls).toBe(0);
      expect(Object.keys(used.emulator.counters.requests)).toEqual([]);
    });
  });

  describe(`${name} example: main and the Host check, the empty API key`, () => {
    const running: MainProcess[] = [];
    afterEach(() => {
      for (const main of running.splice(0)) main.kill();
    });

    it('the real main refuses a foreign Host over HTTP and serves its own address', async () => {
      const main = await startMain(example.main, {});
      running.push(main);
      const { port } = new URL(main.url);
      expect((await send(Number(port), `localhost:${port}`, 'GET', '/healthz')).status).toBe(200);
      expectMisdirected(
        await send(Number(port), `rebind.attacker.example:${port}`, 'POST', '/basiq/client-token', {
          'x-demo-user': SEED_USER_ID,
        }),
        'POST /basiq/client-token from a rebound name',
      );
      const { code, stderr } = await main.stop();
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    });

    it('BASIQ_API_KEY set but empty with BASIQ_API_URL set: exits 1 and says so, no emulator', async () => {
      const child = spawnTsx([example.main], {
        PORT: '0',
        BASIQ_API_KEY: '',
        BASIQ_API_URL: 'https://au-api.basiq.io',
      });
      const timer = setTimeout(child.kill, 15_000);
      const [code] = await child.exited;
      clearTimeout(timer);
      const [stdout, stderr] = [child.stdout(), child.stderr()];
      expect(code).toBe(1);
      expect(stderr).toMatch(/BASIQ_API_KEY is set but empty/);
      expect(stderr).toMatch(/BASIQ_API_URL/);
      // One clear line, not a stack trace.
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stdout).not.toMatch(/emulator|listening/);
    });
  });
}
