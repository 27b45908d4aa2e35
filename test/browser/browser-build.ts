/**
 * `@basiq-token/browser`'s dist is what the browser loads (the examples serve its ESM file, the
 * packing test packs it): rebuilt here when its sources are newer, under a lock so two test files
 * do not build it at once.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../support/tsx-env.js';

/** The package's directory. */
export const BROWSER_PACKAGE_DIR = join(REPO_ROOT, 'packages/browser');

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? await newest(path) : ((await mtime(path)) ?? 0));
  }
  return latest;
}

/** Builds packages/browser (npm run build) unless its dist is newer than src and package.json. */
export async function ensureBrowserBuilt(): Promise<void> {
  const lock = join(BROWSER_PACKAGE_DIR, '.dist-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for two minutes: remove it if no build runs`);
      await sleep(200);
    }
  }
  try {
    const built = await mtime(join(BROWSER_PACKAGE_DIR, 'dist', 'index.js'));
    const sources = Math.max(
      await newest(join(BROWSER_PACKAGE_DIR, 'src')),
      (await mtime(join(BROWSER_PACKAGE_DIR, 'package.json'))) ?? 0,
    );
    if (built !== undefined && built > sources) return;
    const child = spawn('npm', ['run', 'build'], {
      cwd: BROWSER_PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`building packages/browser failed (${code}):\n${output}`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
