import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Resolution settings per target, as each runtime's own toolchain would resolve packages. */
export interface BundleTarget {
  /** esbuild's platform: `node` for Bun and Deno (they run Node's builtins), `neutral` for workerd. */
  platform: 'node' | 'neutral';
  /** Export conditions, in the order the runtime's toolchain uses them (`bun`, `deno`, `workerd`…). */
  conditions: string[];
  /** Fields tried when a package has no `exports` (with platform `neutral` esbuild tries none). */
  mainFields?: string[];
}

// Tests run against the sources (as vitest.config.ts aliases them): the bundle holds the
// working tree's packages, so no build is needed first.
const workspaceSources: Plugin = {
  name: 'basiq-token-sources',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@basiq-token\/[a-z-]+$/ }, (args) => {
      const name = args.path.slice('@basiq-token/'.length);
      const path = `${root}packages/${name}/src/index.ts`;
      return existsSync(path) ? { path } : undefined;
    });
  },
};

// Node builtins named bare ('http', as axios's Node build and its CommonJS dependencies name
// them) become `node:` imports: Deno resolves builtins only by that prefix.
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));
const nodePrefix: Plugin = {
  name: 'node-prefix',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[a-z_/]+$/ }, (args) =>
      builtins.has(args.path) ? { path: `node:${args.path}`, external: true } : undefined,
    );
  },
};

// CommonJS dependencies inside an ES module bundle call `require` for builtins; an ES module has
// none, so the bundle makes one (Bun and Deno both have `node:module`).
const requireShim =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/**
 * Bundles one runtime's entry (and the shared app) into a single ES module at `outfile`.
 * `node:` builtins stay imports: the runtime provides them (Bun, Deno, workerd with
 * `nodejs_compat`), or the bundle fails to start there, which is what the suite is for.
 */
export async function bundle(entry: string, outfile: string, target: BundleTarget): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: target.platform,
    conditions: target.conditions,
    ...(target.mainFields ? { mainFields: target.mainFields } : {}),
    external: ['node:*'],
    plugins: target.platform === 'node' ? [workspaceSources, nodePrefix] : [workspaceSources],
    ...(target.platform === 'node' ? { banner: { js: requireShim } } : {}),
    logLevel: 'silent',
    absWorkingDir: root,
  });
}
