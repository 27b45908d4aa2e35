import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compareAndDelete, takeSlot } from '../src/scripts.js';

// The store runs on Workers and Edge runtimes (through @upstash/redis), which have no Node
// builtins: its sources import none, so the script hashes are written out and checked here.
describe('RedisStore outside Node', () => {
  it('each Lua script carries the SHA1 of its source (what EVALSHA looks up)', () => {
    for (const script of [compareAndDelete, takeSlot]) {
      expect(script.sha).toBe(createHash('sha1').update(script.source).digest('hex'));
    }
  });

  it('bundles for a platform without Node builtins (as for a Worker), core aside', async () => {
    // On esbuild's `neutral` platform nothing is external unless named: a `node:` import
    // anywhere in the store fails to resolve.
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['@basiq-token/core'],
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(3);
    for (const input of inputs) expect(input).toMatch(/^packages\/redis\/src\/[\w-]+\.ts$/);
    const text = result.outputFiles[0]?.text ?? '';
    expect(text).not.toMatch(/\bBuffer\b|\bprocess\./);
  });
});
