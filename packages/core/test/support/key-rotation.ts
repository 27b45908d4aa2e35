import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { BasiqClient, BasiqEvents, FetchLike } from '@basiq-token/core';
import type { RecordingStore } from './engine.js';

/**
 * A fetch that remembers which API key each `/token` answer was asked with (from the request's
 * `Authorization: Basic …`) and which bearer each data request carried, and can hold `/token`
 * answers back until released (to put a rotation in the middle of a flight).
 */
export class KeyRecorder {
  /** Issued token → the key it was asked with. */
  readonly keyOf = new Map<string, string>();
  /** The bearer of each data request, in order. */
  readonly bearers: string[] = [];
  /** Keys sent to `/token`, in order. */
  readonly sent: string[] = [];
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  readonly fetch: FetchLike = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const auth = headers.get('authorization') ?? '';
    if (new URL(url).pathname.endsWith('/token')) {
      const key = auth.replace(/^Basic /, '');
      this.sent.push(key);
      const response = await fetch(input, init);
      const gate = this.#gate;
      if (gate) await gate;
      const text = await response.text();
      try {
        const token = (JSON.parse(text) as { access_token?: string }).access_token;
        if (token) this.keyOf.set(token, key);
      } catch {
        // an error body
      }
      return new Response(text, { status: response.status, headers: response.headers });
    }
    if (auth.startsWith('Bearer ')) this.bearers.push(auth.slice('Bearer '.length));
    return fetch(input, init);
  };

  /** From now on, `/token` answers wait for {@link release}. */
  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }
}

/** Collects a client's `key:rotated` events. */
export function rotations(client: BasiqClient): BasiqEvents['key:rotated'][0][] {
  const seen: BasiqEvents['key:rotated'][0][] = [];
  client.on('key:rotated', (info) => seen.push(info));
  return seen;
}

/** Fails when any key name or value `store` ever held (as written) contains one of `secrets`. */
export function scanStore(store: RecordingStore, secrets: string[]): void {
  const texts = store.written.flatMap((w) => [w.key, w.value]);
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    for (const secret of secrets) {
      if (text.includes(secret)) expect.fail(`a key leaked into the store: ${text.slice(0, 120)}`);
    }
  }
}

/** Fails when the client's JSON or inspect forms contain one of `secrets`. */
export function scanClient(client: BasiqClient, secrets: string[]): void {
  const texts = [
    JSON.stringify(client),
    inspect(client, { depth: 10 }),
    inspect(client, { showHidden: true }),
  ];
  for (const text of texts) {
    for (const secret of secrets) expect(text.includes(secret), `a key in ${text.slice(0, 80)}`).toBe(false);
  }
}
