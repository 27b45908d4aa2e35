// One instance of the fleet: a child process with its own core client and its own Redis
// connection, driven by the test over IPC. Run with `node --import tsx` (see fleet.ts).
// With REDIS_CLUSTER_NODES (`host:port,…`) in its environment it shares a Redis Cluster
// instead, through REDIS_CLUSTER_CLIENT's client (`ioredis`, the default, or `node-redis`).
import { Cluster, Redis } from 'ioredis';
import { createCluster } from 'redis';
import { createBasiqClient } from '@basiq-token/core';
import { createRedisStore } from '@basiq-token/redis';
import type {
  BurstResult,
  ClientTokensResult,
  InstanceConfig,
  Message,
  Request,
  Stats,
  TrafficResult,
} from './protocol.js';

type Client = ReturnType<typeof createBasiqClient>;

let client: Client | undefined;
let redis: Redis | undefined;
let closeCluster: (() => void) | undefined;
let stats: Stats = { degraded: 0, recovered: 0, logs: [] };
let traffic: { running: boolean; done: Promise<void>[]; result: TrafficResult } | undefined;

const send = (message: Message) => process.send?.(message);
const describe = (err: unknown) =>
  err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : String(err);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function teardown(): Promise<void> {
  if (traffic) await stopTraffic();
  await client?.close();
  client = undefined;
  redis?.disconnect();
  redis = undefined;
  closeCluster?.();
  closeCluster = undefined;
}

/** A store over the Redis Cluster in REDIS_CLUSTER_NODES, or undefined when there is none. */
async function clusterStore(prefix: string, commandTimeoutMs: number) {
  const nodes = (process.env.REDIS_CLUSTER_NODES ?? '').split(',').filter(Boolean);
  if (nodes.length === 0) return undefined;
  if (process.env.REDIS_CLUSTER_CLIENT === 'node-redis') {
    const cluster = createCluster({ rootNodes: nodes.map((n) => ({ url: `redis://${n}` })) });
    cluster.on('error', () => {});
    await cluster.connect();
    closeCluster = () => cluster.destroy();
    return createRedisStore({ client: cluster, prefix, commandTimeoutMs });
  }
  const cluster = new Cluster(
    nodes.map((n) => ({ host: n.split(':')[0], port: Number(n.split(':')[1]) })),
    // Fail fast while a node is down instead of queueing: core degrades, then probes.
    { enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1 }, lazyConnect: true },
  );
  cluster.on('error', () => {});
  await cluster.connect();
  closeCluster = () => cluster.disconnect();
  return createRedisStore({ client: cluster, prefix, commandTimeoutMs });
}

async function configure(config: InstanceConfig): Promise<void> {
  await teardown();
  stats = { degraded: 0, recovered: 0, logs: [] };
  const record = (level: string) => (message: string) => stats.logs.push(`${level}: ${message}`);
  const commandTimeoutMs = config.storeTimeoutMs ?? 500;
  let store = await clusterStore(config.prefix, commandTimeoutMs);
  if (!store && config.redisUrl) {
    // Fail fast while Redis is down instead of queueing: core degrades, then probes.
    redis = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    redis.on('error', () => {});
    await redis.connect();
    store = createRedisStore({ client: redis, prefix: config.prefix, commandTimeoutMs });
  }
  client = createBasiqClient({
    ...config.clientOptions,
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    ...(store ? { store } : {}),
    logger: { warn: record('warn'), error: record('error'), info: record('info'), debug: () => {} },
  });
  client.on('store:degraded', () => stats.degraded++);
  client.on('store:recovered', () => stats.recovered++);
}

async function serverBurst(n: number): Promise<BurstResult> {
  const c = requireClient();
  const results = await Promise.allSettled(Array.from({ length: n }, () => c.getServerToken()));
  const tokens = new Set<string>();
  const errors: string[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') tokens.add(r.value);
    else errors.push(describe(r.reason));
  }
  return { ok: n - errors.length, failed: errors.length, tokens: [...tokens], errors };
}

async function clientTokens(userIds: string[]): Promise<ClientTokensResult> {
  const c = requireClient();
  const results = await Promise.allSettled(userIds.map((id) => c.getClientToken(id)));
  const out: ClientTokensResult = { ok: 0, rateLimited: 0, otherErrors: [] };
  for (const r of results) {
    if (r.status === 'fulfilled') out.ok++;
    else if (describe(r.reason) === 'token_budget_exhausted') out.rateLimited++;
    else out.otherErrors.push(describe(r.reason));
  }
  return out;
}

function startTraffic(workers: number, pauseMs: number): void {
  const c = requireClient();
  const result: TrafficResult = { ok: 0, failed: 0, errors: [], lastToken: undefined, tokens: [] };
  const seen = new Set<string>();
  const run = { running: true, done: [] as Promise<void>[], result };
  const worker = async () => {
    while (run.running) {
      try {
        const token = await c.getServerToken();
        result.ok++;
        result.lastToken = token;
        seen.add(token);
      } catch (err) {
        result.failed++;
        if (result.errors.length < 20) result.errors.push(describe(err));
      }
      await sleep(pauseMs);
    }
    result.tokens = [...seen];
  };
  run.done = Array.from({ length: workers }, worker);
  traffic = run;
}

async function stopTraffic(): Promise<TrafficResult> {
  const run = traffic;
  if (!run) throw new Error('no traffic running');
  run.running = false;
  await Promise.all(run.done);
  traffic = undefined;
  return run.result;
}

function requireClient(): Client {
  if (!client) throw new Error('instance not configured');
  return client;
}

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'configure':
      return configure(request.config);
    case 'serverBurst':
      return serverBurst(request.n);
    case 'clientTokens':
      return clientTokens(request.userIds);
    case 'startTraffic':
      return startTraffic(request.workers, request.pauseMs);
    case 'stopTraffic':
      return stopTraffic();
    case 'stats':
      return stats;
    case 'shutdown':
      await teardown();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (raw: { id: number; request: Request }) => {
  handle(raw.request).then(
    (result) => send({ type: 'reply', id: raw.id, ok: true, result: result ?? null }),
    (err: unknown) => send({ type: 'reply', id: raw.id, ok: false, error: describe(err) }),
  );
});
// The parent going away ends the instance too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
