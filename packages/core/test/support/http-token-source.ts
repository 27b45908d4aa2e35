import type { ClientToken, ServerTokenSource } from '../../src/types.js';

/**
 * A small real token source over the emulator's `/token`, so the HTTP layer's tests do not
 * depend on the engine: one cached server token, one refresh in flight, and an invalidation
 * that drops the cached token only if it is still the one named.
 */
export class HttpTokenSource implements ServerTokenSource {
  /** `/token` calls this source made. */
  calls = 0;
  #token: string | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(
    private readonly emulatorUrl: string,
    private readonly apiKey: string,
  ) {}

  async getServerToken(): Promise<string> {
    if (this.#token) return this.#token;
    this.#inFlight ??= this.#fetchToken('scope=SERVER_ACCESS')
      .then((body) => {
        this.#token = body.access_token;
        return body.access_token;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  async invalidateServerToken(token: string): Promise<void> {
    if (this.#token === token) this.#token = undefined;
  }

  /** A CLIENT_ACCESS token for `userId`, straight from the emulator (no cache). */
  async getClientToken(userId: string): Promise<ClientToken> {
    const body = await this.#fetchToken(`scope=CLIENT_ACCESS&userId=${encodeURIComponent(userId)}`);
    return {
      accessToken: body.access_token,
      tokenType: 'Bearer',
      expiresIn: body.expires_in,
      expiresAt: Date.now() + body.expires_in * 1000,
      userId,
    };
  }

  async #fetchToken(form: string): Promise<{ access_token: string; expires_in: number }> {
    this.calls++;
    const res = await fetch(`${this.emulatorUrl}/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${this.apiKey}`,
        'basiq-version': '3.0',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form,
    });
    if (!res.ok) throw new Error(`test token source: /token answered ${res.status}`);
    return (await res.json()) as { access_token: string; expires_in: number };
  }
}
