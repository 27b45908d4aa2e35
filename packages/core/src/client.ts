import { createBasiqApi } from './api/index.js';
import type { BasiqApi } from './api/index.js';
import { TokenBudget } from './budget.js';
import { ClientTokenManager } from './client-tokens.js';
import { Closer } from './close-signal.js';
import { buildConsentUrl } from './consent.js';
import type { ConsentUrlOptions } from './consent.js';
import { Emitter } from './emitter.js';
import { BasiqError } from './errors.js';
import { HTTP_OPTIONS } from './client-http.js';
import { ServerFetchOutcome } from './health.js';
import type { BasiqHealth } from './health.js';
import { createBasiqFetch } from './http/fetch.js';
import type { HttpOptions } from './http/http-options.js';
import { createSafeLogger } from './logger.js';
import type { SafeLogger } from './logger.js';
import { INSPECT } from './inspect.js';
import { KeyRotation } from './key-rotation.js';
import { ApiKeySource } from './key-source.js';
import type { KeyChange } from './key-source.js';
import type { InspectFn } from './inspect.js';
import { resolveOptions } from './options.js';
import { clientTokenRoute, errorResponse } from './route.js';
import { SafeStore } from './safe-store.js';
import { Sealer } from './sealing.js';
import { describeError, Redactor } from './secrets.js';
import { ServerTokenManager } from './server-token.js';
import { TELEMETRY, TelemetryHub } from './telemetry.js';
import type { ServerTokenPhase } from './server-token.js';
import { MemoryStore } from './store.js';
import type { TokenStore } from './store.js';
import { TokenEndpoint } from './token-endpoint.js';
import { TokenFetcher } from './token-fetcher.js';
import type {
  BasiqEvents,
  BasiqOptions,
  BasiqRequestContext,
  ClientToken,
  FetchLike,
  RouteResponse,
  ServerTokenSource,
} from './types.js';

type Listener<E extends keyof BasiqEvents> = (...args: BasiqEvents[E]) => void;

/** What {@link BasiqClient.toJSON} shows: the state, never a key or a token. */
export interface BasiqClientState {
  baseUrl: string;
  basiqVersion: string;
  closed: boolean;
  serverToken: { phase: ServerTokenPhase; expiresAt?: number; refreshing: boolean; cooldownMs?: number };
  clientTokensCached: number;
  store: { kind: 'memory' | 'custom'; degraded: boolean };
}

function closedError(): BasiqError {
  return new BasiqError(
    'client_closed',
    'The Basiq client is closed; create a new one with createBasiqClient()',
  );
}

/**
 * One Basiq application: its server token, its users' client tokens, and a `fetch` and a typed
 * `api` that send the server token to Basiq. Create one per API key and share it; options are
 * validated here (a wrong one throws `BasiqConfigError` at once). An axios instance for it comes
 * from `basiqAxios(client)` in `@basiq-token/core/axios` (the root entry does not load axios).
 *
 * The API key lives only in private fields: `JSON.stringify`, `util.inspect` and the
 * enumerable properties show the base URL and the state, never a secret.
 */
export class BasiqClient implements ServerTokenSource {
  /** Basiq's base URL, normalised (no trailing slash). */
  readonly baseUrl: string;
  /** A fetch bound to {@link baseUrl} (relative paths allowed) that sends the server token. */
  readonly fetch: FetchLike;

  readonly #basiqVersion: string;
  readonly #logger: SafeLogger;
  readonly #emitter: Emitter<BasiqEvents>;
  readonly #closer = new Closer();
  readonly #realStore: TokenStore;
  readonly #ownsStore: boolean;
  readonly #store: SafeStore;
  readonly #fetcher: TokenFetcher;
  readonly #server: ServerTokenManager;
  readonly #clients: ClientTokenManager;
  readonly #httpOptions: HttpOptions;
  readonly #context: BasiqRequestContext;
  readonly #budget: TokenBudget;
  readonly #clock: { now(): number };
  readonly #serverOutcome: ServerFetchOutcome;
  readonly #telemetry = new TelemetryHub();
  readonly #keys: ApiKeySource;
  readonly #rotation: KeyRotation;
  #api: BasiqApi | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: BasiqOptions) {
    const o = resolveOptions(options);
    // Told every key the client ever uses (the string, or each one the app's function answers).
    const redactor = new Redactor();
    this.baseUrl = o.baseUrl;
    this.#basiqVersion = o.basiqVersion;
    this.#clock = o.clock;
    this.#serverOutcome = new ServerFetchOutcome(() => o.clock.now());
    this.#logger = createSafeLogger(o.logger, redactor);
    const keys = new ApiKeySource({
      apiKey: o.apiKey,
      redactor,
      logger: this.#logger,
      onChange: (change) => this.#keyChanged(change),
    });
    this.#keys = keys;
    const sealer = new Sealer(keys);
    // A throwing listener is the app's bug; it must not break token handling.
    this.#emitter = new Emitter<BasiqEvents>((event, error) =>
      this.#logger.error(`a '${String(event)}' listener threw: ${describeError(error)}`),
    );

    this.#ownsStore = o.store === undefined;
    this.#realStore = o.store ?? new MemoryStore({ now: () => o.clock.now() });
    this.#store = new SafeStore(this.#realStore, {
      clock: o.clock,
      logger: this.#logger,
      redactor,
      probeKey: () => sealer.key('probe'),
      // Every user's client token, plus room for the server token, locks and markers.
      maxFallbackEntries: o.clientTokens.maxEntries + 100,
      onDegraded: (info) => this.#emit('store:degraded', info),
      onRecovered: () => this.#emit('store:recovered', {}),
    });
    this.#rotation = new KeyRotation({
      keys,
      sealer,
      store: this.#store,
      clock: o.clock,
      logger: this.#logger,
      shared: !this.#ownsStore,
    });
    // One attempt plus a margin: a holder still retrying after this shares the work with the next one.
    const lockTtlMs = o.tokenTimeoutMs + o.retry.maxDelayMs + 1_000;
    const budget = new TokenBudget({
      store: this.#store,
      key: () => sealer.key('budget'),
      ...o.budget,
      clock: o.clock,
      logger: this.#logger,
      onExhausted: (info) => this.#emit('budget:exhausted', info),
    });
    this.#budget = budget;
    this.#fetcher = new TokenFetcher({
      endpoint: new TokenEndpoint({
        keys,
        baseUrl: o.baseUrl,
        basiqVersion: o.basiqVersion,
        timeoutMs: o.tokenTimeoutMs,
        fetch: o.fetch,
        clock: o.clock,
        redactor,
      }),
      budget,
      retry: o.retry,
      store: this.#store,
      sealer,
      cooldownMs: o.refresh.cooldownMs,
      backoffMs: o.refresh.backoffMs,
      maxBackoffMs: o.refresh.maxBackoffMs,
      lockTtlMs,
      clock: o.clock,
      logger: this.#logger,
      redactor,
      emit: (event, ...args) => this.#emit(event, ...args),
      telemetry: this.#telemetry,
      signal: this.#closer,
    });
    this.#server = new ServerTokenManager({
      fetcher: this.#fetcher,
      store: this.#store,
      sealer,
      clock: o.clock,
      logger: this.#logger,
      redactor,
      softWindowMs: o.refresh.softWindowMs,
      hardWindowMs: o.refresh.hardWindowMs,
      keepWarm: o.refresh.keepWarm,
      lockTtlMs,
      signal: this.#closer,
      beforeStoreRead: () => this.#rotation.check(),
    });
    this.#clients = new ClientTokenManager({
      fetcher: this.#fetcher,
      // Without a shared store, a second copy of every user's token in memory would defeat the LRU bound.
      store: this.#ownsStore ? undefined : this.#store,
      sealer,
      clock: o.clock,
      logger: this.#logger,
      redactor,
      maxEntries: o.clientTokens.maxEntries,
      minRemainingMs: o.clientTokens.minRemainingMs,
      lockTtlMs,
      signal: this.#closer,
      beforeStoreRead: () => this.#rotation.check(),
    });

    this.#httpOptions = {
      baseUrl: o.baseUrl,
      timeoutMs: o.requestTimeoutMs,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      logger: this.#logger,
      onReplay: (info) => this.#emit('token:replay', info),
      telemetry: this.#telemetry,
    };
    this.fetch = createBasiqFetch(this, this.#httpOptions);
    // A getter, so the typed client is made only when a request first uses it.
    const api = () => this.api;
    this.#context = Object.freeze({
      fetch: this.fetch,
      get api() {
        return api();
      },
      getServerToken: () => this.getServerToken(),
      getClientToken: (userId: string) => this.getClientToken(userId),
    });
  }

  /**
   * A typed client for every endpoint of Basiq's v3 API (openapi-fetch over types generated from
   * Basiq's OpenAPI specs), sending through {@link fetch}: the server token, the origin check, the
   * timeout and the single replay on a refused token apply. Basiq's error answers resolve as
   * `{ error, response }` like `fetch`'s do (`new BasiqApiError(response.status, error)` makes the
   * typed error); it rejects only when no answer came. Made on first use, then the same object.
   *
   * @example
   * const { data, error, response } = await basiq.api.GET('/users/{userId}/accounts', {
   *   params: { path: { userId } },
   * });
   */
  get api(): BasiqApi {
    return (this.#api ??= createBasiqApi(this.fetch, this.baseUrl));
  }

  /**
   * The current SERVER_ACCESS token. Answers from memory while it is fresh (no I/O), refreshes
   * in the background in the soft window, and waits for a refresh only in the hard window.
   * Rejects with a `BasiqError` (`basiq_configuration`, `basiq_unavailable`, …) when no valid
   * token can be had, and with `client_closed` after {@link close}.
   */
  getServerToken(): Promise<string> {
    if (this.#closing) return Promise.reject(closedError());
    return this.#server.get();
  }

  /** Drops `token` if it is still the cached server token, so the next call refreshes (used after a 401/403). */
  invalidateServerToken(token: string): Promise<void> {
    if (this.#closing) return Promise.resolve();
    return this.#server.invalidate(token);
  }

  /**
   * A CLIENT_ACCESS token bound to `userId`, for the browser. The userId is validated before
   * anything is sent (`BasiqInputError`); a cached token is reused while enough lifetime
   * remains (`expiresIn` is what is left); past the `/token` budget it rejects with
   * `BasiqRateLimitError` (`token_budget_exhausted`, `retryAfterMs`) without calling Basiq.
   */
  getClientToken(userId: string): Promise<ClientToken> {
    if (this.#closing) return Promise.reject(closedError());
    return this.#clients.get(userId);
  }

  /**
   * The client-token route as data: `userId` is what the app's authentication resolved
   * (`undefined` when nobody is signed in). Never rejects; adapters copy the answer out.
   */
  handleClientTokenRequest(userId: unknown): Promise<RouteResponse> {
    return clientTokenRoute((id) => this.getClientToken(id), userId, { logger: this.#logger });
  }

  /**
   * Any error as the HTTP answer adapters give it (status, headers, JSON body without secrets),
   * logged through this client's logger: what adapters' error handlers and filters answer.
   */
  errorResponse(error: unknown): RouteResponse {
    return errorResponse(error, this.#logger);
  }

  /** The Basiq Consent UI URL for a client token (or its string). */
  consentUrl(token: string | ClientToken, opts?: ConsentUrlOptions): string {
    return buildConsentUrl(token, opts);
  }

  /** What adapters put on each request: one frozen object, the same for every request. */
  context(): BasiqRequestContext {
    return this.#context;
  }

  /**
   * Switches to another API key without a restart: to `next`, or, without it, to what the
   * `apiKey` function answers now. When the key changes, the previous key's tokens are dropped
   * (the server token and every cached client token; in the store, the server token and the
   * client tokens of the users this process knows), the previous key is marked retired in the
   * store so that instances sharing it follow (see the README's "Key rotation"), and `key:rotated`
   * is emitted. Resolves with whether the key changed, once that is done: from then on no call
   * gets a token of the previous key, and a `/token` call still running with it is not cached.
   * Both keys stay out of every log line, error and store.
   *
   * Rejects with `BasiqConfigError` for an unusable `next` (`invalid_options`), without a
   * function to read (`invalid_options`), or when the function fails (`basiq_configuration`),
   * and with `client_closed` after {@link BasiqClient.close}.
   *
   * @example
   * await basiq.rotateApiKey(newKey); // or basiq.rotateApiKey() with `apiKey: () => secrets.read()`
   */
  async rotateApiKey(next?: string): Promise<boolean> {
    if (this.#closing) throw closedError();
    if (next === undefined) return this.#keys.reread('rotateApiKey');
    return this.#keys.set(this.#keys.check(next), 'rotateApiKey');
  }

  /** Listens to an engine event (see `BasiqEvents`); payloads never hold a token. */
  on<E extends keyof BasiqEvents>(event: E, listener: Listener<E>): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /** Removes a listener added with {@link on} or {@link once}. */
  off<E extends keyof BasiqEvents>(event: E, listener: Listener<E>): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /** Listens to the next occurrence of an event only. */
  once<E extends keyof BasiqEvents>(event: E, listener: Listener<E>): this {
    this.#emitter.once(event, listener);
    return this;
  }

  /**
   * Stops the client: pending token requests and backoff waits end with `client_closed`,
   * timers are cleared, and a store the client created itself is closed (one handed in
   * belongs to the app). Idempotent; every later call rejects with `client_closed`.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closer.abort(closedError());
    this.#server.close();
    const pending = [this.#server.pending, ...this.#clients.pending()].filter((p) => p !== undefined);
    await Promise.allSettled(pending);
    if (this.#ownsStore) {
      try {
        await this.#realStore.close?.();
      } catch (error) {
        this.#logger.warn(`closing the token store failed: ${describeError(error)}`);
      }
    }
    this.#logger.debug('client closed');
  }

  /**
   * Where this client stands, for health and readiness probes: whether a server token is held
   * and its phase and time left, whether the last `/token` call for it failed, the back-off
   * window, the store and the `/token` budget as last counted. Read from memory: no `/token`
   * call and no I/O, so a probe can call it as often as it likes. `ready` is true while a server
   * token is held and not expired. Holds no key, token or user id.
   *
   * @example
   * app.get('/readyz', (_req, res) => {
   *   const health = basiq.health();
   *   res.status(health.ready ? 200 : 503).json(health);
   * });
   */
  health(): BasiqHealth {
    const { phase, expiresAt } = this.#server.phase();
    const closed = this.#closing !== undefined;
    const now = this.#clock.now();
    const backoffMs = this.#fetcher.cooldownRemainingMs();
    const lastFailure = this.#serverOutcome.lastFailure;
    const budget = this.#budget.lastKnown();
    return {
      ready: !closed && phase !== 'none' && phase !== 'expired',
      closed,
      serverToken: {
        held: phase !== 'none',
        phase,
        ...(expiresAt !== undefined ? { expiresAt, expiresInMs: Math.max(0, expiresAt - now) } : {}),
        refreshing: this.#server.refreshing,
        ...(lastFailure ? { lastFailure } : {}),
      },
      backoff: { open: backoffMs > 0, remainingMs: backoffMs },
      store: { kind: this.#ownsStore ? 'memory' : 'custom', degraded: this.#store.degraded },
      ...(budget ? { budget } : {}),
    };
  }

  /**
   * Gets the server token now, so the first request after start-up does not wait for `/token`.
   * Resolves with {@link BasiqClient.health} once a token is held; rejects with the `BasiqError`
   * that {@link BasiqClient.getServerToken} would give (wrong key, Basiq unavailable, back-off window open,
   * `client_closed`). Shares the one refresh in flight and respects the back-off window, so
   * calling it again (from a readiness probe, say) never adds a `/token` call to one running.
   *
   * @example
   * basiq.warmUp().catch((error) => console.warn(`Basiq warm-up failed: ${error.message}`));
   */
  async warmUp(): Promise<BasiqHealth> {
    await this.getServerToken();
    return this.health();
  }

  /** The state, for logs and health checks: no key, no token. */
  toJSON(): BasiqClientState {
    const { phase, expiresAt } = this.#server.phase();
    const cooldownMs = this.#fetcher.cooldownRemainingMs();
    return {
      baseUrl: this.baseUrl,
      basiqVersion: this.#basiqVersion,
      closed: this.#closing !== undefined,
      serverToken: {
        phase,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        refreshing: this.#server.refreshing,
        ...(cooldownMs > 0 ? { cooldownMs } : {}),
      },
      clientTokensCached: this.#clients.size,
      store: { kind: this.#ownsStore ? 'memory' : 'custom', degraded: this.#store.degraded },
    };
  }

  [INSPECT](_depth: number, _options: unknown, inspect?: InspectFn): string {
    const state = inspect
      ? inspect(this.toJSON(), { depth: 4, breakLength: Infinity })
      : JSON.stringify(this.toJSON());
    return `BasiqClient ${state}`;
  }

  [HTTP_OPTIONS](): HttpOptions {
    return this.#httpOptions;
  }

  [TELEMETRY](): TelemetryHub {
    return this.#telemetry;
  }

  /** Drops what the previous key got, here (synchronously, before any await) and in the store. */
  async #keyChanged({ previous, generation, reason }: KeyChange): Promise<void> {
    this.#server.reset();
    const users = this.#clients.reset();
    this.#logger.info(`the API key changed (${reason}); the previous key's tokens are dropped`);
    const old = await this.#rotation.retire(previous);
    await this.#server.deleteStored(old);
    await this.#clients.deleteStored(old, users);
    this.#emit('key:rotated', { reason, generation });
  }

  #emit<E extends keyof BasiqEvents>(event: E, ...args: BasiqEvents[E]): void {
    this.#serverOutcome.observe(event, args);
    this.#emitter.emit(event, ...args);
  }
}

/**
 * Creates the client of one Basiq application. Validates `options` at once: a wrong option
 * throws `BasiqConfigError` (code `invalid_options`, `option` naming it) saying what to fix.
 *
 * @example
 * const basiq = createBasiqClient({ apiKey: process.env.BASIQ_API_KEY! });
 * const res = await basiq.fetch(`/users/${userId}`);
 */
export function createBasiqClient(options: BasiqOptions): BasiqClient {
  return new BasiqClient(options);
}
