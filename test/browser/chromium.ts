/** Headless Chromium from Debian's package, driven by playwright-core (no browser download). */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

// Looked up on PATH like any command, so a machine (or a run) without it on PATH skips the suite.
function onPath(names: readonly string[]): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const executablePath = process.env.CHROMIUM_PATH || onPath(['chromium', 'chromium-browser']);

/** Whether the browser suites can run here, and if not, why (one line, with how to get it). */
export const chromiumSupport: { available: boolean; reason: string } = executablePath
  ? { available: true, reason: `using ${executablePath}` }
  : {
      available: false,
      reason:
        'no `chromium` on PATH: install it with `apt-get install chromium` (or set CHROMIUM_PATH) to run this suite',
    };

/** Launches a fresh headless Chromium (its own temporary profile), kept off the network's extras. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 20_000,
  });
}
