/**
 * What the fleet suites share: a fleet of instances around one shared store, started before the
 * calling `describe`'s tests and stopped after them, the emulators those tests start, pointing
 * the fleet at one, and the scan that no secret reached the store or the instances' logs.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { startRedisCluster } from '../support/redis-cluster.js';
import type { RedisClusterHandle } from '../support/redis-cluster.js';
import { startRedisServer } from '../support/redis-server.js';
import type { RedisServerHandle } from '../support/redis-server.js';
import { Instance, startFleet } from './fleet.js';
import { apiKeySecrets, dumpRedis, findLeaks } from './secrets-scan.js';
import type { RedisDump } from './secrets-scan.js';
import {
  clientLockHolderKilled,
  hundredUsersHundredCalls,
  oneUserOneCall,
  wrongKeyDoesNotStorm,
} from './token-scenarios.js';
import type { FleetContext } from './token-scenarios.js';

/** A well-formed API key Basiq does not know. */
export const WRONG_KEY = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');

/** Short refresh windows for short tokens: a refresh once per lifetime, near its end. */
export const SHORT_TOKEN_OPTIONS = {
  refresh: { softWindowMs: 600, hardWindowMs: 200 },
  retry: { minDelayMs: 50, maxDelayMs: 200 },
  tokenTimeoutMs: 2_000,
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with `probe`'s first truthy answer, polling every 50 ms; fails after `deadlineMs`. */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  deadlineMs = 30_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

/** The store the fleet shares. */
export interface SharedStore {
  /** What the instances connect to (`null`: their environment names it, as for a cluster). */
  redisUrl: string | null;
  /** Everything the store holds. */
  dump(): Promise<RedisDump>;
  stop(): Promise<void>;
}

/** One redis-server, with a connection of the test's own. */
export interface RedisServerStore extends SharedStore {
  server: RedisServerHandle;
  raw: Redis;
}

export async function redisServerStore(): Promise<RedisServerStore> {
  const server = await startRedisServer();
  const raw = new Redis(server.url, { maxRetriesPerRequest: 1 });
  raw.on('error', () => {});
  return {
    server,
    raw,
    redisUrl: server.url,
    dump: () => dumpRedis(raw),
    async stop() {
      raw.disconnect();
      await server.stop();
    },
  };
}

/** A three-master Redis Cluster. */
export interface RedisClusterStore extends SharedStore {
  cluster: RedisClusterHandle;
}

export async function redisClusterStore(): Promise<RedisClusterStore> {
  const cluster = await startRedisCluster();
  return {
    cluster,
    redisUrl: null,
    // Everything every master holds.
    async dump() {
      const dumps = await Promise.all(
        cluster.nodes.map(async (node) => {
          const redis = new Redis({ ...node, maxRetriesPerRequest: 1 });
          try {
            return await dumpRedis(redis);
          } finally {
            redis.disconnect();
          }
        }),
      );
      return { keys: dumps.flatMap((d) => d.keys), texts: dumps.flatMap((d) => d.texts) };
    },
    stop: () => cluster.stop(),
  };
}

export interface FleetOptions<S extends SharedStore> {
  size: number;
  /** Starts the shared store, before the fleet. */
  store(): Promise<S>;
  /** Added to instance `index`'s environment. */
  env?(store: S, index: number): Record<string, string>;
  /** The instances' store command timeout (default: theirs). */
  storeTimeoutMs?: number;
}

/** The fleet (the scenarios' context), its store, and the secret scan. */
export interface Fleet<S extends SharedStore> extends FleetContext {
  /** The running instances: one array for the whole suite, updated in place. */
  readonly instances: Instance[];
  /** The shared store (once the suite has started). */
  store(): S;
  /**
   * The store holds no API key (the emulators' and {@link WRONG_KEY}), no token and no userId of
   * any emulator, and the instances logged none.
   */
  expectNoSecrets(): Promise<void>;
}

export function useFleet<S extends SharedStore>(options: FleetOptions<S>): Fleet<S> {
  let store: S | undefined;
  const instances: Instance[] = [];
  const emulators: BasiqEmulator[] = [];
  const envFor = (index: number) => options.env?.(store as S, index) ?? {};

  beforeAll(async () => {
    store = await options.store();
    instances.push(...(await startFleet(options.size, envFor)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.shutdown()));
    await Promise.all(emulators.map((e) => e.stop()));
    await store?.stop();
  }, 30_000);

  return {
    instances,
    fleet: () => instances,
    store: () => store as S,
    async replace(index) {
      const fresh = new Instance(envFor(index));
      await fresh.ready;
      instances[index] = fresh;
    },
    async emulator(opts) {
      const e = await startEmulator(opts);
      emulators.push(e);
      return e;
    },
    async configure(e, clientOptions, opts = {}) {
      const prefix = opts.prefix ?? `fleet:${randomUUID()}:`;
      const { storeTimeoutMs } = options;
      await Promise.all(
        (opts.instances ?? instances).map((i) =>
          i.configure({
            baseUrl: e.url,
            apiKey: opts.apiKey ?? e.apiKey,
            redisUrl: (store as S).redisUrl,
            prefix,
            clientOptions,
            ...(storeTimeoutMs !== undefined ? { storeTimeoutMs } : {}),
          }),
        ),
      );
      return prefix;
    },
    async expectNoSecrets() {
      const issued = emulators.flatMap((e) => [...apiKeySecrets(e.apiKey), ...e.issuedTokens()]);
      expect(issued.length).toBeGreaterThan(emulators.length);
      const secrets = [...apiKeySecrets(WRONG_KEY), ...issued];
      const dump = await (store as S).dump();
      expect(dump.keys.length).toBeGreaterThan(0);
      expect(findLeaks(dump.texts, secrets)).toEqual([]);
      const logs = (await Promise.all(instances.map((i) => i.stats()))).flatMap((s) => s.logs);
      expect(findLeaks(logs, secrets)).toEqual([]);
    },
  };
}

/**
 * The client-token and refusal scenarios (token-scenarios.ts) as tests of `fleet` (of `size`
 * instances), each followed by the secret scan.
 */
export function itRunsTheTokenScenarios(fleet: Fleet<SharedStore>, size: number): void {
  it(`${size} instances asked at the same moment for one user’s client token make one /token call`, async () => {
    await oneUserOneCall(fleet);
    await fleet.expectNoSecrets();
  }, 30_000);

  it(`100 users, each asked at the same moment on all ${size} instances: 100 /token calls`, async () => {
    await hundredUsersHundredCalls(fleet);
    await fleet.expectNoSecrets();
  }, 60_000);

  it('the holder of a user’s lock SIGKILLed mid-call: the others still answer, no request fails', async () => {
    await clientLockHolderKilled(fleet);
    await fleet.expectNoSecrets();
  }, 30_000);

  it(`${size} instances with a wrong key make at most 2 /token calls together in 10 s; the corrected key works at once`, async () => {
    await wrongKeyDoesNotStorm(fleet, WRONG_KEY);
    await fleet.expectNoSecrets();
  }, 60_000);
}
