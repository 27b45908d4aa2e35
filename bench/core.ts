// The token engine's figures: cache-hit speed, single flight, and /token calls over a simulated day.
// Run: npx tsx bench/core.ts [--quick]
import { performance } from 'node:perf_hooks';
import { createBasiqClient } from '../packages/core/src/index.js';
import type { BasiqClient } from '../packages/core/src/index.js';
import { startEmulator } from '../packages/emulator/src/index.js';

const quick = process.argv.includes('--quick');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (label: string, value: string) => console.log(`${label.padEnd(68)} ${value}`);

async function settled(client: BasiqClient): Promise<void> {
  while (client.toJSON().serverToken.refreshing) await new Promise((r) => setImmediate(r));
}

async function cacheHits(): Promise<void> {
  const emulator = await startEmulator({ port: 0 });
  const client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
  try {
    await client.getServerToken();
    const n = quick ? 200_000 : 2_000_000;
    for (let i = 0; i < n / 10; i++) await client.getServerToken(); // warm-up

    let t = performance.now();
    for (let i = 0; i < n; i++) await client.getServerToken();
    const hitsPerSec = n / ((performance.now() - t) / 1000);

    const map = new Map([['server', 'token']]);
    let sink = 0;
    t = performance.now();
    for (let i = 0; i < n; i++) sink += map.get('server')!.length;
    const mapPerSec = n / ((performance.now() - t) / 1000);

    t = performance.now();
    for (let i = 0; i < n; i++) sink += (await Promise.resolve(map.get('server')!)).length;
    const awaitedMapPerSec = n / ((performance.now() - t) / 1000);
    if (sink === 0) console.log('');

    line('cache-hit getServerToken() (awaited), calls/s', fmt(hitsPerSec));
    line('baseline: bare Map.get, calls/s', fmt(mapPerSec));
    line('baseline: awaited Promise.resolve(Map.get), calls/s', fmt(awaitedMapPerSec));
    line('ratio Map.get / getServerToken()', `${(mapPerSec / hitsPerSec).toFixed(1)}x`);
    line('ratio awaited Map.get / getServerToken()', `${(awaitedMapPerSec / hitsPerSec).toFixed(2)}x`);
    line('/token calls during the cache-hit run (target 1)', String(emulator.counters.tokenCalls));
  } finally {
    await client.close();
    await emulator.stop();
  }
}

async function coldCallers(): Promise<void> {
  const emulator = await startEmulator({ port: 0 });
  const client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false });
  try {
    const tokens = await Promise.all(Array.from({ length: 1_000 }, () => client.getServerToken()));
    line('1,000 concurrent cold callers: /token calls (target 1)', String(emulator.counters.tokenCalls));
    line('1,000 concurrent cold callers: distinct tokens', String(new Set(tokens).size));
  } finally {
    await client.close();
    await emulator.stop();
  }
}

async function simulatedDay(): Promise<void> {
  let now = Date.UTC(2030, 0, 1);
  const clock = { now: () => now };
  const day = 24 * 60 * 60 * 1000;
  const stepMs = quick ? 60_000 : 10_000;
  const emulator = await startEmulator({ port: 0, tokenLifetimeSec: 3600, now: clock.now });
  const client = createBasiqClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, logger: false, clock });
  let calls = 0;
  try {
    for (const end = now + day; now < end; now += stepMs) {
      await client.getServerToken();
      calls++;
      await settled(client);
    }
    line(
      `24 simulated hours, a call every ${stepMs / 1000} s (${fmt(calls)} calls): /token calls`,
      `${emulator.counters.tokenCalls} (target <= 27)`,
    );

    // The pattern of Basiq's sample apps: a module variable refetched every 30 minutes.
    emulator.resetCounters();
    now = Date.UTC(2030, 0, 1);
    let token: string | undefined;
    let fetchedAt = -Infinity;
    for (const end = now + day; now < end; now += stepMs) {
      if (!token || now - fetchedAt >= 30 * 60_000) {
        const res = await fetch(`${emulator.url}/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${emulator.apiKey}`,
            'basiq-version': '3.0',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'scope=SERVER_ACCESS',
        });
        token = ((await res.json()) as { access_token: string }).access_token;
        fetchedAt = now;
      }
    }
    line('same day, naive "refetch every 30 minutes": /token calls', String(emulator.counters.tokenCalls));
  } finally {
    await client.close();
    await emulator.stop();
  }
}

console.log(`bench/core${quick ? ' (quick)' : ''}: Node ${process.version}`);
await cacheHits();
await coldCallers();
await simulatedDay();
