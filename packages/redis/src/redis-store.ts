import { BasiqConfigError } from '@basiq-token/core';
import type { SlotResult, TokenStore } from '@basiq-token/core';
import { commandFromClient, replyToNumber, replyToString } from './command.js';
import type {
  IORedisLike,
  NodeRedisClusterLike,
  NodeRedisLike,
  RedisCommand,
  UpstashRedisLike,
} from './command.js';
import { RedisStoreError, describeCause } from './errors.js';
import { compareAndDelete, takeSlot } from './scripts.js';
import type { LuaScript } from './scripts.js';

/** Options of {@link RedisStore}: give either `client` or `sendCommand`. */
export interface RedisStoreOptions {
  /**
   * An ioredis (v5, v6) client or `Cluster`, a node-redis (v4+) client or `createCluster`
   * cluster, or an `@upstash/redis` (v1) client made with `automaticDeserialization: false`,
   * recognised by its shape. The app keeps owning it.
   */
  client?: IORedisLike | NodeRedisLike | NodeRedisClusterLike | UpstashRedisLike;
  /** Any client through one function that sends `args` (a command as strings) and resolves with the reply. */
  sendCommand?: RedisCommand;
  /** Prepended to every key (default `basiq-token:`). */
  prefix?: string;
  /**
   * A command without an answer after this many ms rejects (default 1,000), so a hung Redis
   * makes core degrade to in-process behaviour instead of hanging requests.
   */
  commandTimeoutMs?: number;
}

const DEFAULT_PREFIX = 'basiq-token:';
const DEFAULT_TIMEOUT_MS = 1_000;

// No `node:` import anywhere in this package: it runs on Workers and Edge runtimes too (with
// @upstash/redis). Web Crypto's randomUUID is global there and in Node 20; Node's inspect
// looks this symbol up by name.
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');
const randomUUID = (): string => globalThis.crypto.randomUUID();

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  fail(err: RedisStoreError): void;
}

/**
 * Core's {@link TokenStore} over Redis, so that many instances share one server token, one
 * client-token cache, one `/token` budget and one refresh lock. Keys and values arrive
 * already namespaced and sealed by core: this store never sees the API key or a token in clear.
 *
 * Every operation is a single atomic command or Lua script, and rejects with a
 * {@link RedisStoreError} on failure or after `commandTimeoutMs`.
 */
export class RedisStore implements TokenStore {
  readonly #send: RedisCommand;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #pending = new Set<Pending>();
  #closed = false;

  constructor(opts: RedisStoreOptions) {
    if (typeof opts !== 'object' || opts === null) {
      throw new BasiqConfigError('RedisStore needs options with `client` or `sendCommand`', {
        option: 'store',
      });
    }
    if ((opts.client === undefined) === (opts.sendCommand === undefined)) {
      throw new BasiqConfigError('RedisStore needs exactly one of `client` or `sendCommand`', {
        option: 'store',
      });
    }
    if (opts.sendCommand !== undefined && typeof opts.sendCommand !== 'function') {
      throw new BasiqConfigError('RedisStore `sendCommand` must be a function', {
        option: 'store.sendCommand',
      });
    }
    const prefix = opts.prefix ?? DEFAULT_PREFIX;
    if (typeof prefix !== 'string') {
      throw new BasiqConfigError('RedisStore `prefix` must be a string', { option: 'store.prefix' });
    }
    const timeoutMs = opts.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new BasiqConfigError('RedisStore `commandTimeoutMs` must be a positive number of milliseconds', {
        option: 'store.commandTimeoutMs',
      });
    }
    try {
      this.#send =
        opts.sendCommand ??
        commandFromClient(
          opts.client as IORedisLike | NodeRedisLike | NodeRedisClusterLike | UpstashRedisLike,
        );
    } catch (err) {
      throw new BasiqConfigError((err as Error).message, { option: 'store.client' });
    }
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
  }

  async get(key: string): Promise<string | undefined> {
    return replyToString(await this.#run('get', ['GET', this.#key(key)]));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const px = Math.ceil(ttlMs);
    // A value that is already expired is a value that is gone (Redis refuses PX 0).
    if (!(px > 0)) {
      await this.#run('set', ['DEL', this.#key(key)]);
      return;
    }
    await this.#run('set', ['SET', this.#key(key), value, 'PX', String(px)]);
  }

  async delete(key: string, ifValue?: string): Promise<void> {
    if (ifValue === undefined) {
      await this.#run('delete', ['DEL', this.#key(key)]);
      return;
    }
    await this.#eval('delete', compareAndDelete, [this.#key(key)], [ifValue]);
  }

  async acquireLock(key: string, ttlMs: number): Promise<string | undefined> {
    const owner = randomUUID();
    const px = String(Math.max(1, Math.ceil(ttlMs)));
    const reply = await this.#run('acquireLock', ['SET', this.#key(key), owner, 'NX', 'PX', px]);
    return replyToString(reply) === 'OK' ? owner : undefined;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    await this.#eval('releaseLock', compareAndDelete, [this.#key(key)], [owner]);
  }

  async takeSlot(key: string, opts: { now: number; windowMs: number; max?: number }): Promise<SlotResult> {
    const max = opts.max === undefined ? -1 : Math.max(0, Math.floor(opts.max));
    // A unique member per event: two instances recording at the same millisecond are two events.
    const member = `${opts.now}:${randomUUID()}`;
    const reply = await this.#eval(
      'takeSlot',
      takeSlot,
      [this.#key(key)],
      [String(opts.now), String(opts.windowMs), String(max), member],
    );
    if (!Array.isArray(reply) || reply.length < 3) {
      throw new RedisStoreError('command', 'RedisStore: takeSlot got an unexpected reply from Redis');
    }
    return {
      added: replyToNumber(reply[0]) === 1,
      count: replyToNumber(reply[1]),
      retryAfterMs: replyToNumber(reply[2]),
    };
  }

  /** Stops the store: pending and later operations reject. The client handed in stays open (the app owns it). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of [...this.#pending]) {
      pending.fail(new RedisStoreError('closed', 'RedisStore: closed while a command was pending'));
    }
  }

  [inspectCustom](): string {
    return `RedisStore { prefix: ${JSON.stringify(this.#prefix)}, commandTimeoutMs: ${this.#timeoutMs}${this.#closed ? ', closed' : ''} }`;
  }

  toJSON(): Record<string, unknown> {
    return { type: 'RedisStore', prefix: this.#prefix, commandTimeoutMs: this.#timeoutMs };
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  /** EVALSHA, and EVAL once when Redis does not know the script yet (first use, restart, SCRIPT FLUSH). */
  async #eval(op: string, lua: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.#run(op, ['EVALSHA', lua.sha, ...tail]);
    } catch (err) {
      if (!(err instanceof RedisStoreError) || err.reason !== 'command' || !isNoScript(err.cause)) throw err;
      return await this.#run(op, ['EVAL', lua.source, ...tail]);
    }
  }

  /** Sends one command, rejecting after the timeout or on close, whichever comes first. */
  #run(op: string, args: string[]): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(new RedisStoreError('closed', `RedisStore: ${op} after close()`));
    }
    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      const pending: Pending = {
        timer: setTimeout(() => {
          pending.fail(
            new RedisStoreError(
              'timeout',
              `RedisStore: ${op} got no answer from Redis within ${this.#timeoutMs} ms`,
            ),
          );
        }, this.#timeoutMs),
        fail: (err) => {
          if (settled) return;
          settled = true;
          clearTimeout(pending.timer);
          this.#pending.delete(pending);
          reject(err);
        },
      };
      // The command itself holds a socket; this timer must not keep a process alive on its own.
      // (Workers' timers are plain numbers, without unref.)
      (pending.timer as { unref?: () => void }).unref?.();
      this.#pending.add(pending);

      let reply: Promise<unknown>;
      try {
        reply = Promise.resolve(this.#send(args));
      } catch (err) {
        reply = Promise.reject(err);
      }
      reply.then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(pending.timer);
          this.#pending.delete(pending);
          resolve(value);
        },
        // After a timeout the late rejection lands here and is dropped on purpose.
        (err: unknown) =>
          pending.fail(
            new RedisStoreError('command', `RedisStore: ${op} failed: ${describeCause(err)}`, err),
          ),
      );
    });
  }
}

function isNoScript(err: unknown): boolean {
  return describeCause(err).includes('NOSCRIPT');
}

/** Creates a {@link RedisStore}; pass it as core's `store` option. */
export function createRedisStore(opts: RedisStoreOptions): RedisStore {
  return new RedisStore(opts);
}
