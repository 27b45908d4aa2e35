/**
 * A long-running client must not keep anything per `/token` call once its caches are full: the
 * heap after GC stays flat across tens of thousands of client-token calls. (`fetch` is injected
 * and answers at once, so the run is CPU-bound and quick; bench/memory.ts does the same against
 * the emulator over HTTP.)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { createBasiqClient } from '@basiq-token/core';

// The bound is far below what one retained object per call would cost (tens of bytes each, so
// several MB over the measured calls) and far above what GC noise moves the heap by.
const WARM_CALLS = 5_000;
const MEASURED_CALLS = 60_000;
const MAX_GROWTH_BYTES = 1.5 * 1024 * 1024;

if (typeof globalThis.gc !== 'function') setFlagsFromString('--expose-gc');
const gc = (globalThis.gc ?? runInNewContext('gc')) as () => void;

/** The heap once the calls' timers have fired and GC, finalizers included, has run its course. */
async function heapAfterGc(): Promise<number> {
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await pause(200);
  gc();
  // FinalizationRegistry callbacks (Node's AbortSignal.timeout uses one) run after a GC, as a task.
  await pause(50);
  gc();
  return process.memoryUsage().heapUsed;
}

it(`keeps no per-call state (heap flat, no listener pile-up) over ${MEASURED_CALLS.toLocaleString('en')} client-token calls`, async () => {
  let issued = 0;
  // 50 calls in flight at once each listen for close(): that must not read as a listener leak.
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  const client = createBasiqClient({
    apiKey: 'bWVtb3J5LXRlc3Q6a2V5',
    baseUrl: 'http://127.0.0.1:9',
    logger: false,
    fetch: async () =>
      new Response(
        JSON.stringify({ access_token: `token-${++issued}`, expires_in: 3600, token_type: 'Bearer' }),
        {
          status: 200,
          headers: { 'content-type': 'application/json' },
        },
      ),
    // Each call's timeout timer lives this long even after its answer: short, so that the
    // measurement (taken once they have fired) sees what stays, not what is about to go.
    tokenTimeoutMs: 20,
    clientTokens: { maxEntries: 100 },
    // A tiny budget window keeps the budget's own bookkeeping small and out of the figure.
    budget: { limit: 1_000_000_000, windowMs: 5 },
  });
  try {
    let next = 0;
    const run = async (until: number) => {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < until) await client.getClientToken(`retention-user-${next++}`);
        }),
      );
    };
    await run(WARM_CALLS);
    const before = await heapAfterGc();
    await run(WARM_CALLS + MEASURED_CALLS);
    const growth = (await heapAfterGc()) - before;
    expect(issued).toBe(WARM_CALLS + MEASURED_CALLS);
    expect(client.toJSON().clientTokensCached).toBe(100);
    expect(growth, `heap grew ${(growth / 1024 / 1024).toFixed(2)} MB`).toBeLessThan(MAX_GROWTH_BYTES);
    expect(warnings).toEqual([]);
  } finally {
    process.off('warning', onWarning);
    await client.close();
  }
}, 120_000);
