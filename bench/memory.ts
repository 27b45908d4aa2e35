// Memory of the client-token cache: client tokens for 100,000 distinct users (20,000 with
// --quick) against the emulator, with the cache bound (`clientTokens.maxEntries`) at 10,000. The
// cache must stay at its bound, and the heap after GC must stop growing once it is full.
// The emulator runs in a child process, so the tokens it keeps are not on this heap.
//
//   node --import tsx --expose-gc bench/memory.ts [--quick]   (or through `npm run bench`)
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createBasiqClient } from '../packages/core/src/index.js';
import { startEmulatorProcess } from './support/emulator-process.js';
import { int, printTable } from './support/table.js';

const quick = process.argv.includes('--quick');
const USERS = quick ? 20_000 : 100_000;
const MAX_ENTRIES = 10_000;
const CONCURRENCY = 100;
// Heap figures are taken at these points of the run (after a full GC each time).
const CHECKPOINTS = [MAX_ENTRIES, (MAX_ENTRIES + USERS) / 2, USERS];

// `npm run bench` starts benches without --expose-gc: turn it on from here (the flag must be set
// before a context is created, hence the fresh one that hands back its `gc`).
if (typeof globalThis.gc !== 'function') setFlagsFromString('--expose-gc');
const gc = (globalThis.gc ?? runInNewContext('gc')) as () => void;

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
/** The heap after a full GC, once finalizers (Node's AbortSignal.timeout uses one) have run too. */
async function heapAfterGc(): Promise<number> {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  gc();
  await pause(50);
  gc();
  return process.memoryUsage().heapUsed;
}

console.log(
  `memory: CLIENT_ACCESS tokens for ${int(USERS)} distinct users, clientTokens.maxEntries ${int(MAX_ENTRIES)}, ` +
    `${CONCURRENCY} at a time; emulator in a child process; Node ${process.version}`,
);

const emulator = await startEmulatorProcess(['--rate-limit', String(USERS * 10)]);
const client = createBasiqClient({
  apiKey: emulator.apiKey,
  baseUrl: emulator.url,
  logger: false,
  // A one-second budget window: the in-process budget rescans its whole window on every /token
  // call, which at 100,000 calls per window would make this bench measure that instead.
  budget: { limit: USERS * 10, windowMs: 1_000 },
  clientTokens: { maxEntries: MAX_ENTRIES },
});
let failed = false;
try {
  // Warm: the server token, the HTTP pools, the code paths; then the baseline.
  await client.getServerToken();
  for (let i = 0; i < 200; i++) await client.getClientToken(`warm-up-${i}`);
  const beforeNoGc = process.memoryUsage().heapUsed;
  const before = await heapAfterGc();

  const rows: string[][] = [];
  const afterGcAt: number[] = [];
  let largestCache = 0;
  let next = 0;
  let issued = 0;
  for (const checkpoint of CHECKPOINTS) {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < checkpoint) {
          const userId = `memory-user-${next++}`;
          const token = await client.getClientToken(userId);
          if (token.userId !== userId) throw new Error(`a token for ${token.userId} instead of ${userId}`);
          issued++;
          largestCache = Math.max(largestCache, client.toJSON().clientTokensCached);
        }
      }),
    );
    const heapUsed = process.memoryUsage().heapUsed;
    const afterGc = await heapAfterGc();
    afterGcAt.push(afterGc);
    rows.push([
      int(checkpoint),
      int(client.toJSON().clientTokensCached),
      mb(heapUsed),
      mb(afterGc),
      mb(afterGc - before),
    ]);
  }

  const cached = client.toJSON().clientTokensCached;
  const counters = await emulator.counters();
  console.log(`heap used before: ${mb(beforeNoGc)} MB (${mb(before)} MB after GC)`);
  printTable(['users so far', 'cache size', 'heap used MB', 'after GC MB', 'over baseline MB'], rows);
  console.log(`largest cache size seen: ${int(largestCache)} (bound ${int(MAX_ENTRIES)})`);
  const growth = afterGcAt[afterGcAt.length - 1]! - afterGcAt[0]!;
  const callsSinceFull = USERS - MAX_ENTRIES;
  console.log(
    `heap after GC, from a full cache to the end of the run: ${growth >= 0 ? '+' : ''}${mb(growth)} MB ` +
      `(${(growth / callsSinceFull).toFixed(0)} bytes per user past the bound; 0 means nothing is kept per call)`,
  );
  console.log(`/token calls for client tokens: ${int(counters.clientTokens)} for ${int(issued)} users`);
  if (largestCache > MAX_ENTRIES || cached > MAX_ENTRIES) {
    console.error(
      `FAIL: the client-token cache grew past its bound (${int(largestCache)} > ${int(MAX_ENTRIES)})`,
    );
    failed = true;
  }
} finally {
  await client.close();
  await emulator.stop();
}
if (failed) process.exitCode = 1;
