import { randomUUID } from 'node:crypto';
import { generateApiKey } from './handlers/token.js';

/** A key `/token` accepts and the Basiq application it belongs to. */
export interface ApiKeyInfo {
  apiKey: string;
  applicationId: string;
}

/** What `addApiKey()` takes: both optional. */
export interface AddApiKeyOptions {
  /** The key itself; default a fresh one shaped like Basiq's. */
  apiKey?: string;
  /**
   * The application it opens: an existing one's id rotates that application's key (its users and
   * tokens stay the application's); default a new application.
   */
  applicationId?: string;
}

export function checkApiKey(apiKey: unknown): string {
  if (typeof apiKey !== 'string' || apiKey === '' || /\s/.test(apiKey)) {
    throw new TypeError('apiKey must be a non-empty string without spaces');
  }
  return apiKey;
}

/** Basiq keys decode to `<application id>:<secret>`; a key that does not gets a random application. */
function applicationIdOf(apiKey: string): string {
  const first = Buffer.from(apiKey, 'base64').toString('utf8').split(':')[0] ?? '';
  return /^[0-9a-f-]{36}$/i.test(first) ? first : randomUUID();
}

/**
 * The API keys `/token` accepts, several at once: one per application (a process serving several
 * Basiq applications), or an old and a new key of one application while it is being rotated.
 */
export class ApiKeyRing {
  readonly #keys = new Map<string, string>();
  readonly #revoked = new Set<string>();

  /** Adds a key; answers it with its application id. Throws on a key already known (even revoked). */
  add(options: AddApiKeyOptions = {}): ApiKeyInfo {
    const apiKey = checkApiKey(options.apiKey ?? generateApiKey());
    if (this.#keys.has(apiKey)) throw new TypeError('That API key is already known');
    const { applicationId: given } = options;
    if (given !== undefined && (typeof given !== 'string' || given === '')) {
      throw new TypeError('applicationId must be a non-empty string');
    }
    const applicationId = given ?? applicationIdOf(apiKey);
    this.#keys.set(apiKey, applicationId);
    return { apiKey, applicationId };
  }

  /** The application a key opens, or undefined when `/token` must refuse it. */
  applicationOf(credential: string): string | undefined {
    return this.#revoked.has(credential) ? undefined : this.#keys.get(credential);
  }

  /** From now on `/token` refuses the key as Basiq refuses an unknown one. Answers false if unknown. */
  revoke(apiKey: string): boolean {
    if (!this.#keys.has(apiKey)) return false;
    this.#revoked.add(apiKey);
    return true;
  }
}
