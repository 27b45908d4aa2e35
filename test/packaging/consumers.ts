import { cp, rename } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv, describeRun, run } from './run.js';
import type { RunResult } from './run.js';
import { publishedPackages, repoRoot } from './tarballs.js';
import { SEED_USER_ID } from '@basiq-token/emulator';
import type { PublishedPackage, Tarballs } from './tarballs.js';

/** One kind of consumer project: a template under consumers/<kind>/ and how to install and run it. */
export interface ConsumerSpec {
  kind: string;
  /** Our packages installed from their tarballs. */
  packages: readonly PublishedPackage[];
  /** Registry packages installed with them: the peers the program needs, and @types. */
  registry: readonly string[];
  /** Compiled with the root's `tsc -p tsconfig.json` before running. */
  typescript: boolean;
  /** The file `node` runs, relative to the project. */
  entry: string;
  /** What the program's `RESULT` line must contain. */
  expected: Record<string, unknown>;
}

// Peers named with the majors we test, so npm does not pick whatever is latest on the day.
const everyPeer = [
  'express@^5',
  'koa@^3',
  '@nestjs/common@^11',
  '@nestjs/core@^11',
  'reflect-metadata@^0.2',
  'rxjs@^7',
];
const expressForTypeScript = ['express@^5', '@types/express@^5', '@types/node@^20'];

const issuedClientToken = { status: 200, tokenType: 'Bearer' };

/** Every consumer kind, run in this order. */
export const consumerSpecs: readonly ConsumerSpec[] = [
  {
    kind: 'js-esm',
    packages: publishedPackages,
    registry: everyPeer,
    typescript: false,
    entry: 'main.mjs',
    expected: {
      userId: SEED_USER_ID,
      koaUserId: SEED_USER_ID,
      clientToken: issuedClientToken,
      anonymousStatus: 401,
    },
  },
  {
    kind: 'js-cjs',
    packages: publishedPackages,
    registry: everyPeer,
    typescript: false,
    entry: 'main.cjs',
    expected: {
      userId: SEED_USER_ID,
      fetchUserId: SEED_USER_ID,
      apiAccounts: 8,
      clientTokenType: 'Bearer',
      redisTried: true,
      cliPrintedUrl: true,
    },
  },
  {
    kind: 'ts-nodenext',
    packages: ['core', 'emulator', 'express'],
    registry: expressForTypeScript,
    typescript: true,
    entry: 'dist/main.js',
    expected: { reqBasiqIsTyped: true, userId: SEED_USER_ID, clientToken: issuedClientToken },
  },
  {
    kind: 'ts-commonjs',
    packages: ['core', 'emulator', 'express'],
    registry: expressForTypeScript,
    typescript: true,
    entry: 'dist/main.js',
    expected: { reqBasiqIsTyped: true, userId: SEED_USER_ID, clientToken: issuedClientToken },
  },
  {
    kind: 'ts-api',
    packages: ['core', 'emulator'],
    registry: ['@types/node@^20'],
    typescript: true,
    entry: 'dist/main.js',
    expected: {
      contextApiIsTyped: true,
      accounts: 8,
      createdEmail: 'consumer@example.com',
      notFound: { status: 404, code: 'resource-not-found' },
    },
  },
  {
    kind: 'nestjs-cjs',
    packages: ['core', 'emulator', 'nestjs'],
    registry: [
      '@nestjs/common@^11',
      '@nestjs/core@^11',
      '@nestjs/platform-express@^11',
      'reflect-metadata@^0.2',
      'rxjs@^7',
      '@types/node@^20',
    ],
    typescript: true,
    entry: 'dist/main.js',
    // 403: Nest's answer when the app's guard refuses, before the route runs.
    expected: { userId: SEED_USER_ID, guardedStatus: 403, clientToken: issuedClientToken },
  },
];

const templates = fileURLToPath(new URL('./consumers/', import.meta.url));
const tscBin = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** Where each step of a consumer stopped, for the result line and the failure message. */
export interface ConsumerOutcome {
  result: Record<string, unknown>;
  timings: { installMs: number; compileMs: number; runMs: number };
}

async function step(
  what: string,
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  env = childEnv(),
) {
  const started = Date.now();
  const result: RunResult = await run(command, args, { cwd, timeoutMs, env });
  if (result.code !== 0 || result.timedOut) throw new Error(describeRun(what, result));
  return { result, ms: Date.now() - started };
}

/**
 * Copies the template of `spec` into `projectDir`, installs the tarballs and registry packages
 * with npm (one install, the shared cache, offline when the cache has it), compiles it when it is
 * TypeScript, runs it, and returns its `RESULT`.
 */
export async function runConsumer(
  spec: ConsumerSpec,
  projectDir: string,
  tarballs: Tarballs,
  npmCache: string,
): Promise<ConsumerOutcome> {
  await cp(path.join(templates, spec.kind), projectDir, { recursive: true });
  await rename(path.join(projectDir, 'package.template.json'), path.join(projectDir, 'package.json'));

  const install = await step(
    `npm install in the ${spec.kind} consumer`,
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      // Our packages have no install scripts; the registry's would only cost time.
      '--ignore-scripts',
      '--loglevel=error',
      '--cache',
      npmCache,
      ...spec.packages.map((name) => tarballs[name]),
      ...spec.registry,
    ],
    projectDir,
    170_000,
  );

  let compileMs = 0;
  if (spec.typescript) {
    const compile = await step(
      `tsc (strict) in the ${spec.kind} consumer`,
      process.execPath,
      [tscBin, '-p', 'tsconfig.json'],
      projectDir,
      90_000,
    );
    compileMs = compile.ms;
  }

  // The deadline is an upper bound: a program that never exits means a handle keeps it alive.
  const program = await step(
    `node ${spec.entry} in the ${spec.kind} consumer`,
    process.execPath,
    [spec.entry],
    projectDir,
    60_000,
  );
  const line = program.result.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('RESULT '));
  if (!line)
    throw new Error(describeRun(`the ${spec.kind} consumer printed no RESULT line;`, program.result));
  return {
    result: JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>,
    timings: { installMs: install.ms, compileMs, runMs: program.ms },
  };
}
