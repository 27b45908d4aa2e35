import { INSPECT } from './inspect.js';
import { ApiKeySource } from './key-source.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT = 'basiq-token/store';
const utf8 = new TextEncoder();

// Web Crypto's key type, named without the DOM lib or a `node:crypto` type import.
type CryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

interface Keys {
  namespace: string;
  seal: CryptoKey;
  names: CryptoKey;
}

/**
 * Turns what the engine keeps in a store into opaque keys and ciphertext, on Web Crypto
 * (`globalThis.crypto.subtle`), so that it runs in Node, Bun, Deno, Workers and Edge alike.
 *
 * Keys are namespaced by a SHA-256 of the API key, so two Basiq applications can share one
 * Redis without seeing each other's tokens, and the key itself never reaches the store.
 * Values are sealed with AES-256-GCM under a key derived from the API key with HKDF-SHA-256; the
 * store key is the additional authenticated data, so a value copied to another key does
 * not open. Anyone who can read the store but does not hold the API key learns nothing.
 *
 * It follows the client's current key ({@link ApiKeySource}): after a rotation every name is in
 * the new key's namespace and every value sealed with its keys, and what the previous key sealed
 * no longer opens. A value derived from one key is never mixed with names of another: each call
 * derives from the key current when it starts.
 *
 * Web Crypto is asynchronous, so every method is: none of them is on the cache-hit path (the
 * in-process copy of a token answers without the store). The keys are derived once per API key, on
 * first use.
 */
export class Sealer {
  /** The key this sealer follows (its generation tells a rotation). */
  readonly keys: ApiKeySource;
  #derived: { apiKey: string; keys: Promise<Keys> } | undefined;
  #namespace: string | undefined;

  constructor(apiKey: string | ApiKeySource) {
    this.keys = typeof apiKey === 'string' ? new ApiKeySource({ apiKey }) : apiKey;
  }

  /** The namespaced store key for `name` (`basiq:<24 hex digits of SHA-256(apiKey)>:<name>`). */
  async key(name: string): Promise<string> {
    return (await this.#current()).namespace + name;
  }

  /**
   * A stable pseudonym for an identifier that would otherwise stand in a key name (a Basiq
   * userId): whoever reads the store cannot tell which users hold client tokens.
   */
  async pseudonym(id: string): Promise<string> {
    const { names } = await this.#current();
    const mac = await crypto.subtle.sign('HMAC', names, utf8.encode(id));
    return toBase64Url(new Uint8Array(mac)).slice(0, 32);
  }

  /** `payload` as JSON, encrypted and bound to `storeKey`. */
  async seal(storeKey: string, payload: unknown): Promise<string> {
    const { seal } = await this.#current();
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    // Web Crypto appends the 16-byte tag to the ciphertext: iv ‖ ciphertext ‖ tag.
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: utf8.encode(storeKey), tagLength: TAG_BYTES * 8 },
      seal,
      utf8.encode(JSON.stringify(payload)),
    );
    const out = new Uint8Array(IV_BYTES + sealed.byteLength);
    out.set(iv);
    out.set(new Uint8Array(sealed), IV_BYTES);
    return `${VERSION}.${toBase64Url(out)}`;
  }

  /** The payload sealed at `storeKey`, or `undefined` if it is not ours, was altered, or moved. */
  async unseal(storeKey: string, value: string): Promise<unknown> {
    if (!value.startsWith(`${VERSION}.`)) return undefined;
    const raw = fromBase64Url(value.slice(VERSION.length + 1));
    if (!raw || raw.length < IV_BYTES + TAG_BYTES) return undefined;
    const { seal } = await this.#current();
    try {
      const plain = await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: raw.subarray(0, IV_BYTES),
          additionalData: utf8.encode(storeKey),
          tagLength: TAG_BYTES * 8,
        },
        seal,
        raw.subarray(IV_BYTES),
      );
      return JSON.parse(new TextDecoder().decode(plain)) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The derived keys of the current API key (derived again only when it changed). */
  async #current(): Promise<Keys> {
    const apiKey = await this.keys.current();
    let derived = this.#derived;
    if (derived?.apiKey !== apiKey) {
      const next = { apiKey, keys: deriveKeys(apiKey) };
      derived = this.#derived = next;
      next.keys.then(
        (keys) => {
          if (this.#derived === next) this.#namespace = keys.namespace;
        },
        () => {
          // A runtime without Web Crypto: tried again on the next call, not kept as the answer.
          if (this.#derived === next) this.#derived = undefined;
        },
      );
    }
    return derived.keys;
  }

  toJSON(): Record<string, unknown> {
    return this.#namespace === undefined ? {} : { namespace: this.#namespace };
  }

  [INSPECT](): string {
    return `Sealer { namespace: '${this.#namespace ?? '…'}' }`;
  }
}

async function deriveKeys(apiKey: string): Promise<Keys> {
  const { subtle } = globalThis.crypto;
  const secret = utf8.encode(apiKey);
  const digest = new Uint8Array(await subtle.digest('SHA-256', secret));
  const namespace = `basiq:${toHex(digest).slice(0, 24)}:`;
  const ikm = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const hkdf = (info: string) => ({
    name: 'HKDF' as const,
    hash: 'SHA-256',
    salt: utf8.encode(SALT),
    info: utf8.encode(info),
  });
  const [seal, names] = await Promise.all([
    subtle.deriveKey(hkdf('basiq-token seal v1'), ikm, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]),
    subtle.deriveKey(
      hkdf('basiq-token names v1'),
      ikm,
      { name: 'HMAC', hash: 'SHA-256', length: 256 },
      false,
      ['sign'],
    ),
  ]);
  return { namespace, seal, names };
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // In slices: spreading a long array into fromCharCode would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
