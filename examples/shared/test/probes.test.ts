import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BasiqClient } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { answerProbe } from '@basiq-token/example-shared';
import { emulatorClient } from '../../../test/support/emulator-client.js';

let emulator: BasiqEmulator;
const clients: BasiqClient[] = [];

function newClient(): BasiqClient {
  const client = emulatorClient(emulator, { retry: { retries: 0 } });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  emulator = await startEmulator();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  emulator.clearFaults();
  emulator.resetCounters();
});
afterAll(async () => {
  await emulator?.stop();
});

describe('answerProbe', () => {
  it('liveness: 200 with the health, never a /token call', async () => {
    const client = newClient();
    const answer = await answerProbe(client, 'liveness');
    expect(answer).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: { status: 'ok', basiq: client.health() },
    });
    expect(emulator.counters.tokenCalls).toBe(0);
  });

  it('readiness: probes arriving together share one /token call', async () => {
    const client = newClient();
    emulator.injectFault({ path: '/token', delayMs: 100 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => answerProbe(client, 'readiness')));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(emulator.counters.tokenCalls).toBe(1);
  });

  it('readiness: 503 after waitMs while the fetch goes on; ready once it lands, without a second call', async () => {
    const client = newClient();
    emulator.injectFault({ path: '/token', delayMs: 300 });
    const early = await answerProbe(client, 'readiness', { waitMs: 20 });
    expect(early.status).toBe(503);
    expect(early.headers['cache-control']).toBe('no-store');
    expect(early.body).toEqual({ error: { code: 'basiq_unavailable', message: expect.any(String) } });
    const later = await answerProbe(client, 'readiness', { waitMs: 2_000 });
    expect(later.status).toBe(200);
    expect(emulator.counters.tokenCalls).toBe(1);
  });

  it('readiness: 503 client_closed for a closed client, without a /token call', async () => {
    const client = newClient();
    await client.close();
    const answer = await answerProbe(client, 'readiness');
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: { code: 'client_closed', message: expect.any(String) } });
    expect(emulator.counters.tokenCalls).toBe(0);
  });
});
