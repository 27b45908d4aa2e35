import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { noteRedisSkip, redisSupport } from '../support/redis-server.js';
import type { Instance } from './fleet.js';
import { SHORT_TOKEN_OPTIONS, redisServerStore, sleep, until, useFleet } from './harness.js';
import { findLeaks, leakForms } from './secrets-scan.js';

noteRedisSkip('fleet');

const SIZE = 8;

describe.skipIf(!redisSupport.available)(`a fleet of ${SIZE} processes sharing one Redis`, () => {
  const ctx = useFleet({ size: SIZE, store: redisServerStore });
  const { instances: fleet, emulator, configure, expectNoSecrets } = ctx;

  it('the leak scan would see a token sealed the wrong way (clear, base64, base64url, inside JSON)', () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${randomUUID()}.${randomUUID()}`;
    for (const pad of ['', 'x', 'xy']) {
      const blob = Buffer.from(`{"t":"${pad}${token}","e":1}`);
      expect(findLeaks([blob.toString('base64')], [token])).toEqual(['secret #0']);
      expect(findLeaks([`v1.${blob.toString('base64url')}`], [token])).toEqual(['secret #0']);
    }
    expect(findLeaks([`prefix ${token} suffix`], [token])).toEqual(['secret #0']);
    expect(findLeaks([Buffer.from(randomUUID()).toString('base64')], [token])).toEqual([]);
    expect(leakForms(token).length).toBeGreaterThan(3);
  });

  it('a cold burst of 100 calls per instance makes one /token call; then about one per token lifetime', async () => {
    const lifetimeSec = 3;
    const e = await emulator({ tokenLifetimeSec: lifetimeSec });
    await configure(e, SHORT_TOKEN_OPTIONS);

    const startedAt = Date.now();
    const bursts = await Promise.all(fleet.map((i) => i.serverBurst(100)));
    for (const b of bursts) expect(b).toMatchObject({ ok: 100, failed: 0 });
    expect(new Set(bursts.flatMap((b) => b.tokens)).size).toBe(1);
    expect(e.counters.tokenCalls).toBe(1);
    expect(e.counters.serverTokens).toBe(1);

    // Steady traffic on every instance across three lifetimes.
    await Promise.all(fleet.map((i) => i.startTraffic(2, 20)));
    await sleep(3 * lifetimeSec * 1_000);
    const traffic = await Promise.all(fleet.map((i) => i.stopTraffic()));
    const elapsedLifetimes = Math.ceil((Date.now() - startedAt) / (lifetimeSec * 1_000));

    for (const t of traffic) {
      expect(t.failed, t.errors.join(', ')).toBe(0);
      expect(t.ok).toBeGreaterThan(0);
    }
    // Tokens did turn over (the fleet kept refreshing), yet about once per lifetime for the
    // whole fleet, not once per instance (which would be 8 per lifetime).
    expect(e.counters.serverTokens).toBeGreaterThanOrEqual(3);
    expect(e.counters.serverTokens).toBeLessThanOrEqual(elapsedLifetimes + 1);
    expect(e.counters.tokenCalls).toBe(e.counters.serverTokens);
    await expectNoSecrets();
  }, 60_000);

  it('the whole fleet stays within one shared /token budget', async () => {
    const e = await emulator({ tokenLifetimeSec: 3600 });
    const budget = { limit: 12, serverReserve: 2, windowMs: 60_000 };
    await configure(e, { budget });
    const perInstance = 6;
    const userIds = fleet.map(() => Array.from({ length: perInstance }, () => e.createUser({}).id));

    const results = await Promise.all(fleet.map((i, n) => i.clientTokens(userIds[n] as string[])));
    const ok = results.reduce((s, r) => s + r.ok, 0);
    const refused = results.reduce((s, r) => s + r.rateLimited, 0);
    for (const r of results) expect(r.otherErrors).toEqual([]);
    // Alone, each instance would have allowed all 6 of its own: 48 in all.
    expect(ok).toBe(budget.limit - budget.serverReserve);
    expect(refused).toBe(SIZE * perInstance - ok);
    expect(e.counters.clientTokens).toBe(ok);
    expect(e.counters.tokenCalls).toBe(ok);

    // Server tokens still get through: the reserve is theirs.
    const server = await Promise.all(fleet.map((i) => i.serverBurst(5)));
    for (const s of server) expect(s.failed, s.errors.join(', ')).toBe(0);
    expect(e.counters.serverTokens).toBe(1);
    await expectNoSecrets();
  }, 30_000);

  it('when the lock holder is killed mid-refresh, another instance refreshes once the lock expires; nothing fails', async () => {
    const e = await emulator({ tokenLifetimeSec: 3600 });
    // lock TTL = tokenTimeoutMs + retry.maxDelayMs + 1 s = 2.2 s
    const prefix = await configure(e, { tokenTimeoutMs: 1_000, retry: { minDelayMs: 50, maxDelayMs: 200 } });
    e.injectFault({ path: '/token', delayMs: 10_000, times: 1 });

    const [holder, ...survivors] = fleet as [Instance, ...Instance[]];
    const doomed = holder.serverBurst(10);
    doomed.catch(() => {});
    await until(async () => e.counters.tokenCalls === 1, 'the holder calls /token');
    const { raw } = ctx.store();
    const locks = await raw.keys(`${prefix}*lock:server*`);
    expect(locks).toHaveLength(1);
    await holder.kill();
    // The killed holder never released its lock: it is still there.
    expect(await raw.exists(locks[0] as string)).toBe(1);

    const bursts = await Promise.all(survivors.map((i) => i.serverBurst(20)));
    for (const b of bursts) expect(b, b.errors.join(', ')).toMatchObject({ ok: 20, failed: 0 });
    expect(new Set(bursts.flatMap((b) => b.tokens)).size).toBe(1);
    // The holder's call, then exactly one refresh by a survivor.
    expect(e.counters.tokenCalls).toBe(2);
    await expect(doomed).rejects.toThrow(/instance exited/);

    // Replace the killed instance for the rest of the suite.
    await ctx.replace(0);
    await expectNoSecrets();
  }, 30_000);

  it('keeps serving while Redis is down, and shares again once Redis is back', async () => {
    const lifetimeSec = 3;
    const e = await emulator({ tokenLifetimeSec: lifetimeSec });
    await configure(e, SHORT_TOKEN_OPTIONS);
    const warm = await Promise.all(fleet.map((i) => i.serverBurst(10)));
    expect(new Set(warm.flatMap((b) => b.tokens)).size).toBe(1);
    await expectNoSecrets();

    await Promise.all(fleet.map((i) => i.startTraffic(2, 20)));
    await sleep(300);
    const { server } = ctx.store();
    await server.halt();
    // Longer than a token lifetime: every instance has to refresh on its own meanwhile.
    await sleep(lifetimeSec * 1_000 + 1_000);
    const afterOutage = e.counters.serverTokens;
    await server.restart();

    // Core probes the store again (every 5 s while degraded, on use) and goes back to it.
    await until(
      async () => {
        const stats = await Promise.all(fleet.map((i) => i.stats()));
        return stats.every((s) => s.degraded >= 1 && s.recovered === s.degraded);
      },
      'every instance is back on Redis',
      30_000,
    );
    const traffic = await Promise.all(fleet.map((i) => i.stopTraffic()));
    for (const t of traffic) expect(t.failed, t.errors.join(', ')).toBe(0);
    // While Redis was down the instances did refresh, each on its own.
    expect(afterOutage).toBeGreaterThan(1);

    // Sharing is back: once every in-process copy has expired (no traffic, so no refresh),
    // one instance fetches a token and every other one reads it from Redis.
    await sleep(lifetimeSec * 1_000 + 200);
    const before = e.counters.serverTokens;
    const [first, ...rest] = fleet as [Instance, ...Instance[]];
    const fetched = await first.serverBurst(5);
    expect(fetched.failed).toBe(0);
    expect(e.counters.serverTokens).toBe(before + 1);
    const others = await Promise.all(rest.map((i) => i.serverBurst(5)));
    expect(others.flatMap((o) => o.tokens)).toEqual(rest.map(() => fetched.tokens[0]));
    expect(e.counters.serverTokens).toBe(before + 1);
    await expectNoSecrets();
  }, 60_000);
});
