// What basiq-token costs a request, two ways.
//
// 1. CPU per request, in this process (bench/support/cpu-per-request.ts): core's `client.http`
//    and `client.fetch` against a plain axios instance and a plain fetch with a fixed
//    `Authorization`, GETs to a trivial server in another process, token cached. Stable where
//    throughput is not: it counts this process's CPU, not what the machine's other load leaves.
// 2. Throughput: each example app (Express, Koa, Nest, Next) proxying `GET /users/:userId` to
//    Basiq with our middleware, against the same example app given a stand-in client with a token
//    fetched once and set by hand (bench/support/baseline). The Next example is its `next build`
//    output under its own launcher (built first if its build is stale). The emulator, each app and
//    autocannon run in separate processes; runs alternate A/B (the order swapped every round,
//    so neither side always goes first) and the medians are reported.
//
//   npx tsx bench/overhead.ts            CPU: 9 rounds of 20,000 requests per client;
//                                        throughput: 8 rounds of 3 s per side and app, 20 connections
//   npx tsx bench/overhead.ts --quick    CPU: 3 rounds of 5,000; throughput: 3 rounds of 1 s
//   --cpu / --throughput                 only that table
import { measureCpuPerRequest } from './support/cpu-per-request.js';
import { median } from './support/stats.js';
import { startEmulatorProcess } from './support/emulator-process.js';
import { ROOT, startTsChild } from './support/child.js';
import type { TsChild } from './support/child.js';
import { load } from './support/load.js';
import type { LoadResult } from './support/load.js';
import { int, ms, printTable } from './support/table.js';
import { SEED_USER_ID } from '../packages/emulator/src/index.js';
import { ensureNextBuild } from '../test/support/next-build.js';

const quick = process.argv.includes('--quick');
const onlyCpu = process.argv.includes('--cpu');
const onlyThroughput = process.argv.includes('--throughput');
const CPU_TARGET_RATIO = 1.02;
const cpu = { requests: quick ? 5_000 : 20_000, rounds: quick ? 3 : 9, concurrency: 10 };
// Many short rounds rather than a few long ones: on a shared machine the load of other processes
// drifts, and alternating often spreads that drift evenly over both sides.
const rounds = quick ? 3 : 8;
const seconds = quick ? 1 : 3;
// The first measured round still ran slow after 1 s of warm-up (JIT, pools): give full runs more.
const warmupSeconds = quick ? 1 : 3;
const connections = 20;
const TARGET_RATIO = 0.95;

const frameworks = [
  { name: 'Express', main: 'examples/express/src/main.ts', baseline: 'express' },
  { name: 'Koa', main: 'examples/koa/src/main.ts', baseline: 'koa' },
  { name: 'NestJS', main: 'examples/nestjs/src/main.ts', baseline: 'nestjs' },
  // The launcher `npm run start -w examples/nextjs` runs: Next's production server in-process.
  { name: 'Next.js', main: 'examples/nextjs/start.mjs', baseline: 'nextjs' },
] as const;

const urlOf = (child: TsChild) => `${child.ready[1]}/users/${SEED_USER_ID}`;

if (!onlyThroughput) {
  console.log(
    `overhead${quick ? ' (quick)' : ''}, CPU per request: ${cpu.requests.toLocaleString('en-US')} GETs per round and client, ` +
      `${cpu.concurrency} at a time over keep-alive connections to a trivial server in another process, ` +
      `${cpu.rounds} interleaved rounds, token cached; Node ${process.version}`,
  );
  const rows = await measureCpuPerRequest(cpu);
  printTable(
    ['client', 'CPU µs per request', 'ratio', 'rounds (µs)'],
    rows.map((r) => [
      r.client,
      r.cpuUs.toFixed(1),
      r.ratio.toFixed(3),
      r.rounds.map((x) => x.toFixed(0)).join(' / '),
    ]),
  );
  const targeted = rows.filter((r) => r.client === 'client.http' || r.client === 'client.fetch');
  const over = targeted.filter((r) => r.ratio > CPU_TARGET_RATIO).length;
  console.log(
    `CPU = median over rounds of this process's user + system time per request; ratio = against the plain ` +
      `client above it (target <= ${CPU_TARGET_RATIO} for client.http and client.fetch; ${over} of ` +
      `${targeted.length} over target). The Fetch handler rows run in process, without a network: ` +
      `their difference is what core's client-token route costs per request on a cache hit.\n`,
  );
}

if (!onlyCpu) await throughput();

async function throughput(): Promise<void> {
  console.log(
    `overhead${quick ? ' (quick)' : ''}, throughput: GET /users/:id through each example app, ${connections} connections, ` +
      `${rounds} alternating rounds of ${seconds} s per side; Node ${process.version}`,
  );

  // What `npm run build -w examples/nextjs` makes; skipped when it is newer than the sources.
  await ensureNextBuild(`${ROOT}examples/nextjs`);
  const emulator = await startEmulatorProcess();
  const children: TsChild[] = [];
  try {
    const env = { BASIQ_API_KEY: emulator.apiKey, BASIQ_API_URL: emulator.url, PORT: '0', REDIS_URL: '' };
    // All eight apps start together (they idle until loaded); starting them one by one would double the wait.
    const apps = await Promise.all(
      frameworks.map(async (f) => {
        const [withMiddleware, baseline] = await Promise.all([
          startTsChild(f.main, [], { env, ready: /listening on (http:\/\/\S+)/ }),
          startTsChild('bench/support/baseline/main.ts', [f.baseline], {
            env,
            ready: /listening on (http:\/\/\S+)/,
          }),
        ]);
        children.push(withMiddleware, baseline);
        return { ...f, a: urlOf(withMiddleware), b: urlOf(baseline) };
      }),
    );

    const rows: string[][] = [];
    let failures = 0;
    let belowTarget = 0;
    for (const app of apps) {
      // JIT, connection pools and the middleware's first token fetch happen here, unmeasured.
      await load(app.a, connections, warmupSeconds);
      await load(app.b, connections, warmupSeconds);
      const a: LoadResult[] = [];
      const b: LoadResult[] = [];
      for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) {
          a.push(await load(app.a, connections, seconds));
          b.push(await load(app.b, connections, seconds));
        } else {
          b.push(await load(app.b, connections, seconds));
          a.push(await load(app.a, connections, seconds));
        }
      }
      const rpsA = median(a.map((r) => r.rps));
      const rpsB = median(b.map((r) => r.rps));
      const ratio = rpsA / rpsB;
      const failed = [...a, ...b].reduce((sum, r) => sum + r.failures, 0);
      failures += failed;
      if (ratio < TARGET_RATIO) belowTarget++;
      rows.push([
        app.name,
        int(rpsA),
        int(rpsB),
        ratio.toFixed(3),
        ms(median(a.map((r) => r.p99Ms))),
        ms(median(b.map((r) => r.p99Ms))),
        a.map((r) => int(r.rps)).join(' / '),
        b.map((r) => int(r.rps)).join(' / '),
        String(failed),
      ]);
    }

    printTable(
      [
        'app',
        'basiq-token req/s',
        'fixed header req/s',
        'ratio',
        'basiq-token p99 ms',
        'fixed header p99 ms',
        'basiq-token rounds',
        'fixed header rounds',
        'failed',
      ],
      rows,
    );
    const counters = await emulator.counters();
    console.log(
      `ratio = median req/s with basiq-token / median req/s with the fixed header (target >= ${TARGET_RATIO}); ` +
        `${belowTarget} of ${apps.length} below target.`,
    );
    console.log(
      `/token calls during the run: ${counters.tokenCalls} (one server token per app, ${apps.length * 2} apps); ` +
        `GET /users/{userId} answered by the emulator: ${int(counters.requests['GET /users/{userId}'] ?? 0)}`,
    );
    if (failures > 0) {
      console.log(`${failures} requests failed (non-2xx, error or timeout): the figures above are not valid`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await emulator.stop();
  }
}
