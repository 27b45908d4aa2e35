import { mkdir, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { childEnv, describeRun, run } from './run.js';

/** What bundling core's published root entry for a non-Node platform pulled in. */
export interface NeutralBundle {
  /** Every file the bundle was made of, relative to the consumer project. */
  inputs: string[];
  /** Imports left unresolved in the output (a Node built-in would be one). */
  unresolved: string[];
  errors: string[];
}

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Whether an input or import is a Node built-in or axios (neither may reach a Worker or Edge bundle). */
export function isNodeOrAxios(file: string): boolean {
  return (
    builtins.has(file) ||
    file.startsWith('node:') ||
    /(^|\/)node_modules\/axios\//.test(file) ||
    file === 'axios'
  );
}

/**
 * A consumer that targets Cloudflare Workers or Next's Edge runtime: installs core from its
 * tarball into `projectDir` (npm resolves its dependencies from the registry, as for a user) and
 * bundles `import … from '@basiq-token/core'` with esbuild for platform `neutral` and the given
 * export `conditions` (`worker` as wrangler, `edge-light` as Next's Edge build). On `neutral`
 * nothing is external: a Node built-in anywhere in the graph fails to resolve.
 */
export async function installCoreConsumer(
  projectDir: string,
  coreTarball: string,
  npmCache: string,
): Promise<void> {
  await mkdir(projectDir, { recursive: true });
  await writeFile(
    path.join(projectDir, 'package.json'),
    `${JSON.stringify({ name: 'neutral-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  await writeFile(
    path.join(projectDir, 'worker.mjs'),
    [
      "import { createBasiqClient, createClientTokenFetchHandler, MemoryStore } from '@basiq-token/core';",
      'export default {',
      '  fetch(request, env) {',
      '    const client = createBasiqClient({ apiKey: env.BASIQ_API_KEY, store: new MemoryStore() });',
      "    return createClientTokenFetchHandler(client, { resolveUserId: (req) => req.headers.get('x-user') ?? undefined })(request);",
      '  },',
      '};',
      '',
    ].join('\n'),
  );
  const result = await run(
    'npm',
    [
      'install',
      coreTarball,
      '--cache',
      npmCache,
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
    ],
    { cwd: projectDir, env: childEnv(), timeoutMs: 240_000 },
  );
  if (result.code !== 0) throw new Error(describeRun('installing core into the neutral consumer', result));
}

/** Bundles the consumer's worker.mjs for platform `neutral` with `conditions`. */
export async function bundleNeutral(projectDir: string, conditions: string[]): Promise<NeutralBundle> {
  const result = await build({
    absWorkingDir: projectDir,
    entryPoints: ['worker.mjs'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions,
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'silent',
  }).catch((error: { errors?: { text: string }[] }) => ({ error }));
  if ('error' in result) {
    return { inputs: [], unresolved: [], errors: (result.error.errors ?? []).map((e) => e.text) };
  }
  return {
    inputs: Object.keys(result.metafile.inputs),
    unresolved: Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)),
    errors: result.errors.map((e) => e.text),
  };
}
