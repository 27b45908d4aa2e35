import { createBasiqClient } from '@basiq-token/core';
import type { BasiqClient, BasiqOptions, TokenStore } from '@basiq-token/core';

/**
 * A simulated serverless fleet: many short-lived invocations, each a cold start with an empty
 * memory (its own Basiq client, and its own store connection if any), which asks for the
 * server token once and is closed. Shared by the Node test, bench/fleet.ts and a runtime
 * variant (workerd): `invoke` is whatever one cold start is on that runtime.
 */
export interface ColdStartPlan {
  /** When each invocation starts, in ms after the fleet starts (see {@link arrivals}). */
  offsetsMs: number[];
  /** One cold start, from nothing to closed; `index` is its position in `offsetsMs`. */
  invoke(index: number): Promise<void>;
}

export interface ColdStartResult {
  ok: number;
  failed: number;
  /** The first few failures' messages (never a token: core's errors carry none). */
  errors: string[];
  durationMs: number;
}

/**
 * Arrival times for `count` cold starts over `spreadMs`: a storm of `burst` at once (a deploy,
 * a traffic spike: the case where every instance would fetch its own token), then the rest
 * evenly spread.
 */
export function arrivals(count: number, spreadMs: number, burst = Math.min(count, 10)): number[] {
  const rest = count - burst;
  return [
    ...Array.from({ length: burst }, () => 0),
    ...Array.from({ length: rest }, (_, i) => ((i + 1) * spreadMs) / rest),
  ];
}

/** Runs the plan: each invocation starts at its offset, whether or not earlier ones have ended. */
export async function runColdStarts(plan: ColdStartPlan): Promise<ColdStartResult> {
  const started = Date.now();
  const result: ColdStartResult = { ok: 0, failed: 0, errors: [], durationMs: 0 };
  await Promise.all(
    plan.offsetsMs.map(async (offset, index) => {
      const wait = started + offset - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        await plan.invoke(index);
        result.ok++;
      } catch (err) {
        result.failed++;
        if (result.errors.length < 5) result.errors.push((err as Error).message);
      }
    }),
  );
  result.durationMs = Date.now() - started;
  return result;
}

/** A store for one invocation, and how to let go of it when the invocation ends. */
export interface InvocationStore {
  store: TokenStore;
  close(): Promise<void> | void;
}

/**
 * One cold start in this Node process: a new Basiq client (and store connection from
 * `openStore`, if given) that gets the server token and is closed, store connection too.
 */
export function nodeColdStart(opts: {
  apiKey: string;
  baseUrl: string;
  openStore?: () => InvocationStore | Promise<InvocationStore>;
  refresh?: BasiqOptions['refresh'];
  /** Sees each invocation's client as it is made (to count `store:degraded`, say). */
  onClient?: (client: BasiqClient) => void;
}): () => Promise<void> {
  const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} };
  return async () => {
    const opened = opts.openStore ? await opts.openStore() : undefined;
    const client = createBasiqClient({
      apiKey: opts.apiKey,
      baseUrl: opts.baseUrl,
      ...(opened ? { store: opened.store } : {}),
      ...(opts.refresh ? { refresh: opts.refresh } : {}),
      logger: silent,
    });
    opts.onClient?.(client);
    try {
      const token = await client.getServerToken();
      if (typeof token !== 'string' || token.length === 0) throw new Error('no server token');
    } finally {
      await client.close();
      await opened?.close();
    }
  };
}
