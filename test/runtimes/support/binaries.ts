import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findOnPath } from '../../support/redis-server.js';

const require = createRequire(import.meta.url);

/** A runtime binary found here, or why none was. */
export type RuntimeBinary =
  { available: true; path: string; version: string } | { available: false; reason: string };

/** The npm package directory of `name`, if it is installed. */
function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** Runs `binary --version` and reads the version (the first x.y.z, or workerd's date, in its output). */
function versionOf(binary: string): string | undefined {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0) return undefined;
  return /\d+[.-]\d+[.-]\d+/.exec(run.stdout)?.[0];
}

/**
 * The first candidate that exists and answers `--version`. Candidates in order: the platform
 * package's own binary (there whether or not the wrapper package's install script ran: npm may
 * skip dependencies' install scripts), the wrapper's binary (where its install script moved it
 * there), then PATH.
 */
function firstWorking(candidates: Array<string | undefined>, missing: string): RuntimeBinary {
  for (const path of candidates) {
    if (path === undefined || !existsSync(path)) continue;
    const version = versionOf(path);
    if (version !== undefined) return { available: true, path, version };
  }
  return { available: false, reason: missing };
}

function platformPackages(table: Record<string, string[]>): string[] {
  return table[`${process.platform}-${process.arch}`] ?? [];
}

/** Bun, from the `bun` devDependency (its `@oven/bun-<platform>` package). */
export function findBun(): RuntimeBinary {
  const exe = process.platform === 'win32' ? 'bun.exe' : 'bun';
  const platform = platformPackages({
    'linux-x64': ['@oven/bun-linux-x64', '@oven/bun-linux-x64-musl'],
    'linux-arm64': ['@oven/bun-linux-aarch64', '@oven/bun-linux-aarch64-musl'],
    'darwin-x64': ['@oven/bun-darwin-x64'],
    'darwin-arm64': ['@oven/bun-darwin-aarch64'],
    'win32-x64': ['@oven/bun-windows-x64'],
  });
  const wrapper = packageDir('bun');
  return firstWorking(
    [
      ...platform.map((name) => packageDir(name)).map((dir) => dir && join(dir, 'bin', exe)),
      wrapper && join(wrapper, 'bin', 'bun.exe'),
      findOnPath(exe),
    ],
    `no runnable Bun for ${process.platform}-${process.arch}: run \`npm install\` (the root devDependency \`bun\` carries it)`,
  );
}

/** Deno, from the `deno` devDependency (its `@deno/<platform>` package). */
export function findDeno(): RuntimeBinary {
  const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';
  const platform = platformPackages({
    'linux-x64': ['@deno/linux-x64-glibc'],
    'linux-arm64': ['@deno/linux-arm64-glibc'],
    'darwin-x64': ['@deno/darwin-x64'],
    'darwin-arm64': ['@deno/darwin-arm64'],
    'win32-x64': ['@deno/win32-x64'],
  });
  const wrapper = packageDir('deno');
  return firstWorking(
    [
      ...platform.map((name) => packageDir(name)).map((dir) => dir && join(dir, exe)),
      wrapper && join(wrapper, exe),
      findOnPath(exe),
    ],
    `no runnable Deno for ${process.platform}-${process.arch}: run \`npm install\` (the root devDependency \`deno\` carries it)`,
  );
}

/** workerd, from the `workerd` package miniflare depends on (it resolves its platform package itself). */
export function findWorkerd(): RuntimeBinary {
  let path: string | undefined;
  try {
    path = (require('workerd') as { default: string }).default;
  } catch {
    path = undefined;
  }
  return firstWorking(
    [path],
    `no runnable workerd for ${process.platform}-${process.arch}: run \`npm install\` (the root devDependency \`miniflare\` carries it)`,
  );
}
