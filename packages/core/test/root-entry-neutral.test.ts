import { build } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_USER_ID, startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';

type Core = typeof import('../src/index.js');

const source = (name: string) => fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url));
const NEUTRAL: BuildOptions = {
  bundle: true,
  write: false,
  platform: 'neutral',
  // What a Worker or Next's Edge build resolves packages with.
  conditions: ['worker', 'edge-light', 'import'],
  mainFields: ['module', 'main'],
  logLevel: 'silent',
};

/** Every import in the graph under `entry` that leaves core's own sources (packages external). */
async function importsLeavingCore(entry: string): Promise<string[]> {
  const result = await build({ ...NEUTRAL, entryPoints: [entry], packages: 'external', metafile: true });
  return [...new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path)))]
    .filter((path) => !path.startsWith('packages/') && !path.startsWith('/'))
    .sort();
}

const nodeOrAxios = (path: string) => path.startsWith('node:') || /^axios(\/|$)/.test(path);

// Core's root entry (and the adapter plumbing) must run wherever fetch and Web Crypto exist:
// Node, Bun, Deno, Cloudflare Workers, Next's Edge runtime. A `node:` import or axios anywhere
// in their import graph would break a Worker or Edge build.
describe("core's root entry on a non-Node platform", () => {
  it('imports no node: module and not axios, anywhere in its graph', async () => {
    expect(await importsLeavingCore(source('index'))).toEqual(['openapi-fetch']);
    expect((await importsLeavingCore(source('adapter'))).filter(nodeOrAxios)).toEqual([]);
  });

  it('sees axios where it is: the /axios entry, which needs no Node built-in either (Workers load it)', async () => {
    const found = (await importsLeavingCore(source('axios'))).filter(nodeOrAxios);
    expect(found).toEqual(['axios']);
  });

  it('bundles with its dependencies for platform "neutral", leaving no import unresolved', async () => {
    const result = await build({ ...NEUTRAL, entryPoints: [source('index')], format: 'esm', metafile: true });
    expect(result.errors).toEqual([]);
    const outputs = Object.values(result.metafile.outputs) as Metafile['outputs'][string][];
    expect(outputs.flatMap((o) => o.imports.map((i) => i.path))).toEqual([]);
    expect(
      Object.keys(result.metafile.inputs).filter((path) => path.includes('node_modules/axios/')),
    ).toEqual([]);
  });

  describe('in a realm with only Web APIs (no process, Buffer, require or node:crypto)', () => {
    let emulator: BasiqEmulator;
    beforeAll(async () => {
      emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await emulator.stop();
    });

    it('gets, seals and stores tokens with Web Crypto and calls Basiq through fetch', async () => {
      const result = await build({
        ...NEUTRAL,
        entryPoints: [source('index')],
        format: 'iife',
        globalName: 'basiqCore',
      });
      const realm = createContext({
        fetch,
        crypto,
        Request,
        Response,
        Headers,
        URL,
        URLSearchParams,
        AbortController,
        AbortSignal,
        DOMException,
        TextEncoder,
        TextDecoder,
        FormData,
        btoa,
        atob,
        setTimeout,
        clearTimeout,
        queueMicrotask,
        performance,
        console,
      });
      expect(runInContext('typeof process + typeof Buffer + typeof require', realm)).toBe(
        'undefinedundefinedundefined',
      );
      const core = runInContext(`${result.outputFiles![0]!.text};basiqCore`, realm) as Core;

      const writes: { key: string; value: string }[] = [];
      const store = new core.MemoryStore();
      const set = store.set.bind(store);
      store.set = async (key, value, ttlMs) => {
        writes.push({ key, value });
        await set(key, value, ttlMs);
      };
      const client = core.createBasiqClient({
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        store,
        logger: false,
      });
      try {
        const serverToken = await client.getServerToken();
        const clientToken = await client.getClientToken(SEED_USER_ID);
        const answer = await client.fetch(`/users/${SEED_USER_ID}`);
        expect(answer.status).toBe(200);
        expect(((await answer.json()) as { id: string }).id).toBe(SEED_USER_ID);

        // Sealed by Web Crypto: namespaced keys, pseudonymous users, no token in any value.
        const tokenWrites = writes.filter((w) => /:(server|client:.+)$/.test(w.key));
        expect(tokenWrites.length).toBeGreaterThanOrEqual(2);
        for (const { key, value } of tokenWrites) {
          expect(key).toMatch(/^basiq:[0-9a-f]{24}:/);
          expect(key).not.toContain(SEED_USER_ID);
          expect(value).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
          expect(value).not.toContain(serverToken);
          expect(value).not.toContain(clientToken.accessToken);
        }
        // A second client on the same store opens the first one's sealed server token.
        const again = core.createBasiqClient({
          apiKey: emulator.apiKey,
          baseUrl: emulator.url,
          store,
          logger: false,
        });
        expect(await again.getServerToken()).toBe(serverToken);
        await again.close();
        expect(emulator.counters.tokenCalls).toBe(2);
      } finally {
        await client.close();
      }
    });
  });
});
