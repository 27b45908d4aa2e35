import { inspect } from 'node:util';
import { afterEach, beforeEach, expect } from 'vitest';
import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator, EmulatorOptions } from '@basiq-token/emulator';
import { BasiqClient, MemoryStore } from '@basiq-token/core';
import type { BasiqEvents, BasiqOptions, Logger, SlotResult, TokenStore } from '@basiq-token/core';

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public t = Date.UTC(2030, 0, 1)) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

const EVENTS: (keyof BasiqEvents)[] = [
  'token:fetched',
  'token:retry',
  'token:error',
  'token:replay',
  'token:backoff',
  'budget:exhausted',
  'store:degraded',
  'store:recovered',
];

/**
 * An emulator plus everything the engine said: every log line, every event, every error a
 * test caught. `scan()` asserts that none of it holds the API key or any issued token.
 */
export class EngineHarness {
  readonly lines: string[] = [];
  readonly events: { event: keyof BasiqEvents; payload: unknown }[] = [];
  readonly errors: unknown[] = [];
  readonly clients: BasiqClient[] = [];
  readonly logger: Logger = {
    debug: (m: string, ...rest: unknown[]) =>
      this.lines.push(`debug ${m} ${rest.map((r) => inspect(r)).join(' ')}`),
    info: (m: string, ...rest: unknown[]) =>
      this.lines.push(`info ${m} ${rest.map((r) => inspect(r)).join(' ')}`),
    warn: (m: string, ...rest: unknown[]) =>
      this.lines.push(`warn ${m} ${rest.map((r) => inspect(r)).join(' ')}`),
    error: (m: string, ...rest: unknown[]) =>
      this.lines.push(`error ${m} ${rest.map((r) => inspect(r)).join(' ')}`),
  };

  private constructor(readonly emulator: BasiqEmulator) {}

  static async start(options: EmulatorOptions = {}): Promise<EngineHarness> {
    return new EngineHarness(await startEmulator({ host: '127.0.0.1', port: 0, ...options }));
  }

  /** A client against the emulator with fast test defaults; `overrides` win. */
  client(overrides: Partial<BasiqOptions> = {}): BasiqClient {
    const client = new BasiqClient({
      apiKey: this.emulator.apiKey,
      baseUrl: this.emulator.url,
      logger: this.logger,
      tokenTimeoutMs: 2_000,
      ...overrides,
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5, ...overrides.retry },
    });
    for (const event of EVENTS) {
      client.on(event, (payload: unknown) => this.events.push({ event, payload }));
    }
    this.clients.push(client);
    return client;
  }

  /** The error `promise` rejects with (recorded for the secret scan); fails if it resolves. */
  async failure(promise: Promise<unknown>): Promise<any> {
    try {
      await promise;
    } catch (error) {
      this.errors.push(error);
      return error;
    }
    throw new Error('expected a rejection');
  }

  eventsOf<E extends keyof BasiqEvents>(event: E): BasiqEvents[E][0][] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as BasiqEvents[E][0]);
  }

  /** Asserts that no log line, event, caught error or client rendering holds a secret. */
  scan(extraSecrets: string[] = []): void {
    const secrets = [this.emulator.apiKey, ...this.emulator.issuedTokens(), ...extraSecrets];
    const texts: string[] = [...this.lines, ...this.events.map((e) => JSON.stringify(e.payload))];
    for (const error of this.errors) {
      texts.push(
        error instanceof Error ? error.message : String(error),
        JSON.stringify(error),
        inspect(error, { depth: 10, showHidden: false }),
        String(error),
      );
    }
    for (const client of this.clients) {
      texts.push(
        JSON.stringify(client),
        inspect(client, { depth: 10 }),
        inspect(client, { showHidden: true }),
      );
      texts.push(Object.keys(client).join(','));
    }
    for (const text of texts) {
      for (const secret of secrets) {
        if (text.includes(secret)) expect.fail(`a secret leaked into: ${text.slice(0, 200)}`);
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
    await this.emulator.stop();
  }
}

/** Waits until `check` holds, polling; fails after `ms` (an upper bound for "settles", not a timing assertion). */
export async function eventually(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits until the client has no refresh running. */
export function settled(client: BasiqClient): Promise<void> {
  return eventually(() => !client.toJSON().serverToken.refreshing);
}

/** The `exp` claim (epoch seconds) of a JWT. */
export function jwtExp(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    exp: number;
  };
  return payload.exp;
}

/** A store that records every call and can be told to fail. */
export class RecordingStore implements TokenStore {
  readonly calls: string[] = [];
  readonly inner: MemoryStore;
  failing = false;

  constructor(now?: () => number) {
    this.inner = new MemoryStore(now ? { now } : {});
  }

  private async call<T>(name: string, op: () => Promise<T>): Promise<T> {
    this.calls.push(name);
    if (this.failing) throw new Error('ECONNREFUSED store is down');
    return op();
  }

  /** Every value written, as written (sealed). */
  readonly written: { key: string; value: string }[] = [];

  get(key: string) {
    return this.call('get', () => this.inner.get(key));
  }
  set(key: string, value: string, ttlMs: number) {
    return this.call('set', () => {
      this.written.push({ key, value });
      return this.inner.set(key, value, ttlMs);
    });
  }
  delete(key: string, ifValue?: string) {
    return this.call('delete', () => this.inner.delete(key, ifValue));
  }
  acquireLock(key: string, ttlMs: number) {
    return this.call('acquireLock', () => this.inner.acquireLock(key, ttlMs));
  }
  releaseLock(key: string, owner: string) {
    return this.call('releaseLock', () => this.inner.releaseLock(key, owner));
  }
  takeSlot(key: string, opts: { now: number; windowMs: number; max?: number }): Promise<SlotResult> {
    return this.call('takeSlot', () => this.inner.takeSlot(key, opts));
  }
}

/**
 * A fresh emulator and harness for every test of the file, stopped (and, unless `scan` is
 * false, scanned for leaked secrets) after it. `h` and `clock` always stand for the current
 * test's: they forward to the instances made in `beforeEach`.
 */
export function useEngineHarness(opts: { tokenLifetimeSec: number; manualClock?: boolean; scan?: boolean }): {
  h: EngineHarness;
  clock: ManualClock;
} {
  let harness: EngineHarness | undefined;
  let clock: ManualClock | undefined;
  beforeEach(async () => {
    clock = opts.manualClock ? new ManualClock() : undefined;
    harness = await EngineHarness.start({
      tokenLifetimeSec: opts.tokenLifetimeSec,
      ...(clock ? { now: clock.now } : {}),
    });
  });
  afterEach(async () => {
    if (opts.scan !== false) harness?.scan();
    await harness?.stop();
  });
  return { h: current(() => harness, 'harness'), clock: current(() => clock, 'manualClock') };
}

function current<T extends object>(get: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const target = get();
      if (!target) throw new Error(`useEngineHarness: no ${what} outside a test`);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
