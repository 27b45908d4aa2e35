import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

  it('imports no Node builtin and uses no Buffer', () => {
    const dir = fileURLToPath(new URL('../src/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const code = readFileSync(dir + file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/from\s+['"](node:|crypto|util|buffer|timers)['"/]/);
      expect(code, file).not.toMatch(/\bBuffer\b|\bNodeJS\b|\brequire\(/);
    }
  });
});
