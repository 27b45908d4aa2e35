import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { createBasiqApi } from '../src/api/index.js';

const ENTRY = fileURLToPath(new URL('../src/api/index.ts', import.meta.url));
const NEUTRAL: BuildOptions = {
  entryPoints: [ENTRY],
  bundle: true,
  write: false,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  logLevel: 'silent',
};

// client.api must run wherever core's fetch wrapper does (Node, Bun, Deno, Workers, Edge): bundled
// with openapi-fetch for a platform with no Node built-ins, anything Node-only would fail to resolve.
describe('client.api on a non-Node platform', () => {
  it('bundles with openapi-fetch for platform "neutral", importing nothing', async () => {
    const result = await build({ ...NEUTRAL, format: 'esm', metafile: true });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('node_modules/openapi-fetch/'))).toBe(true);
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports).toEqual([]);
  });

  it('runs in a realm with only Web APIs (no process, no Buffer, no require)', async () => {
    const result = await build({ ...NEUTRAL, format: 'iife', globalName: 'basiqApiBundle' });
    const realm = createContext({ Request, Response, Headers, URL, URLSearchParams, AbortSignal, FormData });
    const bundle = runInContext(`${result.outputFiles![0]!.text};basiqApiBundle`, realm) as {
      createBasiqApi: typeof createBasiqApi;
    };
    expect(runInContext('typeof process + typeof Buffer + typeof require', realm)).toBe(
      'undefinedundefinedundefined',
    );
    const sent: { input: unknown; init: RequestInit | undefined; body: string }[] = [];
    const api = bundle.createBasiqApi(async (input, init) => {
      sent.push({ input, init, body: init?.body ? new TextDecoder().decode(init.body as ArrayBuffer) : '' });
      return Response.json({ id: 'u1', email: 'a@example.com' }, { status: 201 });
    }, 'https://au-api.basiq.io');
    const { data, response } = await api.POST('/users', { body: { email: 'a@example.com' } });
    expect(response.status).toBe(201);
    expect(data?.id).toBe('u1');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.input).toBe('https://au-api.basiq.io/users');
    expect(sent[0]!.init?.method).toBe('POST');
    expect(sent[0]!.body).toBe('{"email":"a@example.com"}');
    expect(new Headers(sent[0]!.init?.headers).get('content-type')).toBe('application/json');
  });
});
