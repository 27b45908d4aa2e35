/** Headless Chromium from Debian's package, driven by playwright-core (no browser download). */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Whether the browser suites can run here, and if not, why. */
export const chromiumSupport: { available: boolean; reason: string } = existsSync(executablePath)
  ? { available: true, reason: `using ${executablePath}` }
  : {
      available: false,
      reason: `no Chromium at ${executablePath}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`,
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
