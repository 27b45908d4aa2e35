import type { BasiqClient, BasiqRequestContext, ClientToken } from '@basiq-token/core';
import { basiqAxios } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext } from '@basiq-token/core/axios';
import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { inspect } from 'node:util';
import type { BasiqModuleOptions } from './options.js';
import { BASIQ_CLIENT, BASIQ_MODULE_OPTIONS } from './tokens.js';

/**
 * The Basiq client, injectable anywhere `BasiqModule` is visible. Requests made through `http`
 * (axios) or `fetch` carry the server token, refreshed as needed; relative paths go to Basiq.
 *
 * @example
 * ```ts
 * constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}
 * const { data } = await this.basiq.http.get(`/users/${id}`);
 * ```
 */
@Injectable()
export class BasiqService implements OnApplicationShutdown {
  /** An axios instance bound to Basiq's base URL that sends the server token. */
  readonly http: BasiqAxiosRequestContext['http'];
  /** A fetch bound to Basiq's base URL that sends the server token. */
  readonly fetch: BasiqRequestContext['fetch'];
  readonly #client: BasiqClient;
  /** A client handed in through `client` belongs to the app, which closes it. */
  readonly #owned: boolean;

  constructor(
    @Inject(BASIQ_CLIENT) client: BasiqClient,
    @Inject(BASIQ_MODULE_OPTIONS) options: BasiqModuleOptions,
  ) {
    this.#client = client;
    this.#owned = options.client === undefined;
    this.http = basiqAxios(client);
    this.fetch = (input, init) => client.fetch(input, init);
  }

  /**
   * A typed client for every Basiq endpoint over {@link fetch}:
   * `this.basiq.api.GET('/users/{userId}/accounts', { params: { path: { userId } } })` resolves
   * with `{ data }`, or `{ error, response }` when Basiq answers an error (see `BasiqClient.api`).
   */
  get api(): BasiqRequestContext['api'] {
    return this.#client.api;
  }

  /** The core client, for everything else it offers (`on`, `context`, `errorResponse`, …). */
  get client(): BasiqClient {
    return this.#client;
  }

  /** A valid SERVER_ACCESS token (cached; refreshed before it expires). Never send it to a browser. */
  getServerToken(): Promise<string> {
    return this.#client.getServerToken();
  }

  /** A CLIENT_ACCESS token bound to `userId`, reused while enough of its lifetime remains. */
  getClientToken(userId: string): Promise<ClientToken> {
    return this.#client.getClientToken(userId);
  }

  /** The Consent UI URL for a client token. */
  consentUrl(...args: Parameters<BasiqClient['consentUrl']>): ReturnType<BasiqClient['consentUrl']> {
    return this.#client.consentUrl(...args);
  }

  /** Releases the client's resources when Nest shuts down (`app.close()` or a shutdown hook). */
  async onApplicationShutdown(): Promise<void> {
    if (this.#owned) await this.#client.close();
  }

  /** Nothing secret to show: the client's state stays out of logs. */
  toJSON(): Record<string, never> {
    return {};
  }

  [inspect.custom](): string {
    return 'BasiqService {}';
  }
}
