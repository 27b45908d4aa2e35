import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBun } from '../support/binaries.js';
import { bundle } from '../support/bundle.js';
import { startServerProcess } from '../support/runtime.js';
import type { RuntimeLauncher } from '../support/runtime.js';

const entry = fileURLToPath(new URL('./server.ts', import.meta.url));

/** The shared app bundled as Bun resolves packages (`bun`, then `node` conditions), served by `Bun.serve`. */
export const bunRuntime: RuntimeLauncher = {
  name: 'bun',
  binary: findBun(),
  async start(config) {
    if (!this.binary.available) throw new Error(this.binary.reason);
    const dir = mkdtempSync(join(tmpdir(), 'basiq-runtime-bun-'));
    try {
      const script = join(dir, 'server.mjs');
      await bundle(entry, script, { platform: 'node', conditions: ['bun', 'node'], nodeBuiltins: true });
      // An empty temp dir as cwd and HOME: no .env, bunfig or package.json of the repository applies.
      const running = await startServerProcess(this.binary.path, ['run', script], {
        cwd: dir,
        env: { ...config, HOME: dir, NO_COLOR: '1' },
      });
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
