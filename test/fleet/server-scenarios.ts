/**
 * Fleet scenarios about the server token and the shared budget, written once for every shared
 * store (one redis-server, a Redis Cluster), as token-scenarios.ts is for client tokens.
 */
import { expect } from 'vitest';
import type { Instance } from './fleet.js';
import { SHORT_TOKEN_OPTIONS, sleep, until } from './harness.js';
import type { Fleet, SharedStore } from './harness.js';

/** Every instance asks more client tokens than the shared budget allows: the fleet stays within it. */
export async function sharedBudget(fleet: Fleet<SharedStore>): Promise<void> {
  const e = await fleet.emulator({ tokenLifetimeSec: 3600 });
  const budget = { limit: 12, serverReserve: 2, windowMs: 60_000 };
  await fleet.configure(e, { budget });
  const perInstance = 6;
  const instances = fleet.instances;
  const userIds = instances.map(() => Array.from({ length: perInstance }, () => e.createUser({}).id));

  const results = await Promise.all(instances.map((i, n) => i.clientTokens(userIds[n] as string[])));
  const ok = results.reduce((s, r) => s + r.ok, 0);
  for (const r of results) expect(r.otherErrors).toEqual([]);
  const logs = (await Promise.all(instances.map((i) => i.stats()))).flatMap((s) => s.logs);
  // Alone, each instance would have allowed all of its own.
  expect(ok, logs.join('\n')).toBe(budget.limit - budget.serverReserve);
  expect(results.reduce((s, r) => s + r.rateLimited, 0)).toBe(instances.length * perInstance - ok);
  expect(e.counters.clientTokens).toBe(ok);
  expect(e.counters.tokenCalls).toBe(ok);

  // Server tokens still get through: the reserve is theirs.
  const server = await Promise.all(instances.map((i) => i.serverBurst(5)));
  for (const s of server) expect(s.failed, s.errors.join(', ')).toBe(0);
  expect(e.counters.serverTokens).toBe(1);
  await fleet.expectNoSecrets();
}

/**
 * The instance holding the refresh lock is SIGKILLed while its `/token` call hangs: its lock stays
 * in the store, one other instance refreshes once it expires, and no request of theirs fails.
 */
export async function serverLockHolderKilled(fleet: Fleet<SharedStore>): Promise<void> {
  const e = await fleet.emulator({ tokenLifetimeSec: 3600 });
  // lock TTL = tokenTimeoutMs + retry.maxDelayMs + 1 s = 2.2 s
  const prefix = await fleet.configure(e, {
    tokenTimeoutMs: 1_000,
    retry: { minDelayMs: 50, maxDelayMs: 200 },
  });
  e.injectFault({ path: '/token', delayMs: 10_000, times: 1 });
  const locks = async () =>
    (await fleet.store().dump()).keys.filter((k) => k.startsWith(prefix) && k.endsWith(':lock:server'));

  const [holder, ...survivors] = fleet.instances as [Instance, ...Instance[]];
  try {
    const doomed = holder.serverBurst(10);
    doomed.catch(() => {});
    await until(async () => e.counters.tokenCalls === 1, 'the holder calls /token');
    const held = await locks();
    expect(held).toHaveLength(1);
    await holder.kill();
    // The killed holder never released its lock: it is still there.
    expect(await locks()).toEqual(held);

    const bursts = await Promise.all(survivors.map((i) => i.serverBurst(20)));
    for (const b of bursts) expect(b, b.errors.join(', ')).toMatchObject({ ok: 20, failed: 0 });
    const logs = (await Promise.all(survivors.map((i) => i.stats()))).flatMap((s) => s.logs);
    expect(new Set(bursts.flatMap((b) => b.tokens)).size, logs.join('\n')).toBe(1);
    // The holder's call, then exactly one refresh by a survivor.
    expect(e.counters.tokenCalls).toBe(2);
    await expect(doomed).rejects.toThrow(/instance exited/);
  } finally {
    // Whatever happened, the later tests get a full, live fleet.
    await holder.kill();
    await fleet.replace(0);
  }
  await fleet.expectNoSecrets();
}

/** How a store goes away and comes back. */
export interface StoreOutage {
  /** Takes the store (or the part holding the shared token, whose key has `prefix`) down. */
  down(prefix: string): Promise<void>;
  /** Brings it back. */
  up(): Promise<void>;
  /** Waited beyond a token lifetime while the store is down. */
  graceMs: number;
  /** What "back" means, for the timeout message. */
  what: string;
}

/**
 * Under steady traffic the store goes down for longer than a token lifetime: no request fails
 * (each instance refreshes on its own meanwhile), every instance goes back to the store once it
 * is up, and sharing resumes: one `/token` call serves the whole fleet again.
 */
export async function storeOutage(fleet: Fleet<SharedStore>, outage: StoreOutage): Promise<void> {
  const lifetimeSec = 3;
  const instances = fleet.instances;
  const e = await fleet.emulator({ tokenLifetimeSec: lifetimeSec });
  const prefix = await fleet.configure(e, SHORT_TOKEN_OPTIONS);
  const warm = await Promise.all(instances.map((i) => i.serverBurst(10)));
  expect(new Set(warm.flatMap((b) => b.tokens)).size).toBe(1);
  await fleet.expectNoSecrets();

  await Promise.all(instances.map((i) => i.startTraffic(2, 20)));
  await sleep(300);
  await outage.down(prefix);
  // Longer than a token lifetime: every instance has to refresh on its own meanwhile.
  await sleep(lifetimeSec * 1_000 + outage.graceMs);
  const afterOutage = e.counters.serverTokens;
  await outage.up();

  // Core probes the store again (every 5 s while degraded, on use) and goes back to it.
  await until(
    async () => {
      const stats = await Promise.all(instances.map((i) => i.stats()));
      return stats.every((s) => s.degraded >= 1 && s.recovered === s.degraded);
    },
    outage.what,
    30_000,
  );
  const traffic = await Promise.all(instances.map((i) => i.stopTraffic()));
  for (const t of traffic) {
    expect(t.failed, t.errors.join(', ')).toBe(0);
    expect(t.ok).toBeGreaterThan(0);
  }
  // While the store was down the instances did refresh, each on its own.
  expect(afterOutage).toBeGreaterThan(1);

  // Sharing is back: once every in-process copy has expired (no traffic, so no refresh), one
  // instance fetches a token and every other one reads it from the store.
  await sleep(lifetimeSec * 1_000 + 200);
  const before = e.counters.serverTokens;
  const [first, ...rest] = instances as [Instance, ...Instance[]];
  const fetched = await first.serverBurst(5);
  expect(fetched.failed).toBe(0);
  expect(e.counters.serverTokens).toBe(before + 1);
  const others = await Promise.all(rest.map((i) => i.serverBurst(5)));
  expect(others.flatMap((o) => o.tokens)).toEqual(rest.map(() => fetched.tokens[0]));
  expect(e.counters.serverTokens).toBe(before + 1);
  await fleet.expectNoSecrets();
}
