// The published packages as users get them: `npm pack` each one, lint the tarballs (publint,
// attw), then install them into fresh consumer projects of every module flavour and run a small
// program in each against the emulator. Needs the root build (dist/); builds it when missing.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerSpecs, runConsumer } from './consumers.js';
import { attwTarball, publintTarball } from './lint.js';
import type { LintReport } from './lint.js';
import { bundleNeutral, installCoreConsumer, isNodeOrAxios } from './neutral.js';
import { ensureBuilt, packAll, publishedPackages } from './tarballs.js';
import type { PublishedPackage, Tarballs } from './tarballs.js';

// Shared by every consumer and kept between runs (override with BASIQ_PACKAGING_NPM_CACHE), so
// after the first run installs come from disk.
const npmCache =
  process.env.BASIQ_PACKAGING_NPM_CACHE ?? path.join(os.tmpdir(), 'basiq-token-packaging-npm-cache');

// Only what a package needs at run time and to be understood: no sources, tests or configs.
const publishable = /^(dist\/.+|package\.json|README\.md|LICENSE(\.md)?|CHANGELOG\.md)$/;

let workDir = '';
let tarballs: Tarballs;
let packedFiles: Record<PublishedPackage, string[]>;

function report(line: string): void {
  console.log(line);
}

function summary(name: string, tool: string, lint: LintReport): string {
  const notes = lint.notes.length > 0 ? `; notes: ${lint.notes.join(' | ')}` : '';
  return lint.errors.length === 0
    ? `${tool} @basiq-token/${name}: ok${notes}`
    : `${tool} @basiq-token/${name}: FAILED: ${lint.errors.join(' | ')}${notes}`;
}

beforeAll(async () => {
  await ensureBuilt();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'basiq-token-packaging-'));
  const destination = path.join(workDir, 'tarballs');
  await mkdir(destination);
  ({ tarballs, files: packedFiles } = await packAll(destination));
}, 400_000);

afterAll(async () => {
  if (workDir && !process.env.BASIQ_PACKAGING_KEEP) await rm(workDir, { recursive: true, force: true });
});

describe.each(publishedPackages)('@basiq-token/%s tarball', (name) => {
  it('holds only dist/ and package metadata, with both builds and both type files', () => {
    const files = packedFiles[name];
    expect(files.filter((file) => !publishable.test(file))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/index.js',
        'dist/index.cjs',
        'dist/index.d.ts',
        'dist/index.d.cts',
      ]),
    );
  });

  it('passes publint (strict: warnings fail too)', async () => {
    const lint = await publintTarball(tarballs[name]);
    report(summary(name, 'publint', lint));
    expect(lint.errors).toEqual([]);
  });

  it('passes @arethetypeswrong/cli (strict profile, no rule ignored)', async () => {
    const lint = await attwTarball(tarballs[name], workDir);
    report(summary(name, 'attw', lint));
    expect(lint.errors).toEqual([]);
  });
});

describe('consumer projects (installed from the tarballs)', () => {
  // In sequence on purpose: installs and compiles are CPU-heavy and the machine is small.
  for (const spec of consumerSpecs) {
    it(`${spec.kind}: installs, ${spec.typescript ? 'compiles strictly, ' : ''}runs against the emulator`, async () => {
      const projectDir = path.join(workDir, 'consumers', spec.kind);
      await mkdir(path.dirname(projectDir), { recursive: true });
      try {
        const outcome = await runConsumer(spec, projectDir, tarballs, npmCache);
        const { installMs, compileMs, runMs } = outcome.timings;
        report(
          `consumer ${spec.kind}: ok (install ${installMs} ms${spec.typescript ? `, tsc ${compileMs} ms` : ''}, run ${runMs} ms)`,
        );
        expect(outcome.result).toEqual({ kind: spec.kind, ...spec.expected });
      } catch (error) {
        report(`consumer ${spec.kind}: FAILED`);
        throw error;
      }
    }, 300_000);
  }
});

describe("@basiq-token/core's root entry bundled for a non-Node platform (Workers, Next's Edge runtime)", () => {
  let projectDir = '';
  beforeAll(async () => {
    projectDir = path.join(workDir, 'consumers', 'neutral');
    await installCoreConsumer(projectDir, tarballs.core, npmCache);
  }, 300_000);

  it('ships the /axios, /adapter and /otel entries beside the root, each with both builds and types', () => {
    for (const entry of ['axios', 'adapter', 'otel']) {
      expect(packedFiles.core).toEqual(
        expect.arrayContaining([
          `dist/${entry}.js`,
          `dist/${entry}.cjs`,
          `dist/${entry}.d.ts`,
          `dist/${entry}.d.cts`,
        ]),
      );
    }
  });

  it.each([['worker'], ['edge-light']])(
    'bundles with esbuild --platform=neutral and the %s condition, pulling in no Node built-in and no axios',
    async (condition) => {
      const bundle = await bundleNeutral(projectDir, [condition, 'import']);
      report(
        `neutral bundle (${condition}): ${bundle.errors.length === 0 ? 'ok' : 'FAILED'}, ${bundle.inputs.length} files`,
      );
      expect(bundle.errors).toEqual([]);
      expect(bundle.unresolved).toEqual([]);
      // It really is core's published build that was bundled.
      expect(
        bundle.inputs.some((file) => file.startsWith('node_modules/@basiq-token/core/dist/index.js')),
      ).toBe(true);
      expect(bundle.inputs.filter(isNodeOrAxios)).toEqual([]);
    },
    60_000,
  );
});
