/**
 * Fleet scenarios about client tokens and refusals, written once against a small context so
 * that every shared store (one redis-server, a Redis Cluster) runs the same ones: client tokens
 * single-flight across the fleet, a vanished lock holder, and a wrong key that must not storm
 * Basiq.
 */
import { expect } from 'vitest';
import type { BasiqEmulator, EmulatorOptions } from '@basiq-token/emulator';
import type { Instance } from './fleet.js';
import type { ClientTokensResult } from './protocol.js';

export interface FleetContext {
  /** The running instances. */
  fleet(): Instance[];
  /** Starts a fresh instance in place of the one at `index` (after a kill). */
  replace(index: number): Promise<void>;
  /** An emulator, stopped with the suite. */
  emulator(opts: EmulatorOptions): Promise<BasiqEmulator>;
  /**
   * Points `instances` (default: all) at `e` through the shared store under `prefix` (default: a
   * fresh one), with `apiKey` (default: the emulator's). Resolves with the prefix.
   */
  configure(
    e: BasiqEmulator,
    clientOptions: Record<string, unknown>,
    opts?: { apiKey?: string; prefix?: string; instances?: Instance[] },
  ): Promise<string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/**
 * Every instance kept using the shared store: one that lost it works alone (by design), and the
 * counts below would then say nothing about sharing.
 */
async function expectShared(ctx: FleetContext, instances = ctx.fleet()): Promise<void> {
  const stats = await Promise.all(instances.map((i) => i.stats()));
  const degraded = stats.flatMap((s) => s.logs.filter((l) => l.includes('token store')));
  expect(degraded, `an instance lost the shared store: ${degraded.join(' | ')}`).toEqual([]);
}

function expectAllServed(results: ClientTokensResult[], perInstance: number): void {
  for (const r of results)
    expect(r, r.otherErrors.join(', ')).toEqual({ ok: perInstance, rateLimited: 0, otherErrors: [] });
}

/** Every instance asked at the same moment for the same user's client token: one `/token` call. */
export async function oneUserOneCall(ctx: FleetContext): Promise<void> {
  const e = await ctx.emulator({ tokenLifetimeSec: 3600 });
  await ctx.configure(e, {});
  for (let round = 0; round < 3; round++) {
    const user = e.createUser({}).id;
    // Three asks per instance too: the process's own single flight in front of the fleet's.
    const results = await Promise.all(ctx.fleet().map((i) => i.clientTokens([user, user, user])));
    await expectShared(ctx);
    expectAllServed(results, 3);
    expect(e.counters.clientTokens).toBe(round + 1);
  }
  expect(e.counters.tokenCalls).toBe(3);
}

/** 100 users, each asked at the same moment on every instance: one `/token` call per user. */
export async function hundredUsersHundredCalls(ctx: FleetContext): Promise<void> {
  const e = await ctx.emulator({ tokenLifetimeSec: 3600 });
  await ctx.configure(e, {});
  const users = Array.from({ length: 100 }, () => e.createUser({}).id);
  const results = await Promise.all(ctx.fleet().map((i) => i.clientTokens(users)));
  await expectShared(ctx);
  expectAllServed(results, users.length);
  expect(e.counters.clientTokens).toBe(100);
  expect(e.counters.tokenCalls).toBe(100);
}

/**
 * The instance holding a user's lock is SIGKILLed in the middle of its `/token` call: the others,
 * waiting on that lock, take it over once it expires and answer; no request fails.
 */
export async function clientLockHolderKilled(ctx: FleetContext): Promise<void> {
  const e = await ctx.emulator({ tokenLifetimeSec: 3600 });
  // lock TTL = tokenTimeoutMs + retry.maxDelayMs + 1 s = 2.2 s
  await ctx.configure(e, { tokenTimeoutMs: 1_000, retry: { minDelayMs: 50, maxDelayMs: 200 } });
  const user = e.createUser({}).id;
  e.injectFault({ path: '/token', delayMs: 10_000, times: 1 });

  const [holder, ...survivors] = ctx.fleet() as [Instance, ...Instance[]];
  try {
    const doomed = holder.clientTokens([user]);
    doomed.catch(() => {});
    await until(() => e.counters.tokenCalls === 1, 'the holder calls /token');
    const asks = survivors.map((i) => i.clientTokens([user, user]));
    await sleep(200); // they are waiting on the holder's lock
    expect(e.counters.tokenCalls).toBe(1);
    await holder.kill();

    const served = await Promise.all(asks);
    await expectShared(ctx, survivors);
    expectAllServed(served, 2);
    // The holder's call (never answered), then exactly one by a survivor once the lock expired.
    expect(e.counters.tokenCalls).toBe(2);
    await expect(doomed).rejects.toThrow(/instance exited/);
  } finally {
    await holder.kill();
    await ctx.replace(0);
  }
}

/**
 * The whole fleet started with a wrong key under steady traffic (server and client tokens) for
 * 10 s: at most 2 `/token` calls together (a 5 s window, then a 10 s one), every caller answered
 * at once with the configuration error. Then the key corrected by a restart (same store, same
 * prefix) works at once.
 */
export async function wrongKeyDoesNotStorm(ctx: FleetContext, wrongKey: string): Promise<void> {
  const e = await ctx.emulator({ tokenLifetimeSec: 3600 });
  const prefix = await ctx.configure(e, {}, { apiKey: wrongKey });
  const fleet = ctx.fleet();
  const users = Array.from({ length: 5 }, () => e.createUser({}).id);

  const started = Date.now();
  await Promise.all(fleet.map((i) => i.startTraffic(2, 50)));
  const clientAsks: Promise<ClientTokensResult>[] = [];
  while (Date.now() - started < 10_000) {
    clientAsks.push(...fleet.map((i, n) => i.clientTokens([users[n % users.length]!])));
    await sleep(200);
  }
  const traffic = await Promise.all(fleet.map((i) => i.stopTraffic()));
  const clients = await Promise.all(clientAsks);
  expect(Date.now() - started).toBeLessThan(14_000); // the third window would open at 15 s
  await expectShared(ctx);

  expect(e.counters.tokenCalls).toBeGreaterThanOrEqual(1);
  expect(e.counters.tokenCalls).toBeLessThanOrEqual(2);
  for (const t of traffic) {
    expect(t.ok).toBe(0);
    expect(t.failed).toBeGreaterThan(10);
    expect(new Set(t.errors)).toEqual(new Set(['basiq_configuration']));
  }
  for (const c of clients) expect(c).toEqual({ ok: 0, rateLimited: 0, otherErrors: ['basiq_configuration'] });

  // Restarted with the right key on the same store: no window to wait out.
  const before = e.counters.tokenCalls;
  await ctx.configure(e, {}, { prefix });
  const [first] = fleet as [Instance];
  expect(await first.serverBurst(3)).toMatchObject({ ok: 3, failed: 0 });
  expectAllServed([await first.clientTokens([users[0]!])], 1);
  expect(e.counters.tokenCalls).toBe(before + 2);
}
