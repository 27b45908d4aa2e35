import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Resolution settings per target, as each runtime's own toolchain would resolve packages. */
export interface BundleTarget {
  /**
   * esbuild's platform: `node` for Bun and Deno (they run Node's builtins); `browser` for workerd,
   * as wrangler bundles (it leaves esbuild's default), so packages' `browser` field maps apply.
   */
  platform: 'node' | 'browser';
  /** Export conditions, in the order the runtime's toolchain uses them (`bun`, `deno`, `workerd`…). */
  conditions: string[];
  /**
   * Whether the runtime has Node's builtins (Bun, Deno, workerd with `nodejs_compat`): they stay
   * imports then. Without them, any `node:` module (or bare builtin) reachable from the app fails
   * the bundle, naming the file that imports it.
   */
  nodeBuiltins: boolean;
}

// Tests run against the sources (as vitest.config.ts aliases them): the bundle holds the
// working tree's packages, so no build is needed first.
const workspaceSources: Plugin = {
  name: 'basiq-token-sources',
  setup(pluginBuild) {
    // `@basiq-token/core` and its subpaths (`@basiq-token/core/adapter`: src/adapter.ts).
    pluginBuild.onResolve({ filter: /^@basiq-token\/[a-z-]+(\/[a-z-]+)?$/ }, (args) => {
      const [name, sub] = args.path.slice('@basiq-token/'.length).split('/');
      const src = `${root}packages/${name}/src/`;
      const candidates =
        sub === undefined ? [`${src}index.ts`] : [`${src}${sub}.ts`, `${src}${sub}/index.ts`];
      const path = candidates.find((candidate) => existsSync(candidate));
      return path === undefined ? undefined : { path };
    });
  },
};

// Node builtins named bare ('http', as axios's Node build and its CommonJS dependencies name
// them) become `node:` imports: Deno and workerd resolve builtins only by that prefix.
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));
const nodePrefix: Plugin = {
  name: 'node-prefix',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[a-z0-9_/]+$/ }, (args) =>
      builtins.has(args.path) ? { path: `node:${args.path}`, external: true } : undefined,
    );
  },
};

// CommonJS dependencies inside an ES module bundle call `require` for builtins; an ES module has
// none, so the bundle makes one from `node:module` (workerd has no `import.meta.url`).
const requireShim = [
  "import { createRequire as __createRequire } from 'node:module';",
  "const require = __createRequire(import.meta.url ?? 'file:///');",
].join('\n');

/**
 * Bundles one runtime's entry (and the shared app) into a single ES module at `outfile`. Where
 * the runtime has no Node builtins and the app reaches one, the error names each path from the
 * entry to it (`packages/hono/src/middleware.ts → … → node:http`).
 */
export async function bundle(entry: string, outfile: string, target: BundleTarget): Promise<void> {
  try {
    await buildOnce(entry, outfile, target);
  } catch (error) {
    if (target.nodeBuiltins) throw error;
    const paths = (await pathsToBuiltins(entry, target)).map((chain) => chain.join(' → '));
    if (paths.length === 0) throw error;
    const shown = paths.slice(0, 6).concat(paths.length > 6 ? [`… and ${paths.length - 6} more`] : []);
    throw new Error(
      `the bundle reaches Node builtins, which this runtime does not have:\n  ${shown.join('\n  ')}`,
    );
  }
}

function buildOnce(entry: string, outfile: string, target: BundleTarget) {
  return build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: target.platform,
    conditions: target.conditions,
    ...(target.nodeBuiltins
      ? { external: ['node:*'], plugins: [workspaceSources, nodePrefix], banner: { js: requireShim } }
      : { plugins: [workspaceSources] }),
    logLevel: 'silent',
    absWorkingDir: root,
  });
}

/**
 * For each Node builtin the entry reaches, the shortest import path to it: files relative to the
 * repository, from the entry to the builtin (`['…/worker.ts', …, 'node:http']`).
 */
async function pathsToBuiltins(entry: string, target: BundleTarget): Promise<string[][]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: target.platform,
    conditions: target.conditions,
    external: ['node:*'],
    plugins: [workspaceSources, nodePrefix],
    logLevel: 'silent',
    absWorkingDir: root,
  });
  const inputs = result.metafile.inputs;
  const start = Object.keys(inputs).find((file) => entry.endsWith(file));
  if (start === undefined) return [];
  // Breadth first from the entry: the first path found to each builtin is a shortest one.
  const from = new Map<string, string>([[start, '']]);
  const queue = [start];
  const found: string[][] = [];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const { path } of inputs[file]?.imports ?? []) {
      if (from.has(path)) continue;
      from.set(path, file);
      if (path.startsWith('node:')) {
        const chain = [path];
        for (let at = file; at !== ''; at = from.get(at) ?? '') chain.unshift(at);
        found.push(chain);
      } else queue.push(path);
    }
  }
  return found;
}
