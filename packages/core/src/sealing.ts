import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Turns what the engine keeps in a store into opaque keys and ciphertext.
 *
 * Keys are namespaced by a SHA-256 of the API key, so two Basiq applications can share one
 * Redis without seeing each other's tokens, and the key itself never reaches the store.
 * Values are sealed with AES-256-GCM under a key derived from the API key with HKDF; the
 * store key is the additional authenticated data, so a value copied to another key does
 * not open. Anyone who can read the store but does not hold the API key learns nothing.
 */
export class Sealer {
  /** Prefix of every key this application uses, e.g. `basiq:3f2a…:`. */
  readonly namespace: string;
  readonly #key: Buffer;
  readonly #nameKey: Buffer;

  constructor(apiKey: string) {
    const digest = createHash('sha256').update(apiKey, 'utf8').digest('hex');
    this.namespace = `basiq:${digest.slice(0, 24)}:`;
    this.#key = Buffer.from(hkdfSync('sha256', apiKey, 'basiq-token/store', 'basiq-token seal v1', 32));
    this.#nameKey = Buffer.from(hkdfSync('sha256', apiKey, 'basiq-token/store', 'basiq-token names v1', 32));
  }

  /** The namespaced store key for `name`. */
  key(name: string): string {
    return this.namespace + name;
  }

  /**
   * A stable pseudonym for an identifier that would otherwise stand in a key name (a Basiq
   * userId): whoever reads the store cannot tell which users hold client tokens.
   */
  pseudonym(id: string): string {
    return createHmac('sha256', this.#nameKey).update(id, 'utf8').digest('base64url').slice(0, 32);
  }

  /** `payload` as JSON, encrypted and bound to `storeKey`. */
  seal(storeKey: string, payload: unknown): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(storeKey, 'utf8'));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The payload sealed at `storeKey`, or `undefined` if it is not ours, was altered, or moved. */
  unseal(storeKey: string, value: string): unknown {
    if (!value.startsWith(`${VERSION}.`)) return undefined;
    try {
      const raw = Buffer.from(value.slice(VERSION.length + 1), 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(storeKey, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return JSON.parse(plain.toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  toJSON(): Record<string, unknown> {
    return { namespace: this.namespace };
  }

  [inspect.custom](): string {
    return `Sealer { namespace: '${this.namespace}' }`;
  }
}
