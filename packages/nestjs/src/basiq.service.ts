import type { BasiqClient } from '@basiq-token/core';
import { basiqRequestContext } from '@basiq-token/core/axios';
import type { BasiqAxiosRequestContext } from '@basiq-token/core/axios';
import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { inspect } from 'node:util';
import type { BasiqModuleOptions } from './options.js';
import { BASIQ_CLIENT, BASIQ_MODULE_OPTIONS } from './tokens.js';

/**
 * What {@link BasiqService} offers: core's request context, the object the Express, Koa,
 * Fastify and Hono adapters put on each request (`http`, `fetch`, `api`, `getServerToken`,
 * `getClientToken`), and the client's `health`, `warmUp` and `consentUrl`.
 */
export type BasiqServiceMembers = BasiqAxiosRequestContext &
  Pick<BasiqClient, 'health' | 'warmUp' | 'consentUrl'>;

/** The client's own methods a service carries besides the request context: each of them, no other. */
const CLIENT_METHODS = ['health', 'warmUp', 'consentUrl'] as const satisfies ReadonlyArray<
  Exclude<keyof BasiqServiceMembers, keyof BasiqAxiosRequestContext>
>;

// Core's members themselves (its frozen request context, the client's methods bound), rather than
// a method here per member: the service can neither drift from core nor be a second way to it.
const CoreMembers = class {
  constructor(client: BasiqClient) {
    const members = Object.getOwnPropertyDescriptors(basiqRequestContext(client)) as PropertyDescriptorMap;
    for (const name of CLIENT_METHODS) {
      members[name] = {
        value: (client[name] as (...args: never[]) => unknown).bind(client),
        enumerable: true,
      };
    }
    Object.defineProperties(this, members);
  }
} as new (client: BasiqClient) => BasiqServiceMembers;

/**
 * Basiq for a Nest app's own code, injectable anywhere `BasiqModule` is visible: `http` (axios)
 * and `fetch` bound to Basiq's base URL, and the typed `api`, all sending the server token
 * (refreshed as needed; relative paths go to Basiq); `getServerToken()`, `getClientToken(userId)`,
 * `consentUrl()`, and `health()`/`warmUp()` for probes (see {@link BasiqServiceMembers}). The core
 * `BasiqClient` itself (events, `errorResponse`, …) is injected apart, with `@InjectBasiqClient()`.
 *
 * @example
 * ```ts
 * constructor(@Inject(BasiqService) private readonly basiq: BasiqService) {}
 * const { data } = await this.basiq.api.GET('/users/{userId}', { params: { path: { userId } } });
 * ```
 */
@Injectable()
export class BasiqService extends CoreMembers implements OnApplicationShutdown {
  readonly #client: BasiqClient;
  /** A client handed in through `client` belongs to the app, which closes it. */
  readonly #owned: boolean;

  constructor(
    @Inject(BASIQ_CLIENT) client: BasiqClient,
    @Inject(BASIQ_MODULE_OPTIONS) options: BasiqModuleOptions,
  ) {
    super(client);
    this.#client = client;
    this.#owned = options.client === undefined;
  }

  /** Releases the client's resources when Nest shuts down (`app.close()` or a shutdown hook). */
  async onApplicationShutdown(): Promise<void> {
    if (this.#owned) await this.#client.close();
  }

  /** Nothing secret to show: the client's state stays out of logs. */
  toJSON(): Record<string, never> {
    return {};
  }

  /** Nothing secret to show in `util.inspect` either. */
  [inspect.custom](): string {
    return 'BasiqService {}';
  }
}
