import { BasiqConfigError } from './errors.js';
import { INSPECT } from './inspect.js';
import type { SafeLogger } from './logger.js';
import { apiKeyProblem } from './options.js';
import type { Redactor } from './secrets.js';
import type { ApiKeyProvider, KeyRotationReason } from './types.js';

/** A change of key, as the client hears it (to drop the previous key's tokens). */
export interface KeyChange {
  previous: string;
  next: string;
  /** Changes so far in this client, this one included. */
  generation: number;
  reason: KeyRotationReason;
}

export interface ApiKeySourceOptions {
  apiKey: string | ApiKeyProvider;
  /** Told every key the client uses, so that no log line or error can show one. */
  redactor?: Redactor;
  logger?: SafeLogger;
  /**
   * Runs when the key changed, before the change resolves. Its synchronous part must drop what
   * this process holds of the previous key: no await may come between the switch and that.
   */
  onChange?(change: KeyChange): Promise<void>;
}

// Rejected values are remembered by the redactor only from this length: a short one would
// blank out ordinary words in every later log line, and cannot be a working key anyway.
const MIN_REMEMBERED = 8;

/**
 * The client's API key: a fixed string, or the app's function that reads it (a secret manager).
 * The function is called when the key is first needed, then only when it may have changed (a
 * refusal at `/token`, a key another instance retired, `rotateApiKey()`); concurrent needs share
 * one call. Every key it ever answers is given to the redactor before use.
 *
 * `generation` counts the changes: a `/token` answer obtained with an older generation is a token
 * of a key this client no longer uses, and is never cached or stored.
 */
export class ApiKeySource {
  readonly #provider: ApiKeyProvider | undefined;
  readonly #o: ApiKeySourceOptions;
  #key: string | undefined;
  #generation = 0;
  #reading: Promise<string> | undefined;
  /** Changes run one after another, so that each one's clean-up sees the key it replaced. */
  #changes: Promise<unknown> = Promise.resolve();
  /** Which generation's key a `/token` failure was sent with. */
  readonly #sentWith = new WeakMap<object, number>();
  #failing = false;

  constructor(options: ApiKeySourceOptions) {
    this.#o = options;
    if (typeof options.apiKey === 'function') {
      this.#provider = options.apiKey;
    } else {
      this.#key = options.apiKey;
      options.redactor?.addSecret(options.apiKey);
    }
  }

  /** How many times the key changed in this client. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether the key comes from the app's function (and so can follow a rotation by itself). */
  get hasProvider(): boolean {
    return this.#provider !== undefined;
  }

  /** The current key; the first call reads the app's function (one call for every caller). */
  current(): Promise<string> {
    if (this.#key !== undefined) return Promise.resolve(this.#key);
    return this.#read().then((key) => this.#key ?? this.#first(key));
  }

  /** The current key and its generation, read together (what a `/token` call sends and tags). */
  async snapshot(): Promise<{ key: string; generation: number }> {
    await this.current();
    return { key: this.#key!, generation: this.#generation };
  }

  /** Notes that `error` came from a `/token` call sent with `generation`'s key. */
  tag(error: unknown, generation: number): void {
    if (typeof error === 'object' && error !== null) this.#sentWith.set(error, generation);
  }

  /** The generation whose key the failed `/token` call was sent with, if known. */
  generationOf(error: unknown): number | undefined {
    return typeof error === 'object' && error !== null ? this.#sentWith.get(error) : undefined;
  }

  /**
   * After Basiq refused the key of `generation`: whether another key is current now, because it
   * changed meanwhile or because the app's function answers a new one (read once). A failing
   * function is logged and counts as no change, so that Basiq's refusal stays the answer.
   */
  async followRefusal(generation: number): Promise<boolean> {
    if (generation !== this.#generation) return true;
    if (!this.#provider) return false;
    try {
      return await this.reread('refused');
    } catch {
      return false;
    }
  }

  /**
   * `next` as a key to switch to, or `BasiqConfigError` (`invalid_options`, option `apiKey`)
   * saying what is wrong without repeating it.
   */
  check(next: unknown): string {
    const problem =
      typeof next !== 'string'
        ? `expected the new key as a string, got ${typeName(next)}`
        : apiKeyProblem(next);
    if (problem === undefined) return next as string;
    if (typeof next === 'string') this.#rememberRejected(next);
    throw new BasiqConfigError(`Invalid API key passed to rotateApiKey(): ${problem}`, { option: 'apiKey' });
  }

  /** Reads the app's function again and switches to what it answers when that is a new key. */
  async reread(reason: KeyRotationReason): Promise<boolean> {
    if (!this.#provider) {
      throw new BasiqConfigError(
        'rotateApiKey() without a key needs the `apiKey` option to be a function that reads it; ' +
          'pass the new key: rotateApiKey(nextKey)',
        { option: 'apiKey' },
      );
    }
    return this.set(await this.#read(), reason);
  }

  /**
   * Switches to `next` (already checked) unless it is the current key; resolves once the
   * previous key's tokens are dropped, with whether the key changed.
   */
  set(next: string, reason: KeyRotationReason): Promise<boolean> {
    this.#o.redactor?.addSecret(next);
    const run = this.#changes.then(async () => {
      if (this.#key === undefined) {
        // No key was in use yet: nothing of a previous one to drop.
        this.#key = next;
        return false;
      }
      if (next === this.#key) return false;
      const previous = this.#key;
      this.#key = next;
      const generation = ++this.#generation;
      await this.#o.onChange?.({ previous, next, generation, reason });
      return true;
    });
    this.#changes = run.catch(() => undefined);
    return run;
  }

  #first(key: string): string {
    this.#key = key;
    return key;
  }

  /** One call of the app's function at a time, its answer checked. */
  #read(): Promise<string> {
    this.#reading ??= this.#callProvider().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #callProvider(): Promise<string> {
    let value: unknown;
    try {
      value = await this.#provider!();
    } catch (error) {
      // Its message is not repeated: a secret manager's error may quote what it read.
      throw this.#failed(`it threw ${describeThrown(error)}`);
    }
    if (typeof value !== 'string') throw this.#failed(`it answered ${typeName(value)}, not a string`);
    const problem = apiKeyProblem(value);
    if (problem) {
      this.#rememberRejected(value);
      throw this.#failed(`its answer is not usable: ${problem}`);
    }
    this.#o.redactor?.addSecret(value);
    if (this.#failing) this.#o.logger?.info('the `apiKey` function answers a usable key again');
    this.#failing = false;
    return value;
  }

  #failed(why: string): BasiqConfigError {
    const error = new BasiqConfigError(
      `The \`apiKey\` function could not give a key (${why}); no key to send to Basiq. ` +
        'Check the secret source it reads',
      { code: 'basiq_configuration', option: 'apiKey' },
    );
    // Once per run of failures at warn: a secret manager that is down should be seen, not repeated.
    this.#o.logger?.[this.#failing ? 'debug' : 'warn'](error.message);
    this.#failing = true;
    return error;
  }

  /** A bad answer may still hold a key (a "Basic " prefix, a newline): keep it out of logs too. */
  #rememberRejected(value: string): void {
    const redactor = this.#o.redactor;
    if (!redactor) return;
    for (const candidate of [value, value.trim(), value.replace(/^\s*(basic|bearer)\s+/i, '').trim()]) {
      if (candidate.length >= MIN_REMEMBERED) redactor.addSecret(candidate);
    }
  }

  toJSON(): Record<string, unknown> {
    return { generation: this.#generation, provider: this.hasProvider };
  }

  [INSPECT](): string {
    return `ApiKeySource { generation: ${this.#generation}, provider: ${this.hasProvider} }`;
  }
}

function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return typeName(error);
  const code = (error as { code?: unknown }).code;
  const name = /^[A-Za-z][\w.-]{0,40}$/.test(error.name) ? error.name : 'an error';
  return typeof code === 'string' && /^[A-Za-z][\w.-]{0,40}$/.test(code) ? `${name} (${code})` : name;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
