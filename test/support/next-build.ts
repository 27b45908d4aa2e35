/**
 * Builds a Next.js app (`next build`) at most once per run, and not at all when its build is
 * newer than its sources: the example's contract test, the Next conformance drivers and the
 * starter-kit test share one build per app. A lock directory keeps two test workers from
 * building the same app at once; the second waits and then finds the build fresh.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from './tsx-env.js';

const NEXT_BIN = join(REPO_ROOT, 'node_modules/next/dist/bin/next');

/**
 * The workspaces a Next app uses: Next bundles their dist into the build (workspace symlinks are
 * not node_modules to it), so a newer dist makes the build stale too.
 */
const RUNTIME_PACKAGES = [
  'packages/core',
  'packages/next',
  'packages/emulator',
  'packages/redis',
  'examples/shared',
];

const STALE_LOCK_MS = 10 * 60_000;

const GENERATED = new Set(['.next', 'node_modules', 'next-env.d.ts']);

/** Builds `dir` (absolute) with `next build` unless `.next/BUILD_ID` is newer than every source. */
export async function ensureNextBuild(dir: string): Promise<void> {
  for (const pkg of RUNTIME_PACKAGES) await ensureDist(join(REPO_ROOT, pkg));
  await withLock(join(dir, '.next-build.lock'), async () => {
    const built = await mtime(join(dir, '.next', 'BUILD_ID'));
    // Next itself rewrites next-env.d.ts during a build.
    let sources = await newest(dir, (name) => !GENERATED.has(name) && !name.endsWith('.tsbuildinfo'));
    for (const pkg of RUNTIME_PACKAGES)
      sources = Math.max(sources, (await mtime(join(REPO_ROOT, pkg, 'dist', 'index.js'))) ?? 0);
    if (built !== undefined && built > sources) return;
    await run(process.execPath, [NEXT_BIN, 'build'], dir);
  });
}

// The packages' dist is what the app loads; rebuild one whose sources changed since.
async function ensureDist(pkg: string): Promise<void> {
  await withLock(join(pkg, '.dist-build.lock'), async () => {
    const built = await mtime(join(pkg, 'dist', 'index.js'));
    const sources = await newest(join(pkg, 'src'), () => true);
    if (built !== undefined && built > sources) return;
    await run('npm', ['run', 'build'], pkg);
  });
}

async function withLock(lock: string, work: () => Promise<void>): Promise<void> {
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

async function run(command: string, argv: string[], cwd: string): Promise<void> {
  const child = spawn(command, argv, {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${[command, ...argv].join(' ')} in ${cwd} failed (${code}):\n${output}`);
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function newest(dir: string, keep: (name: string) => boolean): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!keep(entry.name) || entry.name.endsWith('.lock')) continue;
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newest(path, keep) : ((await mtime(path)) ?? 0);
    latest = Math.max(latest, time);
  }
  return latest;
}
