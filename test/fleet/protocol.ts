/** Messages between the fleet test (parent) and one instance (child), over Node's IPC channel. */

/** How an instance builds its Basiq client. `redisUrl: null` means no shared store. */
export interface InstanceConfig {
  baseUrl: string;
  apiKey: string;
  redisUrl: string | null;
  prefix: string;
  /** Passed to createBasiqClient as-is (refresh windows, budget, timeouts). */
  clientOptions: Record<string, unknown>;
  /**
   * The Redis store's command timeout (default 500 ms, so an outage degrades fast). Suites about
   * sharing set it longer: on a loaded machine a slow answer would degrade an instance, which
   * then (correctly) works alone.
   */
  storeTimeoutMs?: number;
}

export type Request =
  | { op: 'configure'; config: InstanceConfig }
  | { op: 'serverBurst'; n: number }
  | { op: 'clientTokens'; userIds: string[] }
  | { op: 'startTraffic'; workers: number; pauseMs: number }
  | { op: 'stopTraffic' }
  | { op: 'stats' }
  | { op: 'shutdown' };

export interface BurstResult {
  ok: number;
  failed: number;
  /** Distinct tokens the callers got. */
  tokens: string[];
  errors: string[];
}

export interface ClientTokensResult {
  ok: number;
  rateLimited: number;
  otherErrors: string[];
}

export interface TrafficResult {
  ok: number;
  failed: number;
  errors: string[];
  /** The token the last successful call got. */
  lastToken: string | undefined;
  /** Distinct tokens seen during the run. */
  tokens: string[];
}

export interface Stats {
  degraded: number;
  recovered: number;
  /** Everything the library logged (warn and error), to scan for secrets. */
  logs: string[];
}

export type Message =
  | { type: 'ready'; pid: number }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
