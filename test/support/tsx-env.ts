import { fileURLToPath } from 'node:url';

/** The repository root, where children run. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The environment for a child started with `node --import tsx` on the TypeScript sources:
 * tsx resolves `@basiq-token/*` through tsconfig.json's paths (no build needed) and
 * compiles Nest's decorators with its settings. The examples' own variables are dropped unless
 * `extra` sets them, so nothing from the outer shell (a real BASIQ_API_KEY, a REDIS_URL or REDIS_CLUSTER_NODES) leaks in.
 */
export function tsxChildEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: `${REPO_ROOT}tsconfig.json` };
  for (const key of ['BASIQ_API_KEY', 'BASIQ_API_URL', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'NODE_OPTIONS'])
    delete env[key];
  return { ...env, ...extra };
}
