import type { BasiqOptions, TokenStore } from '@basiq-token/core';
import { SEED_USER_ID, startEmulator, type BasiqEmulator } from '@basiq-token/emulator';
import { createRedisStore } from '@basiq-token/redis';
import { Cluster, Redis } from 'ioredis';

/** The demo's stand-in for a session: the signed-in Basiq user id. */
export const DEMO_USER_HEADER = 'x-demo-user';

/** Reads the demo sign-in header; real apps resolve the user from their own session. */
export function demoUserId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value === undefined || value === '' ? undefined : value;
}

export interface DemoEnv {
  /** Options for the Basiq client (apiKey, baseUrl, and the Redis store when REDIS_URL or REDIS_CLUSTER_NODES is set). */
  basiq: BasiqOptions;
  /** Where the Consent UI lives (the emulator's stand-in page in emulator mode). */
  consentBaseUrl: string | undefined;
  port: number;
  /** The in-process emulator, when BASIQ_API_KEY was unset. */
  emulator: BasiqEmulator | undefined;
  /** Stops the emulator and the Redis connection this module opened. */
  close(): Promise<void>;
}

const BASIQ_PRODUCTION = 'https://au-api.basiq.io';

/** The environment cannot start the demo: `main` prints the message (one line) and exits 1. */
export class DemoEnvError extends Error {
  override name = 'DemoEnvError';
}

/**
 * The examples' environment contract: BASIQ_API_KEY, BASIQ_API_URL, PORT, REDIS_URL (or
 * REDIS_CLUSTER_NODES=host:port,host:port for a Redis Cluster).
 * Without BASIQ_API_KEY, starts the Basiq emulator in this process and says so first. Rejects
 * with a {@link DemoEnvError} when the environment cannot work (a bad PORT or REDIS_CLUSTER_NODES,
 * both REDIS_URL and REDIS_CLUSTER_NODES; BASIQ_API_KEY set but empty beside BASIQ_API_URL).
 */
export async function loadDemoEnv(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = console.log,
): Promise<DemoEnv> {
  const port = parsePort(env.PORT);
  const clusterNodes = parseClusterNodes(env.REDIS_CLUSTER_NODES);
  if (clusterNodes && env.REDIS_URL) throw new DemoEnvError('Set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  let emulator: BasiqEmulator | undefined;
  let apiKey = env.BASIQ_API_KEY?.trim() ? env.BASIQ_API_KEY : undefined;
  let baseUrl = env.BASIQ_API_URL || BASIQ_PRODUCTION;
  // A key meant for BASIQ_API_URL but lost on the way (an empty secret, a blank .env line) must
  // not quietly turn into a demo on the emulator.
  if (apiKey === undefined && env.BASIQ_API_KEY !== undefined && env.BASIQ_API_URL)
    throw new DemoEnvError(
      'BASIQ_API_KEY is set but empty while BASIQ_API_URL is set: set BASIQ_API_KEY to your Basiq API key, or unset both to use the local emulator',
    );
  if (!apiKey) {
    emulator = await startEmulator();
    apiKey = emulator.apiKey;
    baseUrl = emulator.url;
    log(`BASIQ_API_KEY is not set: using the local Basiq emulator at ${emulator.url}`);
    log(`Demo user id: ${SEED_USER_ID} (send it as the ${DEMO_USER_HEADER} header)`);
  }
  let redis: Redis | Cluster | undefined;
  let store: TokenStore | undefined;
  if (clusterNodes) {
    // Fail fast while a node is down instead of queueing: core degrades to in-process, then probes.
    const cluster = new Cluster(clusterNodes, {
      enableOfflineQueue: false,
      redisOptions: { maxRetriesPerRequest: 1 },
      lazyConnect: true,
    });
    redis = cluster;
    cluster.on('error', () => undefined);
    log(
      `REDIS_CLUSTER_NODES is set: sharing tokens through the Redis Cluster at ${clusterNodes.length} node(s)`,
    );
    // Ready before the first request (without the offline queue, commands sent while connecting
    // are refused). A cluster that is down does not stop the demo: ioredis keeps retrying.
    await cluster
      .connect()
      .catch(() => log('The Redis Cluster is not reachable yet: each instance works alone until it is'));
    store = createRedisStore({ client: redis });
  } else if (env.REDIS_URL) {
    const single = new Redis(env.REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    redis = single;
    // Outages are handled by core (it degrades to in-process); keep ioredis from crashing the process.
    single.on('error', () => undefined);
    log('REDIS_URL is set: sharing tokens through Redis');
    // Connected before the start-up warm-up's first command, which the disabled offline queue would
    // refuse (core would start degraded). A Redis that is down does not stop the demo.
    await single
      .connect()
      .catch(() => log('Redis is not reachable yet: this instance works alone until it is'));
    store = createRedisStore({ client: redis });
  }
  return {
    basiq: { apiKey, baseUrl, ...(store ? { store } : {}) },
    consentBaseUrl: emulator ? `${emulator.url}/consent` : undefined,
    port,
    emulator,
    async close() {
      redis?.disconnect();
      await emulator?.stop();
    },
  };
}

/** `host:port,host:port` (IPv6 hosts in brackets) → ioredis Cluster's startup nodes. */
function parseClusterNodes(value: string | undefined): Array<{ host: string; port: number }> | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((entry) => {
    const match = /^\s*(\[[^\]]+\]|[^:\s]+):(\d{1,5})\s*$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || !(port > 0 && port <= 65535)) {
      throw new DemoEnvError(`REDIS_CLUSTER_NODES must be host:port,host:port, got "${entry.trim()}"`);
    }
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new DemoEnvError(`PORT must be a port number, got "${value}"`);
  return port;
}

/**
 * For `main`: a {@link DemoEnvError} is a misconfiguration, printed as one line (no stack) before
 * exiting 1; anything else is rethrown.
 */
export function exitOnDemoEnvError(error: unknown): never {
  if (!(error instanceof DemoEnvError)) throw error;
  console.error(`Cannot start: ${error.message}`);
  process.exit(1);
}
