import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { noteRedisSkip, redisSupport } from '../support/redis-server.js';
import { SHORT_TOKEN_OPTIONS, redisServerStore, sleep, useFleet } from './harness.js';
import { serverLockHolderKilled, sharedBudget, storeOutage } from './server-scenarios.js';
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

  it('the whole fleet stays within one shared /token budget', () => sharedBudget(ctx), 30_000);

  it(
    'when the lock holder is killed mid-refresh, another instance refreshes once the lock expires; nothing fails',
    () => serverLockHolderKilled(ctx),
    30_000,
  );

  it(
    'keeps serving while Redis is down, and shares again once Redis is back',
    () =>
      storeOutage(ctx, {
        down: () => ctx.store().server.halt(),
        up: () => ctx.store().server.restart(),
        graceMs: 1_000,
        what: 'every instance is back on Redis',
      }),
    60_000,
  );
});
