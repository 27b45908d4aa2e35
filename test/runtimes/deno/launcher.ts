import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDeno } from '../support/binaries.js';
import { inTempDir, startBundledServer } from '../support/runtime.js';
import type { RuntimeLauncher } from '../support/runtime.js';

const entry = fileURLToPath(new URL('./server.ts', import.meta.url));

/**
 * The shared app bundled as Deno resolves npm packages (`deno`, then `node` conditions), served by
 * `Deno.serve` with only the permissions it needs: the network on loopback and the environment
 * (Hono's `env(c)` reads it whole on Deno).
 */
export const denoRuntime: RuntimeLauncher = {
  name: 'deno',
  binary: findDeno(),
  async start(config) {
    if (!this.binary.available) throw new Error(this.binary.reason);
    const deno = this.binary.path;
    return inTempDir('deno', (dir) =>
      startBundledServer(
        'deno',
        deno,
        entry,
        dir,
        (script) => [
          'run',
          '--no-prompt',
          '--no-config',
          '--no-lock',
          '--allow-net=127.0.0.1',
          '--allow-env',
          script,
        ],
        { ...config, DENO_DIR: join(dir, '.deno') },
      ),
    );
  },
};
