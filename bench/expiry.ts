// Latency of calls to Basiq (core's `http`, GET /users/{id}) in the 10 seconds around a server
// token's expiry: core's background refresh (the defaults) against a blocking refresh (refresh
// windows shrunk to 2 ms / 1 ms, so the token is renewed only when it runs out and callers wait
// for it, like a client that refetches after expiry). Both run at once, taking turns: a request
// every 5 ms in all, every 10 ms for each, whatever the answers do (an open loop, as users do),
// against one emulator in a child process whose /token answers are slowed down to stand in for a
// remote Basiq. Running them together means a stall of the machine shows in both; a wait for a
// token shows in one.
//
//   npx tsx bench/expiry.ts                  3 expiries pooled (about 40 s)
//   npx tsx bench/expiry.ts --quick          1 expiry (about 13 s)
//   add --token-delay-ms N to change the stand-in /token latency (default 250)
import { basiqAxios } from '@basiq-token/core/axios';
import { parseArgs } from 'node:util';
import { createBasiqClient } from '../packages/core/src/index.js';
import type { BasiqClient, BasiqOptions } from '../packages/core/src/index.js';
import { startEmulatorProcess } from './support/emulator-process.js';
import { percentile } from './support/stats.js';
import { int, ms, printTable } from './support/table.js';
import { SEED_USER_ID } from '../packages/emulator/src/index.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, 'token-delay-ms': { type: 'string', default: '250' } },
});
const quick = values.quick === true;
const tokenDelayMs = Number(values['token-delay-ms']);
// Pooling several expiries steadies the p99 of the 2-second bucket (200 requests per expiry).
const expiries = quick ? 1 : 3;
const intervalMs = 10;
const halfWindowMs = 5_000;
const aroundMs = 1_000;
// The first token lives 6 s (its expiry comes soon), the ones after it 12 s (no second expiry in the run).
const firstLifetimeSec = 6;
const laterLifetimeSec = 12;
// Slower than this is counted apart: about what a wait for a token costs here, well above loopback noise.
const slowMs = Math.max(50, tokenDelayMs / 2);

interface Sample {
  /** Send time relative to the first token's expiry (ms). */
  at: number;
  latencyMs: number;
  ok: boolean;
}

interface Variant {
  name: string;
  options: Partial<BasiqOptions>;
  samples: Sample[];
  replays: number;
  tokensFetched: number;
}

/** One variant's client during one expiry. */
interface Run {
  variant: Variant;
  client: BasiqClient;
  expiresAt: number;
}

const silent = { warn: () => {}, error: () => {} };

console.log(
  `expiry${quick ? ' (quick)' : ''}: GET /users/{id} through core's http, one request every ${intervalMs} ms ` +
    `per variant, ${halfWindowMs / 1000} s either side of a token expiry ` +
    `(${expiries > 1 ? `${expiries} expiries pooled` : 'one expiry'}); /token answers delayed ${tokenDelayMs} ms; ` +
    `Node ${process.version}`,
);

const variants: Variant[] = [
  { name: 'background refresh (defaults)', options: {}, samples: [], replays: 0, tokensFetched: 0 },
  {
    name: 'blocking refresh at expiry',
    options: { refresh: { softWindowMs: 2, hardWindowMs: 1 } },
    samples: [],
    replays: 0,
    tokensFetched: 0,
  },
];
for (let i = 0; i < expiries; i++) await aroundOneExpiry();

const rows: string[][] = [];
for (const v of variants) {
  const buckets: Array<[string, (at: number) => boolean]> = [
    [`before (-5 s to -1 s)`, (at) => at >= -halfWindowMs && at < -aroundMs],
    [`around expiry (±1 s)`, (at) => at >= -aroundMs && at <= aroundMs],
    [`after (+1 s to +5 s)`, (at) => at > aroundMs && at <= halfWindowMs],
  ];
  for (const [label, inBucket] of buckets) {
    const latencies = v.samples.filter((s) => inBucket(s.at)).map((s) => s.latencyMs);
    rows.push([
      v.name,
      label,
      int(latencies.length),
      ms(percentile(latencies, 50)),
      ms(percentile(latencies, 99)),
      ms(Math.max(...latencies)),
      int(latencies.filter((l) => l > slowMs).length),
    ]);
  }
}
printTable(['variant', 'sent', 'requests', 'p50 ms', 'p99 ms', 'max ms', `over ${slowMs} ms`], rows);
for (const v of variants) {
  const failed = v.samples.filter((s) => !s.ok).length;
  console.log(
    `${v.name}: ${v.tokensFetched} /token calls, ${v.replays} requests replayed after Basiq refused the token, ` +
      `${failed} failed`,
  );
  if (failed > 0) process.exitCode = 1;
}
console.log(
  'Target: no p99 step around expiry with the background refresh. Both variants run at the same time, ' +
    'so a stall of the machine shows in both rows.',
);

/** A fresh emulator and a fresh client per variant, loaded from just after the first token until 5 s past its expiry. */
async function aroundOneExpiry(): Promise<void> {
  const emulator = await startEmulatorProcess(['--token-lifetime', String(firstLifetimeSec)]);
  const runs: Run[] = [];
  try {
    if (tokenDelayMs > 0)
      await emulator.injectFault({ path: '/token', delayMs: tokenDelayMs, times: 1_000_000 });
    for (const variant of variants) {
      const client = createBasiqClient({
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        logger: silent,
        ...variant.options,
      });
      client.on('token:replay', () => variant.replays++);
      client.on('token:fetched', () => variant.tokensFetched++);
      runs.push({ variant, client, expiresAt: NaN });
    }
    await Promise.all(runs.map((r) => r.client.getServerToken()));
    await emulator.setTokenLifetime(laterLifetimeSec);
    for (const r of runs) r.expiresAt = r.client.toJSON().serverToken.expiresAt ?? NaN;

    const until = Math.max(...runs.map((r) => r.expiresAt)) + halfWindowMs;
    await Promise.all(runs.map((r, i) => traffic(r, until, (i * intervalMs) / runs.length)));
  } finally {
    await Promise.all(runs.map((r) => r.client.close()));
    await emulator.stop();
  }
}

/** Sends a request every `intervalMs` (after `offsetMs`) until `until`, without waiting for answers. */
async function traffic(
  { variant: v, client, expiresAt }: Run,
  until: number,
  offsetMs: number,
): Promise<void> {
  const inflight: Array<Promise<void>> = [];
  const start = performance.now() + offsetMs;
  for (let i = 0; ; i++) {
    // Scheduled from the start, not from the last tick, so timer drift does not lower the rate.
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = Date.now();
    if (sentAt > until) break;
    const t0 = performance.now();
    inflight.push(
      basiqAxios(client)
        .get(`/users/${SEED_USER_ID}`)
        .then(
          () => void v.samples.push({ at: sentAt - expiresAt, latencyMs: performance.now() - t0, ok: true }),
          () => void v.samples.push({ at: sentAt - expiresAt, latencyMs: performance.now() - t0, ok: false }),
        ),
    );
  }
  await Promise.all(inflight);
}
