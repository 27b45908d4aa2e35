/**
 * What the suites of core clients sharing one redis-server share: the server, a connection of
 * the test's own, an emulator with hour-long tokens, and cleanups run after each test; and the
 * checks that the clients share one server token and leave no secret in Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { BasiqClient } from '@basiq-token/core';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { apiKeySecrets, dumpRedis, findLeaks } from '../fleet/secrets-scan.js';
import { startRedisServer } from './redis-server.js';
import type { RedisServerHandle } from './redis-server.js';

/** Read inside tests (set before the first one runs). */
export interface RedisWorld {
  readonly redis: RedisServerHandle;
  readonly raw: Redis;
  readonly emulator: BasiqEmulator;
  /** Run (and emptied) after each test. */
  readonly cleanups: Array<() => Promise<void>>;
}

/** Starts the world before the calling `describe`'s tests and stops it after them. */
export function useRedisWorld(): RedisWorld {
  const world = { cleanups: [] } as unknown as {
    redis: RedisServerHandle;
    raw: Redis;
    emulator: BasiqEmulator;
    cleanups: Array<() => Promise<void>>;
  };
  beforeAll(async () => {
    world.redis = await startRedisServer();
    world.raw = new Redis(world.redis.url, { maxRetriesPerRequest: 1 });
    world.emulator = await startEmulator({ tokenLifetimeSec: 3600 });
  });
  afterEach(async () => {
    await Promise.all(world.cleanups.splice(0).map((c) => c()));
  });
  afterAll(async () => {
    await world.emulator?.stop();
    world.raw?.disconnect();
    await world.redis?.stop();
  });
  return world;
}

/** Every client of `group` asks `perClient` times at once: one server token for all, fetched once. */
export async function expectOneServerToken(
  world: RedisWorld,
  group: BasiqClient[],
  perClient: number,
): Promise<void> {
  const tokens = await Promise.all(
    group.flatMap((c) => Array.from({ length: perClient }, () => c.getServerToken())),
  );
  expect(new Set(tokens).size).toBe(1);
  expect(world.emulator.counters.serverTokens).toBe(1);
}

/**
 * `group` fetches server and client tokens; Redis then holds their sealed records (at least three
 * `v1.` values) and neither the API key nor any token, in clear or base64.
 */
export async function expectNoSecretInRedis(world: RedisWorld, group: BasiqClient[]): Promise<void> {
  const userIds = [world.emulator.createUser({}).id, world.emulator.createUser({}).id];
  await Promise.all(group.map((c) => c.getServerToken()));
  await Promise.all(group.flatMap((c) => userIds.map((id) => c.getClientToken(id))));
  const dump = await dumpRedis(world.raw);
  // Not vacuous: the sealed server and client tokens and the budget window are there.
  expect(dump.texts.filter((t) => t.startsWith('v1.')).length).toBeGreaterThanOrEqual(3);
  const secrets = [...apiKeySecrets(world.emulator.apiKey), ...world.emulator.issuedTokens()];
  expect(findLeaks(dump.texts, secrets)).toEqual([]);
}
