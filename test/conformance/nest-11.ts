import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NestKit } from './nest-driver.js';

/*
 * NestJS 11 is CommonJS and cannot share node_modules with the root's Nest 12. So it lives in its
 * own npm project, test/fixtures/nest11 (installed by the root postinstall, install.mjs), and
 * our packages are put into that project's node_modules the way `npm install` would put them:
 * each package's package.json beside a CommonJS build made by tsup from the package directory
 * (so with the package's own externals, format and target). Requiring `@basiq-token/nestjs` from
 * the fixture then loads our CJS build, whose `require('@nestjs/common')` finds Nest 11, never 12.
 * Building into the fixture rather than running the packages' own `build` leaves their dist/
 * alone (other suites read it) and needs no declaration build.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = join(root, 'test/fixtures/nest11');
const requireFromFixture = createRequire(join(fixture, 'package.json'));
const tsupCli = join(root, 'node_modules/tsup/dist/cli-default.js');
const run = promisify(execFile);

/** Builds core and the Nest adapter as CommonJS into the Nest 11 project's node_modules. */
export async function prepareNest11(): Promise<void> {
  try {
    await stat(join(fixture, 'node_modules/@nestjs/core/package.json'));
  } catch {
    throw new Error(
      'NestJS 11 is not installed for the conformance suite: run `npm install` at the root (its postinstall installs test/fixtures/nest11) or `node test/fixtures/nest11/install.mjs`',
    );
  }
  for (const name of ['core', 'nestjs']) {
    const target = join(fixture, 'node_modules/@basiq-token', name);
    await mkdir(target, { recursive: true });
    await copyFile(join(root, 'packages', name, 'package.json'), join(target, 'package.json'));
    await run(
      process.execPath,
      [
        tsupCli,
        ...(await entryPoints(name)),
        // One copy of what the entries share (core's engine behind its root, /axios and /adapter).
        '--splitting',
        '--format',
        'cjs',
        '--target',
        'node20',
        '--out-dir',
        join(target, 'dist'),
        '--clean',
        '--silent',
      ],
      { cwd: join(root, 'packages', name) },
    );
  }
}

/** The sources of every `exports` entry of a package (`./dist/axios.cjs` is built from `src/axios.ts`). */
async function entryPoints(name: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(root, 'packages', name, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { require?: { default?: string } }>;
  };
  return Object.values(pkg.exports).flatMap((target) => {
    const file = typeof target === 'string' ? undefined : target.require?.default;
    const match = file ? /^\.\/dist\/(.+)\.cjs$/.exec(file) : null;
    return match ? [`src/${match[1]}.ts`] : [];
  });
}

/** A module as the Nest 11 project resolves it (after {@link prepareNest11}, ours included). */
export function requireFromNest11<T>(id: string): T {
  return requireFromFixture(id) as T;
}

/** Nest 11 and our adapter, both loaded from the Nest 11 project. */
export async function loadNest11Kit(): Promise<NestKit> {
  const common = requireFromFixture('@nestjs/common') as NestKit['common'];
  const version = (requireFromFixture('@nestjs/core/package.json') as { version: string }).version;
  if (!version.startsWith('11.'))
    throw new Error(`expected NestJS 11 in test/fixtures/nest11, found ${version}`);
  // Our adapter must be the CJS build in the fixture, and the Nest it requires must be the fixture's.
  const adapterPath = requireFromFixture.resolve('@basiq-token/nestjs');
  const nestSeenByAdapter = createRequire(adapterPath).resolve('@nestjs/common');
  if (
    !adapterPath.startsWith(fixture) ||
    !adapterPath.endsWith('.cjs') ||
    !nestSeenByAdapter.startsWith(fixture)
  ) {
    throw new Error(
      `the Nest 11 kit is not isolated: adapter ${adapterPath}, its @nestjs/common ${nestSeenByAdapter}`,
    );
  }
  const { ExpressAdapter } = requireFromFixture(
    '@nestjs/platform-express',
  ) as typeof import('@nestjs/platform-express');
  return {
    common,
    core: requireFromFixture('@nestjs/core') as NestKit['core'],
    basiq: requireFromFixture('@basiq-token/nestjs') as NestKit['basiq'],
    createHttpAdapter: () => new ExpressAdapter(),
    configure: 'forRootAsync',
  };
}
