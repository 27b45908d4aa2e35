import { fileURLToPath } from 'node:url';
import { findBun } from '../support/binaries.js';
import { inTempDir, startBundledServer } from '../support/runtime.js';
import type { RuntimeLauncher } from '../support/runtime.js';

const entry = fileURLToPath(new URL('./server.ts', import.meta.url));

/**
 * The shared app bundled as Bun resolves packages (`bun`, then `node` conditions), served by
 * `Bun.serve`; an empty temp dir as cwd and HOME, so no .env, bunfig or package.json of the
 * repository applies.
 */
export const bunRuntime: RuntimeLauncher = {
  name: 'bun',
  binary: findBun(),
  async start(config) {
    if (!this.binary.available) throw new Error(this.binary.reason);
    const bun = this.binary.path;
    return inTempDir('bun', (dir) =>
      startBundledServer('bun', bun, entry, dir, (script) => ['run', script], { ...config }),
    );
  },
};
