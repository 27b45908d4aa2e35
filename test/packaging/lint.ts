import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describeRun, run } from './run.js';
import { repoRoot } from './tarballs.js';

/** Findings of one linter on one tarball: `errors` fail the test, `notes` are printed only. */
export interface LintReport {
  errors: string[];
  notes: string[];
}

/**
 * Lints a packed tarball with publint in strict mode (warnings count as errors).
 *
 * Linting the tarball rather than the folder checks exactly what `npm publish` would upload.
 */
export async function publintTarball(tarball: string): Promise<LintReport> {
  const data = await readFile(tarball);
  const tarballBuffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({
    pack: { tarball: tarballBuffer },
    strict: true,
    level: 'suggestion',
  });
  const text = (m: (typeof messages)[number]) =>
    `${m.code}: ${formatMessage(m, pkg, { color: false }) ?? ''}`;
  return {
    errors: messages.filter((m) => m.type === 'error').map(text),
    notes: messages.filter((m) => m.type !== 'error').map(text),
  };
}

const attwBin = path.join(repoRoot, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

interface AttwProblem {
  kind: string;
  trace?: unknown;
  [detail: string]: unknown;
}

/**
 * Checks a tarball's types with `@arethetypeswrong/cli` under its default "strict" profile.
 *
 * No rule is ignored: the node10 column matters because the TypeScript `module: commonjs`
 * consumer resolves through the top-level `types` field. `--no-definitely-typed` keeps attw from
 * looking up `@types/*` on the registry: every package ships its own types.
 * Throws (with the reason) when attw cannot run at all, so the test fails instead of passing silently.
 */
export async function attwTarball(tarball: string, cwd: string): Promise<LintReport> {
  const result = await run(
    process.execPath,
    [attwBin, tarball, '--format', 'json', '--no-definitely-typed', '--profile', 'strict'],
    { cwd, timeoutMs: 60_000 },
  );
  let parsed: { analysis?: { problems?: AttwProblem[] }; problems?: unknown };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    throw new Error(describeRun(`attw could not analyse ${path.basename(tarball)} here`, result));
  }
  const problems = parsed.analysis?.problems;
  if (!Array.isArray(problems)) {
    throw new Error(describeRun(`attw gave no analysis for ${path.basename(tarball)}`, result));
  }
  // The details (entrypoint, resolution kind, files, missing names) say where; the trace is noise.
  const errors = problems.map(({ kind, trace: _trace, ...details }) => `${kind} ${JSON.stringify(details)}`);
  if (errors.length === 0 && result.code !== 0) {
    errors.push(describeRun('attw reported no problem but', result));
  }
  return { errors, notes: [] };
}
