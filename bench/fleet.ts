// SERVER_ACCESS /token calls per token lifetime for fleets of 1, 2, 4 and 8 instances, each
// instance its own core client (and, with Redis, its own Redis connection), with and without
// a shared RedisStore. Every configuration runs at the same time against its own emulator,
// so the whole table is measured in one run. Then CLIENT_ACCESS /token calls per user when
// every instance is asked for the same users' client tokens at the same moment. Then a
// cold-start fleet: 10, 100 and 1,000 short-lived invocations, each a new client with an empty
// memory (and a new store connection) that gets the server token and is closed, without a
// store, with Redis over TCP (ioredis) and with the HTTP store (@upstash/redis against a local
// Upstash REST endpoint over the same redis-server).
//
//   npx tsx bench/fleet.ts              5 s tokens over 4 lifetimes (about 25 s), cold starts over 4 (about 60 s)
//   npx tsx bench/fleet.ts --quick      3 s tokens over 3 lifetimes (about 12 s), cold starts over 2 (about 20 s)
//   npx tsx bench/fleet.ts --cold-only  the cold-start table only
//
// Uses a local `redis-server` (or REDIS_URL); without either, prints the in-process column only.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

// The packages are loaded from their TypeScript sources (no build needed): tsx maps
// `@basiq-token/*` through tsconfig.json's paths, so make sure it reads that file.
if (!process.env.TSX_TSCONFIG_PATH) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, TSX_TSCONFIG_PATH: `${root}tsconfig.json` },
    },
  );
  process.exit(run.status ?? 1);
}

const quick = process.argv.includes('--quick');
const lifetimeSec = quick ? 3 : 5;
const lifetimes = quick ? 3 : 4;
const sizes = [1, 2, 4, 8];
const callersPerInstance = 2;
const clientUsers = quick ? 20 : 50;
const asksPerUserPerInstance = 3;
const coldOnly = process.argv.includes('--cold-only');
const coldLifetimes = quick ? 2 : 4;
const coldSizes = (process.env.BENCH_COLD_SIZES ?? '10,100,1000').split(',').map(Number);

const { Redis } = await import('ioredis');
const { createBasiqClient } = await import('@basiq-token/core');
const { startEmulator } = await import('@basiq-token/emulator');
const { createRedisStore } = await import('@basiq-token/redis');
const { redisSupport, startRedisServer } = await import('../test/support/redis-server.js');
const { Redis: Upstash } = await import('@upstash/redis');
const { startUpstashRestProcess } = await import('../test/support/upstash-rest.js');
const { arrivals, nodeColdStart, runColdStarts } = await import('../test/fleet/cold-start.js');

type BasiqClient = ReturnType<typeof createBasiqClient>;
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

interface Run {
  size: number;
  shared: boolean;
  emulator: Emulator;
  clients: BasiqClient[];
  cleanup: Array<() => Promise<void> | void>;
  ok: number;
  failed: number;
}

const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function prepare(size: number, redisUrl: string | undefined): Promise<Run> {
  const emulator = await startEmulator({ tokenLifetimeSec: lifetimeSec });
  const run: Run = {
    size,
    shared: redisUrl !== undefined,
    emulator,
    clients: [],
    cleanup: [],
    ok: 0,
    failed: 0,
  };
  const prefix = `bench:${randomUUID()}:`;
  for (let i = 0; i < size; i++) {
    let store;
    if (redisUrl) {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      redis.on('error', () => {});
      run.cleanup.push(() => redis.disconnect());
      store = createRedisStore({ client: redis, prefix });
    }
    const client = createBasiqClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      ...(store ? { store } : {}),
      // Refresh in the last fifth of a lifetime: one refresh per lifetime per token holder.
      refresh: { softWindowMs: (lifetimeSec * 1000) / 5, hardWindowMs: (lifetimeSec * 1000) / 20 },
      logger: silent,
    });
    run.clients.push(client);
    run.cleanup.unshift(() => client.close());
  }
  return run;
}

async function traffic(run: Run, until: number): Promise<void> {
  const caller = async (client: BasiqClient) => {
    while (Date.now() < until) {
      try {
        await client.getServerToken();
        run.ok++;
      } catch {
        run.failed++;
      }
      await sleep(10);
    }
  };
  await Promise.all(run.clients.flatMap((c) => Array.from({ length: callersPerInstance }, () => caller(c))));
}

const redisServer = redisSupport.available ? await startRedisServer() : undefined;
try {
  if (!coldOnly) await warmFleet();
  if (!(await coldStarts())) process.exitCode = 1;
} finally {
  await redisServer?.stop();
}

/** The long-lived fleets of 1 to 8 instances: server tokens over time, then client tokens. */
async function warmFleet(): Promise<void> {
  const runs: Run[] = [];
  for (const size of sizes) {
    runs.push(await prepare(size, undefined));
    if (redisServer) runs.push(await prepare(size, redisServer.url));
  }

  console.log(
    `fleet: SERVER_ACCESS /token calls per token lifetime (${lifetimeSec} s tokens, ${lifetimes} lifetimes, ` +
      `${callersPerInstance} callers per instance, all configurations at once)`,
  );
  if (!redisServer) console.log(`(no Redis column: ${redisSupport.reason})`);

  const started = Date.now();
  await Promise.all(runs.map((r) => traffic(r, started + lifetimes * lifetimeSec * 1000)));
  const measuredLifetimes = (Date.now() - started) / (lifetimeSec * 1000);

  const perLifetime = (r: Run | undefined) =>
    r ? (r.emulator.counters.serverTokens / measuredLifetimes).toFixed(2).padStart(13) : '            -';
  console.log('instances | without Redis | with Redis    | requests served (failed)');
  for (const size of sizes) {
    const alone = runs.find((r) => r.size === size && !r.shared);
    const shared = runs.find((r) => r.size === size && r.shared);
    const served = [alone, shared]
      .filter((r): r is Run => r !== undefined)
      .map((r) => `${r.ok} (${r.failed})`)
      .join(' / ');
    console.log(`${String(size).padStart(9)} | ${perLifetime(alone)} | ${perLifetime(shared)} | ${served}`);
  }
  console.log(
    'Counts include the first fetch; a token is refreshed when a fifth of its lifetime is left, so one holder ' +
      'makes about 1.25 calls per lifetime.\nWithout a shared store every instance refreshes its own token ' +
      '(calls grow with the fleet); with Redis the fleet refreshes as one, whatever its size.',
  );

  // Client tokens: every instance asked at once for the same users, a few times each.
  const clientCalls = new Map<Run, number>();
  await Promise.all(
    runs.map(async (r) => {
      const users = Array.from({ length: clientUsers }, (_, i) => `bench-user-${i}`);
      const before = r.emulator.counters.clientTokens;
      const asks = r.clients.flatMap((c) =>
        users.flatMap((u) => Array.from({ length: asksPerUserPerInstance }, () => c.getClientToken(u))),
      );
      const settled = await Promise.allSettled(asks);
      r.failed += settled.filter((a) => a.status === 'rejected').length;
      clientCalls.set(r, r.emulator.counters.clientTokens - before);
    }),
  );
  console.log(
    `\nfleet: CLIENT_ACCESS /token calls per user (${clientUsers} users, each asked ${asksPerUserPerInstance} times ` +
      'on every instance at the same moment)',
  );
  const perUser = (r: Run | undefined) =>
    r ? ((clientCalls.get(r) ?? 0) / clientUsers).toFixed(2).padStart(13) : '            -';
  console.log('instances | without Redis | with Redis');
  for (const size of sizes) {
    const alone = runs.find((r) => r.size === size && !r.shared);
    const shared = runs.find((r) => r.size === size && r.shared);
    console.log(`${String(size).padStart(9)} | ${perUser(alone)} | ${perUser(shared)}`);
  }
  console.log(
    'Without a shared store each instance fetches its own client token per user; with Redis a per-user lock ' +
      'elects one instance and the others read its token from the store.',
  );

  for (const r of runs) {
    for (const c of r.cleanup) await c();
    await r.emulator.stop();
  }
  if (runs.some((r) => r.failed > 0)) process.exitCode = 1;
}

/**
 * The cold-start fleet, each configuration against its own emulator: a tenth of the
 * invocations arrive at once (a deploy, a spike), the rest evenly over `coldLifetimes` token
 * lifetimes. Every simulated instance and the emulators share this one process, so arrivals are
 * kept under {@link MAX_ARRIVALS_PER_SEC} by lengthening the token lifetime for the larger
 * fleets: faster, the process (not the store) saturates, store calls time out and invocations
 * degrade to fetching their own token. The REST endpoint runs in a process of its own, as Upstash
 * does: here, it would answer only when the fleet's event loop let it.
 */
async function coldStarts(): Promise<boolean> {
  const MAX_ARRIVALS_PER_SEC = 40;
  const rest = redisServer ? await startUpstashRestProcess(redisServer.url) : undefined;
  type Config = 'none' | 'tcp' | 'http';
  type Cell = { calls: number; failed: number; degraded: number; errors: string[] };
  const configs = (rest ? (['none', 'tcp', 'http'] as Config[]) : (['none'] as Config[])).filter(
    (c) => !process.env.BENCH_COLD_CONFIGS || process.env.BENCH_COLD_CONFIGS.split(',').includes(c),
  );
  const cells = new Map<string, Cell>();
  const reasons = new Set<string>();
  const lifetimeOf = (size: number) =>
    Math.max(lifetimeSec, Math.ceil(size / MAX_ARRIVALS_PER_SEC / coldLifetimes));
  console.log(
    `\nfleet: cold starts, SERVER_ACCESS /token calls per token lifetime (each invocation a new client and ` +
      `store connection, closed after one call; arrivals over ${coldLifetimes} lifetimes, all runs at once)`,
  );

  async function measure(size: number, config: Config): Promise<void> {
    const lifetime = lifetimeOf(size);
    const refresh = { softWindowMs: (lifetime * 1000) / 5, hardWindowMs: (lifetime * 1000) / 20 };
    const spanMs = coldLifetimes * lifetime * 1000;
    const emulator = await startEmulator({ tokenLifetimeSec: lifetime });
    const prefix = `bench-cold:${randomUUID()}:`;
    let degraded = 0;
    const openStore =
      config === 'tcp'
        ? () => {
            const redis = new Redis(redisServer!.url, { maxRetriesPerRequest: 1 });
            redis.on('error', () => {});
            return {
              store: createRedisStore({ client: redis, prefix, commandTimeoutMs: 2_000 }),
              close: () => redis.disconnect(),
            };
          }
        : config === 'http'
          ? () => ({
              store: createRedisStore({
                client: new Upstash({
                  url: rest!.url,
                  token: rest!.token,
                  automaticDeserialization: false,
                  enableTelemetry: false,
                }),
                prefix,
                commandTimeoutMs: 2_000,
              }),
              close: () => {},
            })
          : undefined;
    const invoke = nodeColdStart({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      refresh,
      ...(openStore ? { openStore } : {}),
      onClient: (client) =>
        client.on('store:degraded', ({ message }) => {
          if (degraded++ === 0) reasons.add(`${size} ${config}: ${message}`);
        }),
    });
    const result = await runColdStarts({ offsetsMs: arrivals(size, spanMs, Math.ceil(size / 10)), invoke });
    cells.set(`${size}:${config}`, {
      calls: emulator.counters.serverTokens,
      failed: result.failed,
      degraded,
      errors: result.errors,
    });
    await emulator.stop();
  }

  try {
    await Promise.all(coldSizes.flatMap((n) => configs.map((c) => measure(n, c))));
  } finally {
    await rest?.close();
  }
  if (!rest) console.log(`(no Redis columns: ${redisSupport.reason})`);
  const cell = (c: Cell | undefined, width: number) =>
    (c ? `${(c.calls / coldLifetimes).toFixed(2)} (${c.calls})` : '-').padStart(width);
  console.log(
    'cold starts | lifetime | without a store | Redis (TCP)  | HTTP store (Upstash) | failed, degraded',
  );
  for (const size of coldSizes) {
    const at = (c: Config) => cells.get(`${size}:${c}`);
    const notes = configs.map((c) => `${at(c)?.failed ?? 0}, ${at(c)?.degraded ?? 0}`).join(' / ');
    console.log(
      `${String(size).padStart(11)} | ${`${lifetimeOf(size)} s`.padStart(8)} | ${cell(at('none'), 15)} | ${cell(at('tcp'), 12)} | ` +
        `${cell(at('http'), 20)} | ${notes}`,
    );
  }
  console.log(
    'Each cell: calls per lifetime (calls in all). With a shared store the fleet needs the tokens the time span ' +
      `needs, whatever the number of cold starts: a token is replaced when a fifth of its lifetime is left, so ` +
      `${Math.ceil(coldLifetimes / 0.8)} over ${coldLifetimes} lifetimes. Without one, every cold start makes its own call. ` +
      'Degraded: invocations whose store did not answer in time (core gives each store call 2 s; they then ' +
      `fetch their own token). Load average at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}.`,
  );
  if (reasons.size) console.log(`first degradation per run: ${[...reasons].join(' | ')}`);
  const errors = [...cells.values()].flatMap((c) => c.errors);
  if (errors.length) console.log(`failures, first few: ${errors.slice(0, 5).join(' | ')}`);
  return [...cells.values()].every((c) => c.failed === 0);
}
