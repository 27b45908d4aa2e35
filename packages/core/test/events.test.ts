import { describe, expect, it } from 'vitest';
import { eventually, useEngineHarness } from './support/engine.js';

const { h } = useEngineHarness({ tokenLifetimeSec: 3600 });

describe('events', () => {
  it('on, once and off deliver what they promise', async () => {
    const client = h.client();
    const seen: string[] = [];
    const always = () => seen.push('on');
    const first = () => seen.push('once');
    const removed = () => seen.push('removed');
    client.on('token:fetched', always).once('token:fetched', first).on('token:fetched', removed);
    client.off('token:fetched', removed);
    await client.getServerToken();
    await client.getClientToken('user-a');
    expect(seen).toEqual(['on', 'once', 'on']);
  });

  it('logs a throwing listener and still calls the others and answers the caller', async () => {
    const client = h.client();
    const seen: string[] = [];
    client.on('token:fetched', () => {
      throw new Error('listener bug');
    });
    client.on('token:fetched', () => seen.push('second'));
    expect(typeof (await client.getServerToken())).toBe('string');
    expect(seen).toEqual(['second']);
    expect(
      h.lines.some(
        (l) =>
          l.startsWith('error') &&
          l.includes("a 'token:fetched' listener threw") &&
          l.includes('listener bug'),
      ),
    ).toBe(true);
  });

  it('takes any number of listeners and waiters without a MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const client = h.client({ tokenTimeoutMs: 5_000 });
      for (let i = 0; i < 50; i++) client.on('token:fetched', () => undefined);
      // 30 users' /token calls in flight at once, each listening for close().
      h.emulator.injectFault({ path: '/token', delayMs: 300, times: 30 });
      const tokens = await Promise.all(
        Array.from({ length: 30 }, (_, i) => client.getClientToken(`user-${i}`)),
      );
      expect(tokens).toHaveLength(30);
      await client.close();
      // Node prints its warnings on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('close() ends every pending wait through the one close signal', async () => {
    const client = h.client({ tokenTimeoutMs: 10_000 });
    h.emulator.injectFault({ path: '/token', delayMs: 10_000, times: 20 });
    const pending = Array.from({ length: 20 }, (_, i) => h.failure(client.getClientToken(`user-${i}`)));
    await eventually(() => h.emulator.counters.tokenCalls >= 1);
    await client.close();
    for (const error of await Promise.all(pending)) expect(error.code).toBe('client_closed');
  });
});
