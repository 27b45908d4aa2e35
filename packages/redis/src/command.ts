/**
 * One Redis command as a flat list of strings (`['SET', 'k', 'v', 'PX', '1000']`), answered
 * with the raw reply. Any client fits through this: ioredis `(args) => client.call(...args)`,
 * node-redis `(args) => client.sendCommand(args)`, a cluster client, a test double.
 */
export type RedisCommand = (args: string[]) => Promise<unknown>;

/**
 * The part of an ioredis client (v5, v6; `Redis` or `Cluster`) the store uses. Structural, so
 * this package needs no runtime dependency on ioredis.
 */
export interface IORedisLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** The part of a node-redis client (v4, v5, v6) the store uses. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * The part of a node-redis cluster (`createCluster`, v4, v5, v6) the store uses: its
 * `sendCommand` routes by the key it is given, and `masters` tells it from a single client.
 */
export interface NodeRedisClusterLike {
  /** Sends `args` to the master that owns `firstKey`'s slot (the store never reads from replicas). */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  /** Only looked at, to tell a cluster from a single client. */
  readonly masters: unknown;
}

/**
 * The part of an `@upstash/redis` client (v1; Upstash, Vercel KV) the store uses: `exec`, which
 * sends one command over Upstash's REST API. Create it with `automaticDeserialization: false`:
 * by default it JSON-decodes replies, which could change a stored value.
 */
export interface UpstashRedisLike {
  /** Sends one command (REST `POST /`) and resolves with its reply; the only method the store calls. */
  exec(args: [command: string, ...args: string[]]): Promise<unknown>;
  /** Only looked at, with `exec`, to tell an Upstash client from others. */
  readonly evalsha: unknown;
}

/** Whether `client` looks like ioredis: it has `call`. (ioredis also has a `sendCommand`, with another shape, so `call` is checked first.) */
function isIORedis(client: object): client is IORedisLike {
  return typeof (client as { call?: unknown }).call === 'function';
}

function isNodeRedisCluster(client: object): client is NodeRedisClusterLike {
  return (
    typeof (client as { sendCommand?: unknown }).sendCommand === 'function' &&
    ('masters' in client || 'getMasters' in client)
  );
}

function isNodeRedis(client: object): client is NodeRedisLike {
  return typeof (client as { sendCommand?: unknown }).sendCommand === 'function';
}

function isUpstash(client: object): client is UpstashRedisLike {
  const c = client as { exec?: unknown; evalsha?: unknown };
  return typeof c.exec === 'function' && typeof c.evalsha === 'function';
}

/**
 * The key a command acts on, which decides the cluster node it goes to. Every command the
 * store sends touches exactly one key: `GET`/`SET`/`DEL key …`, `EVALSHA`/`EVAL script 1 key …`.
 */
export function keyOfCommand(args: readonly string[]): string | undefined {
  const name = args[0]?.toUpperCase();
  return name === 'EVALSHA' || name === 'EVAL' ? args[3] : args[1];
}

/** Turns a handed-in client into a {@link RedisCommand}, by its shape. */
export function commandFromClient(
  client: IORedisLike | NodeRedisLike | NodeRedisClusterLike | UpstashRedisLike,
): RedisCommand {
  if (typeof client !== 'object' || client === null) {
    throw new TypeError('RedisStore: `client` must be an ioredis, node-redis or @upstash/redis client');
  }
  if (isIORedis(client)) {
    return (args) => {
      const [name, ...rest] = args;
      return client.call(name as string, ...rest);
    };
  }
  // ioredis's Cluster routes by itself (it reads EVALSHA's keys too); node-redis's needs the key.
  if (isNodeRedisCluster(client)) return (args) => client.sendCommand(keyOfCommand(args), false, args);
  if (isNodeRedis(client)) return (args) => client.sendCommand(args);
  if (isUpstash(client)) return upstashCommand(client);
  throw new TypeError(
    'RedisStore: `client` has neither `call` (ioredis) nor `sendCommand` (node-redis) nor `exec` (@upstash/redis); pass `sendCommand` instead',
  );
}

const utf8 = new TextDecoder();

/** Redis replies come back as strings, Buffers or (RESP3) other scalars depending on the client; normalise. */
export function replyToString(reply: unknown): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return utf8.decode(reply);
  return String(reply);
}

export function replyToNumber(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'bigint') return Number(reply);
  const n = Number(replyToString(reply));
  if (!Number.isFinite(n)) throw new TypeError('RedisStore: unexpected non-numeric reply from Redis');
  return n;
}

/**
 * Commands through `@upstash/redis`'s `exec`. Its JSON decoding (on by default) would turn a
 * stored `123` into a number or `"x"` into `x`, so a client that decodes is refused here: the
 * store must read back exactly what it wrote. `opts` is the client's own (not typed as public)
 * record of its options; a client that does not show one cannot be checked and is refused too.
 */
function upstashCommand(client: UpstashRedisLike): RedisCommand {
  const opts = (client as { opts?: { automaticDeserialization?: unknown } }).opts;
  if (opts?.automaticDeserialization !== false) {
    throw new TypeError(
      'RedisStore: create the @upstash/redis client with `automaticDeserialization: false` ' +
        '(`new Redis({ url, token, automaticDeserialization: false })` or `Redis.fromEnv({ automaticDeserialization: false })`): ' +
        'by default it JSON-decodes replies, which would change stored values',
    );
  }
  return async (args) => {
    try {
      return await client.exec(args as [string, ...string[]]);
    } catch (err) {
      throw withoutCommand(err);
    }
  };
}

/**
 * `@upstash/redis` appends `, command was: [...]` (every argument: key, sealed value, lock
 * owner) to an error's message. Keep Redis's own words only, in a fresh error, so neither the
 * message nor a `cause` chain carries the command.
 */
function withoutCommand(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const cut = message.indexOf(', command was: ');
  const clean = new Error(cut === -1 ? message : message.slice(0, cut));
  clean.name = err instanceof Error ? err.name : 'Error';
  return clean;
}
