/**
 * Building what tests load, at most once per run and not at all when the build is newer than
 * its sources; a lock directory keeps two test workers from building the same thing at once.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const STALE_LOCK_MS = 10 * 60_000;

/**
 * Builds the workspace package at `pkg` (absolute; `npm run build`) unless its dist is newer than
 * its sources and package.json: what apps and pages load is the dist.
 */
export async function ensureDist(pkg: string): Promise<void> {
  await withLock(join(pkg, '.dist-build.lock'), async () => {
    const built = await mtime(join(pkg, 'dist', 'index.js'));
    const sources = Math.max(
      await newest(join(pkg, 'src'), () => true),
      (await mtime(join(pkg, 'package.json'))) ?? 0,
    );
    if (built !== undefined && built > sources) return;
    await run('npm', ['run', 'build'], pkg);
  });
}

/** Runs `work` holding the lock directory `lock`, so two test workers never build one thing at once. */
export async function withLock(lock: string, work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Left behind by a run that was killed mid-build: no build takes this long.
      if (Date.now() - ((await mtime(lock)) ?? Date.now()) > STALE_LOCK_MS) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`${lock} held for 3 minutes; remove it if no build is running`);
      await sleep(250);
    }
  }
  try {
    await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Runs `command argv` in `cwd`; fails with all it printed unless it exits 0. */
export async function run(command: string, argv: string[], cwd: string): Promise<void> {
  const child = spawn(command, argv, {
    cwd,
    // Next's build would otherwise ask to send telemetry.
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${[command, ...argv].join(' ')} in ${cwd} failed (${code}):\n${output}`);
}

/** When `path` was last modified, if it exists. */
export async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time under `dir`, of the entries `keep` keeps (lock directories left out). */
export async function newest(dir: string, keep: (name: string) => boolean): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!keep(entry.name) || entry.name.endsWith('.lock')) continue;
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newest(path, keep) : ((await mtime(path)) ?? 0);
    latest = Math.max(latest, time);
  }
  return latest;
}
