// Core, the browser package and the emulator each carry Basiq's defaults (none depends on another:
// the browser bundle and the emulator stand alone), so this checks that their copies agree with each
// other and with Basiq's own OpenAPI specs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildConsentUrl, CONSENT_ACTIONS as CORE_ACTIONS, DEFAULT_BASE_URL } from '@basiq-token/core';
import { CONSENT_ACTIONS as BROWSER_ACTIONS } from '@basiq-token/browser';
import { CONSENT_ACTIONS as EMULATOR_ACTIONS } from '@basiq-token/emulator';
import { resolveOptions } from '../packages/browser/src/options.js';

const API_REF = fileURLToPath(new URL('./basiq-reference/api-ref', import.meta.url));

/** The `url`s of a spec's top-level `servers:` list (the block up to the next top-level key). */
function serverUrls(yaml: string): string[] {
  const block = /^servers:\n((?:[ \t-].*\n)*)/m.exec(yaml)?.[1] ?? '';
  return [...block.matchAll(/\burl:\s*(\S+)/g)].map((m) => m[1]!);
}

describe("Basiq's defaults agree across packages", () => {
  it('the Consent UI actions are the same list in core, the browser package and the emulator', () => {
    expect([...BROWSER_ACTIONS]).toEqual([...CORE_ACTIONS]);
    expect([...EMULATOR_ACTIONS]).toEqual([...CORE_ACTIONS]);
  });

  it("core's default base URL is the server of every Basiq OpenAPI spec, and the browser's default", () => {
    const specs = readdirSync(API_REF).filter((name) => name.endsWith('.yml'));
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      expect(serverUrls(readFileSync(join(API_REF, spec), 'utf8')), spec).toEqual([DEFAULT_BASE_URL]);
    }
    expect(resolveOptions({ stateStorage: 'memory' }).basiqBaseUrl).toBe(DEFAULT_BASE_URL);
  });

  it("the Consent UI's default home is the same in core and the browser package", () => {
    const { consentHome } = resolveOptions({ stateStorage: 'memory' });
    expect(buildConsentUrl('t')).toBe(`${consentHome}?token=t`);
  });
});
