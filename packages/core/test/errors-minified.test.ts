/**
 * Bundlers minify class names (Next.js does for server code): an error's `name`, its JSON and the
 * cross-copy `instanceof` must not depend on them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'basiq-errors-min-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function minifiedCopy(): Promise<typeof errors> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../src/errors.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  const file = join(dir, 'errors.min.mjs');
  writeFileSync(file, result.outputFiles[0]!.text);
  return (await import(pathToFileURL(file).href)) as typeof errors;
}

describe('errors in a minified bundle', () => {
  it('keep their names, in name, JSON and inspect', async () => {
    const min = await minifiedCopy();
    const error = new min.BasiqConfigError('bad option', { option: 'apiKey' });
    expect(error.name).toBe('BasiqConfigError');
    expect(error.toJSON()).toMatchObject({ name: 'BasiqConfigError', code: 'invalid_options' });
    expect(new min.BasiqRateLimitError('spent').name).toBe('BasiqRateLimitError');
    expect(new min.BasiqTokenError('basiq_unavailable', 'down').name).toBe('BasiqTokenError');
  });

  it('are recognised across copies: a minified one by this copy, and the other way round', async () => {
    const min = await minifiedCopy();
    const fromMin = new min.BasiqTokenError('basiq_unavailable', 'down');
    expect(fromMin instanceof errors.BasiqTokenError).toBe(true);
    expect(fromMin instanceof errors.BasiqError).toBe(true);
    expect(fromMin instanceof errors.BasiqConfigError).toBe(false);
    const fromHere = new errors.BasiqInputError('bad id');
    expect(fromHere instanceof min.BasiqInputError).toBe(true);
    expect(fromHere instanceof min.BasiqRateLimitError).toBe(false);
  });
});
