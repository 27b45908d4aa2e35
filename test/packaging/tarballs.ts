import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, describeRun, run } from './run.js';

/** The monorepo's root directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Directory names under packages/ of every package we publish as `@basiq-token/<name>`. */
export const publishedPackages = [
  'core',
  'emulator',
  'redis',
  'express',
  'koa',
  'nestjs',
  'next',
  'hono',
  'fastify',
  'browser',
] as const;

/** One of {@link publishedPackages}. */
export type PublishedPackage = (typeof publishedPackages)[number];

/** Absolute path of each package's packed tarball. */
export type Tarballs = Record<PublishedPackage, string>;

const builtFiles = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'];

/** Packages whose dist/ lacks one of the files the exports map points at. */
export function unbuiltPackages(): PublishedPackage[] {
  return publishedPackages.filter((name) =>
    builtFiles.some((file) => !existsSync(path.join(repoRoot, 'packages', name, 'dist', file))),
  );
}

/**
 * Builds the published packages when any of them has no dist/ yet.
 *
 * CI builds everything once at the root before the tests, so this only costs time on a fresh
 * checkout. Only the published packages are built (core first: the others' type builds read its
 * dist/), so an unfinished example cannot stop the packaging test.
 */
export async function ensureBuilt(): Promise<void> {
  const missing = unbuiltPackages();
  if (missing.length === 0) return;
  const workspaces = publishedPackages.flatMap((name) => ['-w', `packages/${name}`]);
  const result = await run('npm', ['run', 'build', ...workspaces], {
    cwd: repoRoot,
    env: childEnv(),
    timeoutMs: 280_000,
  });
  if (result.code !== 0) {
    throw new Error(
      describeRun(`building the published packages (dist missing in ${missing.join(', ')})`, result),
    );
  }
  const still = unbuiltPackages();
  if (still.length > 0) throw new Error(`the build left no complete dist/ in: ${still.join(', ')}`);
}

interface PackEntry {
  name: string;
  filename: string;
  files: { path: string }[];
}

/**
 * `npm pack`s every published package into `destination`, as `npm publish` would pack it.
 *
 * Lifecycle scripts are skipped: what is packed is the dist/ that the root build produced.
 */
export async function packAll(
  destination: string,
): Promise<{ tarballs: Tarballs; files: Record<PublishedPackage, string[]> }> {
  const workspaces = publishedPackages.flatMap((name) => ['-w', `packages/${name}`]);
  const result = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...workspaces],
    { cwd: repoRoot, env: childEnv(), timeoutMs: 60_000 },
  );
  if (result.code !== 0) throw new Error(describeRun('npm pack', result));
  const entries = JSON.parse(result.stdout) as PackEntry[];
  const tarballs = {} as Tarballs;
  const files = {} as Record<PublishedPackage, string[]>;
  for (const name of publishedPackages) {
    const entry = entries.find((e) => e.name === `@basiq-token/${name}`);
    if (!entry) throw new Error(`npm pack produced no tarball for @basiq-token/${name}`);
    tarballs[name] = path.join(destination, entry.filename);
    files[name] = entry.files.map((f) => f.path);
  }
  return { tarballs, files };
}
