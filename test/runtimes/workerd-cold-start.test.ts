import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Redis as IORedis } from 'ioredis';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { arrivals, runColdStarts } from '../fleet/cold-start.js';
import { apiKeySecrets, dumpRedis, findLeaks } from '../fleet/secrets-scan.js';
import { redisSupport, startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';
import { startUpstashRestProcess } from '../support/upstash-rest.js';
import type { UpstashRestHandle } from '../support/upstash-rest.js';
import { findWorkerd } from './support/binaries.js';
import { bundle } from './support/bundle.js';
import { COMPATIBILITY_DATE } from './workerd/launcher.js';

/**
 * The cold-start fleet of test/fleet/cold-start.test.ts, on workerd: every invocation is a
 * request to a Worker that keeps nothing at module level (workerd/cold-start-worker.ts), so each
 * starts from an empty memory, with its own @upstash/redis client (the fetch build Workers use)
 * over a local Upstash REST endpoint in front of a real redis-server. The fleet shares the
 * server token through Redis alone: one /token call per token lifetime in total.
 */
const title = 'a cold-start fleet on workerd (new client per invocation, @upstash/redis)';
const workerd = findWorkerd();
const missing = !workerd.available
  ? workerd.reason
  : !redisSupport.available
    ? redisSupport.reason
    : undefined;
// CI installs workerd (miniflare's dependency): there its absence is a failure, as in the other
// runtime suites. redis-server is a system service: without it the suite skips, as test/fleet's.
const failInCi = !workerd.available && process.env.CI === 'true';
if (missing !== undefined && !failInCi) console.warn(`[skipped] ${title}: ${missing}`);

const LIFETIME_SEC = 3;
const entry = fileURLToPath(new URL('./workerd/cold-start-worker.ts', import.meta.url));
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

if (failInCi) {
  describe(title, () => {
    it('has its runtime installed', () => {
      throw new Error(missing);
    });
  });
}

describe.skipIf(missing !== undefined)(title, () => {
  let redis: RedisServerHandle;
  let rest: UpstashRestHandle;
  let emulator: BasiqEmulator;
  let miniflare: Miniflare | undefined;
  let workerUrl: string;
  let dir: string;
  let output = '';
  const prefix = `cold-workerd:${randomUUID()}:`;

  beforeAll(async () => {
    redis = await startRedisServer();
    // In a process of its own, as Upstash is, so that it never waits on this one's event loop.
    rest = await startUpstashRestProcess(redis.url);
    emulator = await startEmulator({ tokenLifetimeSec: LIFETIME_SEC });
    dir = mkdtempSync(join(tmpdir(), 'basiq-cold-workerd-'));
    const script = join(dir, 'worker.mjs');
    // Web APIs only (no nodejs_compat): the store and @upstash/redis must do without Node.
    await bundle(entry, script, {
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      nodeBuiltins: false,
    });
    const { Miniflare } = await import('miniflare');
    const capture = (stream: Readable) =>
      stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    miniflare = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRoot: dir,
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: {
        BASIQ_API_KEY: emulator.apiKey,
        BASIQ_API_URL: emulator.url,
        UPSTASH_REDIS_REST_URL: rest.url,
        UPSTASH_REDIS_REST_TOKEN: rest.token,
        STORE_PREFIX: prefix,
      },
      host: '127.0.0.1',
      port: 0,
      handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
        capture(stdout);
        capture(stderr);
      },
    });
    workerUrl = (await miniflare.ready).origin;
  }, 30_000);
  afterAll(async () => {
    await miniflare?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await emulator?.stop();
    await rest?.close();
    await redis?.stop();
  });

  // One invocation: a request to the Worker over real loopback HTTP, as a platform routes it.
  let degraded = 0;
  const invoke = (query: string) => async () => {
    const res = await fetch(`${workerUrl}/${query}`);
    const body = (await res.json()) as { ok: boolean; degraded?: number; error?: string };
    if (res.status !== 200 || !body.ok) throw new Error(`${res.status}: ${body.error ?? 'no error'}`);
    degraded += body.degraded ?? 0;
  };

  it('without a shared store, every cold start fetches its own server token (nothing survives in the isolate)', async () => {
    emulator.resetCounters();
    const result = await runColdStarts({ offsetsMs: arrivals(10, 200, 5), invoke: invoke('?store=none') });
    expect(result.failed, result.errors.join('\n')).toBe(0);
    expect(emulator.counters.serverTokens).toBe(10);
  });

  it('50 cold starts over two token lifetimes make one /token call per lifetime, and leave no secret', async () => {
    degraded = 0;
    emulator.resetCounters();
    // First lifetime: a storm of 10 at once, then 15 more within the first second.
    const start = Date.now();
    const first = await runColdStarts({ offsetsMs: arrivals(25, 1_000, 10), invoke: invoke('') });
    expect(first.failed, first.errors.join('\n')).toBe(0);
    expect(emulator.counters.serverTokens).toBe(1);

    // Second lifetime: the first token has expired by now (it was issued after `start`).
    await sleepUntil(start + LIFETIME_SEC * 1_000 + 100);
    const second = await runColdStarts({ offsetsMs: arrivals(25, 1_000, 10), invoke: invoke('') });
    expect(second.failed, second.errors.join('\n')).toBe(0);
    expect(emulator.counters.serverTokens).toBe(2);
    expect(emulator.counters.tokenCalls).toBe(2);
    // No invocation fell back to its own memory (which would hide a store that did not work).
    expect(degraded).toBe(0);

    console.log(
      `[workerd cold-start] ${first.ok + second.ok} invocations (${first.ok} in ${first.durationMs} ms, ` +
        `${second.ok} in ${second.durationMs} ms), ${emulator.counters.tokenCalls} /token calls over 2 lifetimes of ${LIFETIME_SEC} s`,
    );

    // Nothing secret in Redis (the API key, any token the emulator issued) nor in workerd's output.
    const raw = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      const dump = await dumpRedis(raw);
      // The fleet did share through this Redis (the token under the Worker's prefix).
      expect(dump.keys.some((key) => key.startsWith(prefix))).toBe(true);
      const secrets = [...apiKeySecrets(emulator.apiKey), ...emulator.issuedTokens()];
      expect(findLeaks(dump.texts, secrets)).toEqual([]);
      expect(findLeaks([output], secrets)).toEqual([]);
    } finally {
      raw.disconnect();
    }
  }, 20_000);
});
