import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

// The adapter itself must run unchanged on Bun, Deno and Workers: bundled for a platform with no
// Node built-ins, anything it imported from Node would fail to resolve. Core and Hono are the
// app's own dependencies (and core's runtimes are core's suites' to prove).
describe('@basiq-token/hono on a non-Node platform', () => {
  it('bundles for platform "neutral" with no Node built-in', async () => {
    const result = await build({
      entryPoints: [ENTRY],
      bundle: true,
      write: false,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      external: ['@basiq-token/core', 'hono', 'hono/*'],
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(
      imports.filter((path) => path.startsWith('node:') || !/^(@basiq-token\/core|hono)/.test(path)),
    ).toEqual([]);
    expect(imports).toContain('@basiq-token/core');
  });
});
