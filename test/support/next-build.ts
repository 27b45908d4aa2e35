/**
 * Builds a Next.js app (`next build`) at most once per run, and not at all when its build is
 * newer than its sources: the example's contract test, the Next conformance drivers and the
 * starter-kit test share one build per app. A lock directory keeps two test workers from
 * building the same app at once; the second waits and then finds the build fresh.
 */
import { join } from 'node:path';
import { ensureDist, mtime, newest, run, withLock } from './builds.js';
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
