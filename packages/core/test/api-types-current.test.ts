import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const checkedIn = join(root, 'packages/core/src/api/generated');
const specs = readdirSync(join(root, 'test/basiq-reference/api-ref'))
  .filter((name) => name.endsWith('.yml'))
  .map((name) => name.replace(/\.yml$/, ''))
  .sort();
const out = mkdtempSync(join(tmpdir(), 'api-types-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the checked-in API types are what the generator makes from the vendored specs', () => {
  it('one file per spec, each identical to a fresh `npm run api:types`', async () => {
    await promisify(execFile)(process.execPath, ['scripts/generate-api-types.mjs', '--out', out], {
      cwd: root,
    });
    expect(readdirSync(out).sort()).toEqual(specs.map((spec) => `${spec}.ts`));
    expect(readdirSync(checkedIn).sort()).toEqual(specs.map((spec) => `${spec}.ts`));
    for (const spec of specs) {
      const fresh = readFileSync(join(out, `${spec}.ts`), 'utf8');
      // A message naming the file beats a 400 kB diff.
      expect(
        readFileSync(join(checkedIn, `${spec}.ts`), 'utf8') === fresh,
        `${spec}.ts is not current: run npm run api:types`,
      ).toBe(true);
      expect(fresh).toContain(`from test/basiq-reference/api-ref/${spec}.yml`);
      expect(fresh).toContain('Licence: Apache License 2.0');
    }
  }, 180_000);
});
