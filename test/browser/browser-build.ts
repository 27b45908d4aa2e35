/**
 * `@basiq-token/browser`'s dist is what the browser loads (the examples serve its ESM file, the
 * packing test packs it): rebuilt when its sources are newer, under a lock so two test files do
 * not build it at once (test/support/builds.ts).
 */
import { join } from 'node:path';
import { ensureDist } from '../support/builds.js';
import { REPO_ROOT } from '../support/tsx-env.js';

/** The package's directory. */
export const BROWSER_PACKAGE_DIR = join(REPO_ROOT, 'packages/browser');

/** Builds packages/browser (npm run build) unless its dist is newer than src and package.json. */
export function ensureBrowserBuilt(): Promise<void> {
  return ensureDist(BROWSER_PACKAGE_DIR);
}
