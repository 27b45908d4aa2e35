import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BasiqError } from '@basiq-token/core';
import { basiqAxios } from '@basiq-token/core/axios';
import { eventually, useEngineHarness } from './support/engine.js';

const { h } = useEngineHarness({ tokenLifetimeSec: 60 });

describe('close()', () => {
  it('is idempotent, and afterwards every call fails with client_closed', async () => {
    const client = h.client();
    await client.getServerToken();
    const first = client.close();
    expect(client.close()).toBe(first);
    await first;
    await client.close();
    expect(client.toJSON().closed).toBe(true);

    for (const call of [
      client.getServerToken(),
      client.getClientToken('user-a'),
      basiqAxios(client).get('/users/x'),
    ]) {
      const error = await h.failure(call);
      expect(error).toBeInstanceOf(BasiqError);
      expect(error.code).toBe('client_closed');
    }
    const route = await client.handleClientTokenRequest('user-a');
    expect(route.status).toBe(503);
    expect(route.body).toMatchObject({ error: { code: 'client_closed' } });
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });

  it('ends a backoff wait at once', async () => {
    const client = h.client({ retry: { retries: 3, maxRetryAfterMs: 60_000 } });
    h.emulator.injectFault({ path: '/token', status: 503, headers: { 'retry-after': '30' } });
    // Handlers attached before close(): the rejection must not go unhandled meanwhile.
    const failure = h.failure(client.getServerToken());
    await eventually(() => h.eventsOf('token:retry').length === 1);
    await client.close();
    expect((await failure).code).toBe('client_closed');
    expect(h.emulator.counters.tokenCalls).toBe(1);
  });

  it('aborts a /token request in flight', async () => {
    const client = h.client({ tokenTimeoutMs: 20_000 });
    // The key is known to work: the two calls go out side by side (a cold key's first call goes alone).
    await client.getClientToken('user-warm');
    h.emulator.resetCounters();
    h.emulator.injectFault({ path: '/token', delayMs: 10_000, times: 2 });
    const server = h.failure(client.getServerToken());
    const user = h.failure(client.getClientToken('user-a'));
    await eventually(() => h.emulator.counters.tokenCalls === 2);
    await client.close();
    expect((await server).code).toBe('client_closed');
    expect((await user).code).toBe('client_closed');
    expect(h.eventsOf('token:error')).toEqual([]);
  });
});

describe('process lifetime', () => {
  const script = fileURLToPath(new URL('./support/child-client.ts', import.meta.url));

  function runChild(mode: 'close' | 'no-close'): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        env: {
          ...process.env,
          CHILD_MODE: mode,
          CHILD_API_KEY: h.emulator.apiKey,
          CHILD_BASE_URL: h.emulator.url,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      // An upper bound only: a process kept alive by a timer or socket would never exit.
      const killer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`child (${mode}) did not exit on its own; stdout: ${out} stderr: ${err}`));
      }, 30_000);
      child.on('exit', (code) => {
        clearTimeout(killer);
        resolve({ code, out, err });
      });
    });
  }

  it('exits on its own after close()', { timeout: 40_000 }, async () => {
    const { code, out, err } = await runChild('close');
    expect(err).toBe('');
    expect(out.trim()).toBe('done 200 200');
    expect(code).toBe(0);
  });

  it(
    'exits on its own even without close(): no timer or socket keeps it alive',
    { timeout: 40_000 },
    async () => {
      const { code, out } = await runChild('no-close');
      expect(out.trim()).toBe('done 200 200');
      expect(code).toBe(0);
    },
  );
});
