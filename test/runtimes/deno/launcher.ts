import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findDeno } from '../support/binaries.js';
import { bundle } from '../support/bundle.js';
import { startServerProcess } from '../support/runtime.js';
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
    const dir = mkdtempSync(join(tmpdir(), 'basiq-runtime-deno-'));
    try {
      const script = join(dir, 'server.mjs');
      await bundle(entry, script, { platform: 'node', conditions: ['deno', 'node'], nodeBuiltins: true });
      const running = await startServerProcess(
        this.binary.path,
        ['run', '--no-prompt', '--no-config', '--no-lock', '--allow-net=127.0.0.1', '--allow-env', script],
        { cwd: dir, env: { ...config, HOME: dir, DENO_DIR: join(dir, '.deno'), NO_COLOR: '1' } },
      );
      return {
        ...running,
        stop: async () => {
          await running.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  },
};
