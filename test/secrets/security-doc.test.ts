/**
 * SECURITY.md names, for each threat, the tests that prove its mitigation. This keeps those names
 * honest: every file it names exists, and every quoted test name is in that file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const doc = readFileSync(new URL('SECURITY.md', root), 'utf8');

/** The "Proved by" bullets, by file: a file in backticks, then quoted test names. */
function citations(): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const match = /^- `([^`]+)`: (.*)$/.exec(line);
    if (!match) continue;
    const [, file = '', rest = ''] = match;
    const names = [...rest.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
    if (names.length === 0) throw new Error(`SECURITY.md cites ${file} without a quoted test name`);
    byFile.set(file, [...(byFile.get(file) ?? []), ...names]);
  }
  return byFile;
}

describe('SECURITY.md', () => {
  const cited = citations();

  it('cites tests for each of its eight threats', () => {
    expect(doc.match(/^### \d\. /gm)).toHaveLength(8);
    expect([...cited.values()].flat().length).toBeGreaterThan(40);
  });

  it.each([...cited])('names tests that exist in %s', (file, names) => {
    const path = new URL(file, root);
    expect(existsSync(path), `${file} exists`).toBe(true);
    const source = readFileSync(path, 'utf8');
    for (const name of names) expect(source.includes(name), `${file} has "${name}"`).toBe(true);
  });

  it('asks for private reports through GitHub, not an email address', () => {
    expect(doc).toContain("GitHub's private vulnerability reporting on this repository");
    expect(doc).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
  });
});
