/**
 * Floods one adapter's client-token route with generated hostile requests over real loopback
 * HTTP, then checks every answer (oracle.ts), what the emulator was asked, and that nothing
 * polluted `Object.prototype`. The seed is printed with any failure; set HOSTILE_SEED to replay.
 */
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import type { RunningApp } from '../../conformance/suite.js';
import type { HostileTarget } from './apps.js';
import { expectationFor, judge } from './oracle.js';
import type { Verdict } from './oracle.js';
import { fixedCorpus, hostileRequest, toWire } from './requests.js';
import type { HostileRequest } from './requests.js';
import { KeepAliveSender, sendRaw } from './send.js';
import type { Outcome } from './send.js';

/**
 * Requests generated per adapter (the fixed corpus comes on top) unless the target asks for
 * fewer; HOSTILE_RUNS overrides both.
 */
export const DEFAULT_RUNS = 10_000;
const CONCURRENCY = 32;
const REQUEST_TIMEOUT_MS = 15_000;

interface Judged {
  request: HostileRequest;
  verdict: Verdict;
}

/** Registers the hostile-input checks for one adapter variant. */
export function runHostileSuite(target: HostileTarget): void {
  const numRuns = Number(process.env.HOSTILE_RUNS) || target.numRuns || DEFAULT_RUNS;
  describe(`${target.name}: hostile input on the client-token route`, () => {
    const seed = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : Date.now() % 2 ** 31;
    let emulator: BasiqEmulator;
    let client: BasiqClient;
    let app: RunningApp | undefined;
    let judged: Judged[] = [];
    let prototypesBefore: string;
    const tokenTrouble: unknown[] = [];

    beforeAll(async () => {
      prototypesBefore = describePrototypes();
      emulator = await startEmulator({ rateLimit: { limit: 1_000_000 } });
      const options = {
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        logger: false as const,
        budget: { limit: 1_000_000 },
        retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
      };
      client = createBasiqClient(options);
      client.on('token:retry', (info) => tokenTrouble.push({ retry: info }));
      client.on('token:error', (info) => tokenTrouble.push({ error: info }));
      // A server token lives in the process from the start: the one thing that must never leak.
      await client.getServerToken();
      app = await target.start(client, options);

      const requests = [...fixedCorpus(), ...fc.sample(hostileRequest, { numRuns, seed })];
      const sender = new KeepAliveSender(app.url, CONCURRENCY);
      let outcomes: Outcome[];
      try {
        const url = app.url;
        outcomes = await inPool(requests, CONCURRENCY, (request) =>
          request.raw
            ? sendRaw(url, toWire(request), REQUEST_TIMEOUT_MS)
            : sender.send(toWire(request), REQUEST_TIMEOUT_MS),
        );
      } finally {
        sender.close();
      }
      // A route may still be waiting for /token for a request whose connection Node already
      // dropped (a smuggled second request it refused): let those calls finish first.
      await settled(
        () =>
          emulator.counters.tokenCalls === emulator.counters.serverTokens + emulator.counters.clientTokens,
      );
      const secrets = { apiKey: emulator.apiKey, serverTokens: tokensOfScope(emulator, 'SERVER_ACCESS') };
      judged = requests.map((request, i) => ({
        request,
        verdict: judge(request, expectationFor(request), outcomes[i]!, secrets),
      }));
    }, 180_000);

    afterAll(async () => {
      await app?.close();
      await client?.close();
      await emulator?.stop();
    });

    it(`answers ${numRuns.toLocaleString('en')} generated requests only as documented, never with a server token`, () => {
      const failures = judged
        .filter(({ verdict }) => verdict.problems.length > 0)
        .map(({ request, verdict }) => `${verdict.problems.join('; ')} <- ${show(request)}`);
      expect(failures.slice(0, 12), `${failures.length} failures (HOSTILE_SEED=${seed})`).toEqual([]);
    });

    it('asks /token only for valid signed-in users, once each', () => {
      const served = new Set(
        judged.flatMap(({ verdict }) => (verdict.servedUser ? [verdict.servedUser] : [])),
      );
      const issuedFor = tokensOfScope(emulator, 'CLIENT_ACCESS').map((token) =>
        String(decodeJwt(token).userId),
      );
      expect(issuedFor.filter((userId) => !/^[A-Za-z0-9-]{1,64}$/.test(userId))).toEqual([]);
      // The cache and single flight: one /token call per user, however many requests named them.
      const twice = issuedFor.filter((userId, i) => issuedFor.indexOf(userId) !== i);
      expect(twice, `users who got more than one /token call (HOSTILE_SEED=${seed})`).toEqual([]);
      expect([...served].filter((userId) => !issuedFor.includes(userId))).toEqual([]);
      // A token nobody received was asked for by a byte-level request that also smuggled in a
      // second one (`id\r\n\r\nPOST …`): Node refused the second with 400 and dropped the socket
      // before the first one's 200 went out. The user was still signed in by a header line.
      const unreceived = issuedFor.filter((userId) => !served.has(userId));
      const smuggledFor = (userId: string) =>
        judged.some(
          ({ request }) => request.raw && request.users.some((line) => line.startsWith(`${userId}\r\n`)),
        );
      expect(unreceived.filter((userId) => !smuggledFor(userId))).toEqual([]);
      const context = `HOSTILE_SEED=${seed}, counters ${JSON.stringify(emulator.counters)}`;
      expect(tokenTrouble, `failed /token calls (${context})`).toEqual([]);
      expect(emulator.counters.serverTokens).toBe(1);
      expect(emulator.counters.tokenCalls, `/token calls that issued nothing (${context})`).toBe(
        issuedFor.length + 1,
      );
    });

    it('leaves Object.prototype (and its kin) unpolluted', () => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).userId).toBeUndefined();
      expect(describePrototypes()).toBe(prototypesBefore);
    });

    it('covers every kind of input and answer', () => {
      const kinds = tally(judged.map(({ verdict }) => verdict.kind));
      const tags = tally(judged.flatMap(({ request }) => request.tags));
      console.log(`${target.name} (seed ${seed}) answers: ${JSON.stringify(kinds)}`);
      // The generator must keep producing every family of input, or the run above proves little.
      expect(kinds['route 200'] ?? 0).toBeGreaterThan(numRuns / 5);
      expect(kinds['route 400'] ?? 0).toBeGreaterThan(numRuns / 10);
      expect(kinds['route 401'] ?? 0).toBeGreaterThan(numRuns / 50);
      expect(kinds['framework 431'] ?? 0).toBeGreaterThan(0);
      if (target.parsesBody !== false) {
        expect((kinds['framework 413'] ?? 0) + countPrefix(kinds, 'connection ')).toBeGreaterThan(0);
      } else {
        // Nothing reads the body: the route answers a huge one by the request's headers alone.
        const huge = judged.filter(({ request }) => request.body?.shape === 'huge');
        expect(huge.filter(({ verdict }) => verdict.kind.startsWith('route ')).length).toBeGreaterThan(0);
      }
      for (const tag of [
        'raw',
        'user:absent',
        'user:duplicated',
        'user:huge',
        'body:pollution',
        'body:huge',
        'body:malformed',
        'query',
        'decoy-headers',
        'method:GET',
      ]) {
        expect(tags[tag] ?? 0, tag).toBeGreaterThan(0);
      }
    });
  });
}

/** Waits (up to a generous bound) for `done` to hold; the assertions that follow say what did not. */
async function settled(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Runs `work` over `items` with at most `limit` in flight; results in input order. */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

function tokensOfScope(emulator: BasiqEmulator, scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS'): string[] {
  return emulator.issuedTokens().filter((token) => decodeJwt(token).scope === scope);
}

/** Own property names and value types of the prototypes a pollution would land on. */
function describePrototypes(): string {
  const protos = {
    Object: Object.prototype,
    Array: Array.prototype,
    Function: Function.prototype,
    String: String.prototype,
  };
  return JSON.stringify(
    Object.entries(protos).map(([name, proto]) => [
      name,
      Reflect.ownKeys(proto).map((key) => {
        // Descriptors, not values: some accessors (Function.prototype.caller) throw when read.
        const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
        return `${String(key)}:${'value' in descriptor ? typeof descriptor.value : 'accessor'}`;
      }),
    ]),
  );
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort());
}

function countPrefix(counts: Record<string, number>, prefix: string): number {
  return Object.entries(counts).reduce((sum, [key, n]) => (key.startsWith(prefix) ? sum + n : sum), 0);
}

/** A request in a line, long values shortened, control characters escaped. */
function show(request: HostileRequest): string {
  const short = (text: string) =>
    JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…(${text.length})` : text);
  const body = request.body
    ? ` body=${request.body.shape}:${request.body.contentType ?? '-'}:${short(request.body.bytes.toString('latin1'))}`
    : '';
  return `${request.raw ? 'raw ' : ''}${request.method} ${request.path} x-demo-user=[${request.users.map(short).join(', ')}]${body} headers=${JSON.stringify(request.extraHeaders)}`;
}
