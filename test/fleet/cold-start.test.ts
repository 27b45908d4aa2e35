import { randomUUID } from 'node:crypto';
import { Redis as Upstash } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { createRedisStore } from '@basiq-token/redis';
import { noteRedisSkip, redisSupport, startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';
import { startUpstashRestProcess } from '../support/upstash-rest.js';
import type { UpstashRestHandle } from '../support/upstash-rest.js';
import { arrivals, nodeColdStart, runColdStarts } from './cold-start.js';

noteRedisSkip('cold-start fleet over the HTTP store');

const LIFETIME_SEC = 3;
// A stored token is taken as it is until the soft window; after that a cold start refreshes.
const refresh = { softWindowMs: 600, hardWindowMs: 300 };
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

describe.skipIf(!redisSupport.available)('a cold-start fleet (new client per invocation, Node)', () => {
  let redis: RedisServerHandle;
  let rest: UpstashRestHandle;
  let emulator: BasiqEmulator;

  beforeAll(async () => {
    redis = await startRedisServer();
    // In a process of its own, as Upstash is, so that it never waits on this one's event loop.
    rest = await startUpstashRestProcess(redis.url);
    emulator = await startEmulator({ tokenLifetimeSec: LIFETIME_SEC });
  });
  afterAll(async () => {
    await emulator?.stop();
    await rest?.close();
    await redis?.stop();
  });

  it('without a shared store, every cold start fetches its own server token', async () => {
    emulator.resetCounters();
    const invoke = nodeColdStart({ apiKey: emulator.apiKey, baseUrl: emulator.url, refresh });
    const result = await runColdStarts({ offsetsMs: arrivals(10, 200, 5), invoke });
    expect(result.failed, result.errors.join('\n')).toBe(0);
    expect(emulator.counters.serverTokens).toBe(10);
  });

  it('50 cold starts over two token lifetimes sharing the HTTP store make one /token call per lifetime', async () => {
    emulator.resetCounters();
    const prefix = `cold:${randomUUID()}:`;
    const invoke = nodeColdStart({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      refresh,
      // Each invocation its own @upstash/redis client: nothing survives from one to the next
      // but what is in Redis.
      openStore: () => ({
        store: createRedisStore({
          client: new Upstash({
            url: rest.url,
            token: rest.token,
            automaticDeserialization: false,
            enableTelemetry: false,
          }),
          prefix,
          // Core's own bound on a store call (2 s): a slow answer on a loaded machine would
          // degrade the invocation, which would then (correctly) fetch a token of its own.
          commandTimeoutMs: 2_000,
        }),
        close: () => {},
      }),
    });

    // First lifetime: a storm of 10 at once, then 15 more within the first second.
    const start = Date.now();
    const first = await runColdStarts({ offsetsMs: arrivals(25, 1_000, 10), invoke });
    expect(first.failed, first.errors.join('\n')).toBe(0);
    expect(emulator.counters.serverTokens).toBe(1);

    // Second lifetime: the first token has expired by now (it was issued after `start`).
    await sleepUntil(start + LIFETIME_SEC * 1_000 + 100);
    const second = await runColdStarts({ offsetsMs: arrivals(25, 1_000, 10), invoke });
    expect(second.failed, second.errors.join('\n')).toBe(0);
    expect(emulator.counters.serverTokens).toBe(2);
    expect(emulator.counters.tokenCalls).toBe(2);
  }, 30_000);
});
