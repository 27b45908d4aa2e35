import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { findWorkerd } from '../support/binaries.js';
import { bundle } from '../support/bundle.js';
import type { BundleTarget } from '../support/bundle.js';
import { inTempDir } from '../support/runtime.js';
import type { RuntimeLauncher } from '../support/runtime.js';

const entry = fileURLToPath(new URL('./worker.ts', import.meta.url));

// A date this workerd supports (it refuses later ones); the Worker's behaviour is pinned to it.
export const COMPATIBILITY_DATE = '2026-04-01';

/** How the Worker is set up. */
export interface WorkerdSetting {
  /**
   * Run with the `nodejs_compat` flag (Node's builtins, as most Workers have them), or without
   * it: Web APIs only, where any `node:` import reachable from the app fails the bundle.
   */
  nodejsCompat: boolean;
}

function bundleTarget({ nodejsCompat }: WorkerdSetting): BundleTarget {
  return { platform: 'browser', conditions: ['workerd', 'worker', 'browser'], nodeBuiltins: nodejsCompat };
}

/**
 * The shared app as a Cloudflare Worker: bundled as wrangler bundles (esbuild's browser platform,
 * the `workerd`, `worker` and `browser` conditions), run by workerd through miniflare on a loopback
 * port, with BASIQ_API_KEY and BASIQ_API_URL as bindings.
 */
export function workerdRuntime({ nodejsCompat }: WorkerdSetting): RuntimeLauncher {
  return {
    name: 'workerd',
    title: nodejsCompat ? 'workerd (nodejs_compat)' : 'workerd (Web APIs only)',
    binary: findWorkerd(),
    async start(config) {
      if (!this.binary.available) throw new Error(this.binary.reason);
      return inTempDir('workerd', async (dir) => {
        const script = join(dir, 'worker.mjs');
        await bundle(entry, script, bundleTarget({ nodejsCompat }));
        const { Miniflare } = await import('miniflare');
        let output = '';
        const capture = (stream: Readable) =>
          stream.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
        const miniflare = new Miniflare({
          modules: true,
          scriptPath: script,
          modulesRoot: dir,
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: nodejsCompat ? ['nodejs_compat'] : [],
          bindings: { ...config },
          host: '127.0.0.1',
          port: 0,
          // The Worker's console (the app's logs) comes out of workerd's stdout and stderr.
          handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
            capture(stdout);
            capture(stderr);
          },
        });
        let url: URL;
        try {
          url = await miniflare.ready;
        } catch (error) {
          await miniflare.dispose().catch(() => undefined);
          // workerd's own words say why it did not start (a module it cannot load, say).
          throw new Error(`workerd did not start: ${(error as Error).message}\n${output}`);
        }
        return {
          url: url.origin,
          output: () => output,
          stop: () => miniflare.dispose(),
        };
      });
    },
  };
}
