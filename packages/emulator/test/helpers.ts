import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BasiqEmulator } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../..');

/**
 * Basiq's reference material (its OpenAPI specs in api-ref/ and real response bodies in fixtures/),
 * kept in test/basiq-reference so the suite stands alone on a fresh clone. BASIQ_REFERENCE_DIR points
 * it at another copy.
 */
export const REFERENCE_DIR = process.env.BASIQ_REFERENCE_DIR ?? resolve(REPO_ROOT, 'test/basiq-reference');
if (!existsSync(join(REFERENCE_DIR, 'api-ref', 'core.yml'))) {
  throw new Error(
    `Basiq reference material not found at ${REFERENCE_DIR} (expected api-ref/*.yml and fixtures/); ` +
      'set BASIQ_REFERENCE_DIR to the folder holding them.',
  );
}
/** Basiq's spec of a given API, e.g. `spec('data')` for api-ref/data.yml. */
export const spec = (name: string) => join(REFERENCE_DIR, 'api-ref', `${name}.yml`);
export const CORE_YML = spec('core');

export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(REFERENCE_DIR, 'fixtures', `${name}.json`), 'utf8'));
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** fetch, then read the body as JSON when it parses (else `body` is undefined). */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export interface TokenRequest {
  scope?: string;
  userId?: string;
  /** Header overrides; `undefined` removes a default header. */
  headers?: Record<string, string | undefined>;
  body?: string;
}

/** POST /token with valid defaults (server scope, 3.0, the emulator's key), each overridable. */
export function postToken(emu: BasiqEmulator, req: TokenRequest = {}): Promise<Answer> {
  const headers: Record<string, string | undefined> = {
    authorization: `Basic ${emu.apiKey}`,
    'basiq-version': '3.0',
    'content-type': 'application/x-www-form-urlencoded',
    ...req.headers,
  };
  const form = new URLSearchParams();
  form.set('scope', req.scope ?? 'SERVER_ACCESS');
  if (req.userId !== undefined) form.set('userId', req.userId);
  const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  return call(`${emu.url}/token`, { method: 'POST', headers: clean, body: req.body ?? form.toString() });
}

export async function serverToken(emu: BasiqEmulator): Promise<string> {
  const res = await postToken(emu);
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

export async function clientToken(emu: BasiqEmulator, userId: string): Promise<string> {
  const res = await postToken(emu, { scope: 'CLIENT_ACCESS', userId });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

export function getUser(
  emu: BasiqEmulator,
  id: string,
  token?: string,
  authorization?: string,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  else if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return call(`${emu.url}/users/${encodeURIComponent(id)}`, { headers });
}

export function createUser(emu: BasiqEmulator, token: string | undefined, body: unknown): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return call(`${emu.url}/users`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A settable clock for `now`. */
export function fakeClock(start = Date.UTC(2030, 0, 1)) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

/**
 * Asserts that an error body equals a fixture in everything but its correlationId (keys, types,
 * codes, titles, details, source), and that its correlationId is a fresh one.
 */
export function expectLikeFixture(body: any, name: string, expect: typeof import('vitest').expect): void {
  const reference = fixture(name);
  expect(typeof body?.correlationId).toBe('string');
  expect(body.correlationId).not.toBe(reference.correlationId);
  expect({ ...body, correlationId: '<id>' }).toEqual({ ...reference, correlationId: '<id>' });
}

/** Returns a description of every difference in shape (keys and JSON types) between two values. */
export function shapeDiff(actual: unknown, expected: unknown, path = '$'): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(actual) !== kind(expected)) return [`${path}: ${kind(actual)} instead of ${kind(expected)}`];
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (expected.length === 0) return [];
    return actual.flatMap((item, i) =>
      shapeDiff(item, expected[Math.min(i, expected.length - 1)], `${path}[${i}]`),
    );
  }
  if (kind(actual) === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    return [...keys].flatMap((key) => {
      if (!(key in a)) return [`${path}.${key}: missing`];
      if (!(key in e)) return [`${path}.${key}: not in the reference`];
      return shapeDiff(a[key], e[key], `${path}.${key}`);
    });
  }
  return [];
}
