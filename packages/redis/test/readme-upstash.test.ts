import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BasiqClient } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { noteRedisSkip, redisSupport, startRedisServer } from '../../../test/support/redis-server.js';
import type { RedisServerHandle } from '../../../test/support/redis-server.js';
import { startUpstashRest } from '../../../test/support/upstash-rest.js';
import type { UpstashRestHandle } from '../../../test/support/upstash-rest.js';

noteRedisSkip("the README's Upstash snippet");

const HEADING = '### Upstash and Vercel KV (Redis over HTTPS)';

/** The first TypeScript block under the Upstash heading, as the README shows it. */
function snippet(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const from = readme.indexOf(HEADING);
  if (from < 0) throw new Error(`README has no "${HEADING}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  if (!block) throw new Error('no ts block under the Upstash heading');
  return block[1] as string;
}

describe.skipIf(!redisSupport.available)(
  'packages/redis README: the Upstash / Vercel KV snippet runs',
  () => {
    let redis: RedisServerHandle;
    let rest: UpstashRestHandle;
    let emulator: BasiqEmulator;
    let raw: IORedis;
    beforeAll(async () => {
      redis = await startRedisServer();
      rest = await startUpstashRest(redis.url);
      emulator = await startEmulator();
      raw = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    });
    afterAll(async () => {
      raw?.disconnect();
      await emulator?.stop();
      await rest?.close();
      await redis?.stop();
    });

    it('as written, with Vercel KV variables, pointed at the local endpoint and emulator', async () => {
      const code = snippet();
      expect(code).toContain('automaticDeserialization: false');
      // The only change: Basiq's address, which the snippet rightly leaves at its default.
      const runnable =
        code.replace(
          'createBasiqClient({',
          'createBasiqClient({\n  baseUrl: process.env.SNIPPET_BASIQ_URL,',
        ) + '\nexport { basiq };\n';
      expect(runnable).not.toBe(code);
      const saved = { ...process.env };
      Object.assign(process.env, {
        KV_REST_API_URL: rest.url,
        KV_REST_API_TOKEN: rest.token,
        BASIQ_API_KEY: emulator.apiKey,
        SNIPPET_BASIQ_URL: emulator.url,
        UPSTASH_DISABLE_TELEMETRY: '1',
      });
      delete process.env.UPSTASH_REDIS_REST_URL;
      delete process.env.UPSTASH_REDIS_REST_TOKEN;
      const file = fileURLToPath(new URL(`./.readme-snippet-${randomUUID()}.ts`, import.meta.url));
      writeFileSync(file, runnable);
      let basiq: BasiqClient | undefined;
      try {
        ({ basiq } = (await import(/* @vite-ignore */ file)) as { basiq: BasiqClient });
        emulator.resetCounters();
        const before = rest.counts.commands;
        expect(typeof (await basiq.getServerToken())).toBe('string');
        expect(emulator.counters.serverTokens).toBe(1);
        expect(rest.counts.commands).toBeGreaterThan(before);
        const keys = await raw.keys('basiq-token:*:server');
        expect(keys).toHaveLength(1);
        expect(await raw.get(keys[0] as string)).toMatch(/^v1\./);
      } finally {
        await basiq?.close();
        rmSync(file, { force: true });
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    });
  },
);
