/**
 * The NestJS kits for the fault matrix. Nest 12 comes from the root; Nest 11 from the fixture
 * project the conformance suite builds our adapter into (test/conformance/nest-11.ts). Another
 * test file may be rebuilding that fixture at the same moment (vitest runs files in parallel), so
 * the build here is skipped when it is already newer than the sources, and loading is retried
 * for a while if it meets a half-written build. Once loaded, the kit stays in memory.
 */
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestKit } from '../conformance/nest-driver.js';
import { newest } from '../support/builds.js';
import { loadNest11Kit, prepareNest11 } from '../conformance/nest-11.js';
import type { CoreModule } from './targets.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const requireFromFixture = createRequire(join(root, 'test/fixtures/nest11/package.json'));
const built = (name: string) =>
  join(root, 'test/fixtures/nest11/node_modules/@basiq-token', name, 'dist/index.cjs');

async function isFresh(name: string): Promise<boolean> {
  try {
    const [output, sources, manifest] = await Promise.all([
      stat(built(name)),
      newest(join(root, 'packages', name, 'src'), () => true),
      stat(join(root, 'packages', name, 'package.json')),
    ]);
    return output.mtimeMs > Math.max(sources, manifest.mtimeMs);
  } catch {
    return false;
  }
}

/** Makes sure the Nest 11 fixture holds a build of the current sources. */
export async function ensureNest11(): Promise<void> {
  const fresh = await Promise.all(['core', 'nestjs'].map(isFresh));
  if (!fresh.every(Boolean)) await prepareNest11();
}

let nest11: Promise<NestKit> | undefined;

/** The Nest 11 kit, loaded once; retried while a concurrent rebuild leaves the fixture incomplete. */
export function nest11Kit(): Promise<NestKit> {
  nest11 ??= (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await loadNest11Kit();
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return nest11;
}

/**
 * The CommonJS build of core in the Nest 11 project: the copy its adapter requires (the suite's
 * client comes from the sources, another copy). Loads the kit first: it checks the fixture is isolated.
 */
export async function nest11Core(): Promise<CoreModule> {
  await nest11Kit();
  return requireFromFixture('@basiq-token/core') as CoreModule;
}
