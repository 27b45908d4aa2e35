/**
 * `@basiq-token/browser` as users get it: `npm pack`ed, then its ESM file loaded by headless
 * Chromium from a `<script type="module">` and used against core's route and the emulator (token,
 * Consent URL, job status cross-origin, the redirect's state); its CJS build required by Node.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { SEED_JOB_ID, SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { REPO_ROOT } from '../support/tsx-env.js';
import { ensureBrowserBuilt } from './browser-build.js';
import { chromiumSupport, launchChromium } from './chromium.js';

const run = promisify(execFile);

/** What the page's code uses (the repository type-checks without the DOM library). */
interface PageGlobals {
  document: { title: string };
  lib: typeof import('../../packages/browser/src/index.js');
  sessionStorage: { getItem(key: string): string | null };
  localStorage: object;
  location: { origin: string };
}

if (!chromiumSupport.available)
  console.warn(`[skipped] browser package in Chromium (test/browser): ${chromiumSupport.reason}`);
const suite = chromiumSupport.available ? describe : describe.skip;

suite('@basiq-token/browser packed, loaded in Chromium', () => {
  let temp: string;
  let packageDir: string;
  let files: string[];
  let browser: Browser;
  let emulator: BasiqEmulator;
  let client: BasiqClient;
  let server: Server;
  let appUrl: string;

  beforeAll(async () => {
    await ensureBrowserBuilt();
    temp = await mkdtemp(join(tmpdir(), 'basiq-browser-pack-'));
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', temp, '-w', 'packages/browser'],
      { cwd: REPO_ROOT },
    );
    const [entry] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = entry!.files.map((file) => file.path).sort();
    await run('tar', ['-xzf', join(temp, entry!.filename), '-C', temp]);
    packageDir = join(temp, 'package');

    [browser, emulator] = await Promise.all([launchChromium(), startEmulator()]);
    client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
    // One origin: the page, the unpacked package, and core's client-token route for the seeded user.
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/basiq/client-token' && req.method === 'POST') {
        const user = req.headers['x-user'];
        void client.handleClientTokenRequest(typeof user === 'string' ? user : undefined).then((answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          res.end(JSON.stringify(answer.body));
        });
        return;
      }
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><title>package</title>
<script type="module">
import * as lib from '/pkg/dist/index.js';
window.lib = lib;
document.title = 'loaded';
</script>`);
        return;
      }
      const file = normalize(join(packageDir, path.replace(/^\/pkg\//, '')));
      if (!path.startsWith('/pkg/') || !file.startsWith(packageDir + sep)) {
        res.writeHead(404).end();
        return;
      }
      readFile(file).then(
        (body) => {
          const type = extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream';
          res.writeHead(200, { 'content-type': type }).end(body);
        },
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await client?.close();
    await emulator?.stop();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('packs its dist (ESM, CJS, types), README and package.json only, with no dependencies', async () => {
    expect(files).toEqual([
      'README.md',
      'dist/index.cjs',
      'dist/index.cjs.map',
      'dist/index.d.cts',
      'dist/index.d.ts',
      'dist/index.js',
      'dist/index.js.map',
      'package.json',
    ]);
    const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg).toMatchObject({ name: '@basiq-token/browser', type: 'module', sideEffects: false });
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.peerDependencies).toBeUndefined();
    const esm = await readFile(join(packageDir, 'dist/index.js'), 'utf8');
    expect(esm).not.toMatch(/\bfrom\s*["']|\bimport\s*\(|\brequire\(/);
    expect(esm).not.toContain('node:');
    // The token has nowhere to go but memory: the library never names localStorage.
    expect(esm).not.toContain('localStorage');
  });

  it('the same API from Node: ESM import and CJS require', async () => {
    const esm = (await import(pathToFileURL(join(packageDir, 'dist/index.js')).href)) as Record<
      string,
      unknown
    >;
    const cjs = createRequire(import.meta.url)(join(packageDir, 'dist/index.cjs')) as Record<string, unknown>;
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
    expect(Object.keys(esm)).toEqual(
      expect.arrayContaining(['createBasiqBrowser', 'ConsentRedirectError', 'jobOutcome']),
    );
    expect(await readdir(join(packageDir, 'dist'))).toContain('index.d.ts');
  });

  it('its types compile for a browser-only TypeScript consumer (DOM, no Node types); a wrong action does not', async () => {
    const consumer = join(temp, 'consumer');
    await mkdir(join(consumer, 'node_modules', '@basiq-token'), { recursive: true });
    await cp(packageDir, join(consumer, 'node_modules', '@basiq-token', 'browser'), { recursive: true });
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          lib: ['ES2022', 'DOM'],
          types: [],
          module: 'ESNext',
          moduleResolution: 'Bundler',
          target: 'ES2022',
        },
        files: ['main.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'main.ts'),
      `import { createBasiqBrowser, RateLimitedError, jobOutcome, type ConsentRedirect } from '@basiq-token/browser';
const basiq = createBasiqBrowser({
  fetch: window.fetch,
  stateStorage: sessionStorage,
  navigate: (url) => location.assign(url),
  headers: async () => ({ 'x-csrf-token': 'abc' }),
});
document.querySelector('button')?.addEventListener('click', async () => {
  try {
    await basiq.openConsent({ action: 'connect', institutionId: 'AU00000' });
  } catch (error) {
    if (error instanceof RateLimitedError) console.log(error.retryAfterSeconds);
  }
});
const back: ConsentRedirect | null = basiq.handleRedirect();
if (back?.ok && back.jobIds[0]) void basiq.waitForJob(back.jobIds[0]).then((job) => jobOutcome(job));
// @ts-expect-error not one of the Consent UI's actions
void basiq.consentUrl({ action: 'delete' });
`,
    );
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', consumer]).then(
      () => 'ok',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('ok');
  });

  it('loads from a <script type="module"> and works in the browser against the route and the emulator', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(appUrl);
      await page.waitForFunction(
        () => (globalThis as unknown as PageGlobals).document.title === 'loaded',
        undefined,
        {
          timeout: 10_000,
        },
      );

      const outcome = await page.evaluate(
        async ({ emulatorUrl, userId, jobId }) => {
          const { lib, sessionStorage, localStorage, location } = globalThis as unknown as PageGlobals;
          const anonymous = lib.createBasiqBrowser({ headers: {} });
          const refused = await anonymous.getClientToken().then(
            () => undefined,
            (error: InstanceType<typeof lib.ClientTokenError>) => ({
              name: error.name,
              code: error.code,
              status: error.status,
              typed: error instanceof lib.UnauthenticatedError,
            }),
          );
          const basiq = lib.createBasiqBrowser({
            headers: { 'x-user': userId },
            consentBaseUrl: `${emulatorUrl}/consent`,
            basiqBaseUrl: emulatorUrl,
          });
          const [url] = await Promise.all([basiq.consentUrl({ action: 'connect' }), basiq.getClientToken()]);
          const state = new URL(url).searchParams.get('state') ?? '';
          const pendingStates = sessionStorage.getItem('basiq-token:consent-states');
          const job = await basiq.getJob(jobId);
          const back = basiq.handleRedirect(`${location.origin}/?jobIds=${jobId}&state=${state}`);
          let replay: string | undefined;
          try {
            basiq.handleRedirect(`${location.origin}/?jobIds=${jobId}&state=${state}`);
          } catch (error) {
            replay = error instanceof lib.ConsentRedirectError ? error.code : String(error);
          }
          return {
            refused,
            url,
            token: await basiq.getClientToken(),
            pendingStates,
            outcome: lib.jobOutcome(job),
            back,
            replay,
            storage: JSON.stringify([{ ...localStorage }, { ...sessionStorage }]),
          };
        },
        { emulatorUrl: emulator.url, userId: SEED_USER_ID, jobId: SEED_JOB_ID },
      );

      expect(outcome.refused).toEqual({
        name: 'UnauthenticatedError',
        code: 'unauthenticated',
        status: 401,
        typed: true,
      });
      expect(outcome.url).toMatch(
        new RegExp(`^${emulator.url}/consent/home\\?token=[\\w.-]+&action=connect&state=[\\w-]{43}$`),
      );
      expect(outcome.url).toContain(`token=${outcome.token}`);
      expect(outcome.pendingStates).toContain(new URL(outcome.url).searchParams.get('state'));
      expect(outcome.pendingStates).not.toContain(outcome.token);
      expect(outcome.outcome).toBe('success');
      expect(outcome.back).toEqual({
        ok: true,
        jobIds: [SEED_JOB_ID],
        state: new URL(outcome.url).searchParams.get('state'),
      });
      expect(outcome.replay).toBe('state_unknown');
      expect(outcome.storage).not.toContain(outcome.token);
      expect(errors).toEqual([]);
      // One route request for the token (two callers at once), one job read across origins.
      expect(emulator.counters.clientTokens).toBe(1);
      expect(emulator.counters.requests['GET /jobs/{jobId}']).toBe(1);
    } finally {
      await context.close();
    }
  });
});
