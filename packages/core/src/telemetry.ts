/**
 * What Basiq answered, as telemetry may see it: the status and Basiq's `correlationId` (from an
 * error body). Never a header or a body, which could hold the key or a token.
 */
export interface UpstreamAnswer {
  /** The HTTP status Basiq answered with. */
  status: number;
  /** Basiq's id of the answer, which its support can look up (error answers carry one). */
  correlationId?: string | undefined;
}

/** One `POST /token` attempt about to be sent. */
export interface TokenCallInfo {
  /** The token asked for. Whose a client token is, is not said. */
  scope: 'SERVER_ACCESS' | 'CLIENT_ACCESS';
  /** 1 for the first attempt of a fetch, 2 for its first retry, … */
  attempt: number;
}

/** A data request Basiq refused for its token, about to be replayed once with a fresh one. */
export interface ReplayInfo {
  /** The refusal's status (401 or 403). */
  status: number;
  /** The refusal's Basiq error code (`invalid-authorization-token`, `access-denied`). */
  basiqCode: string | undefined;
  /** Basiq's `correlationId` of the refusal. */
  correlationId?: string | undefined;
}

/**
 * Where core reports the work worth a trace span: each `/token` attempt and each replay. Each
 * hook runs `call` (exactly once) and resolves or rejects as it does; `call` hands the hook what
 * Basiq answered through `note`. `@basiq-token/core/otel` implements it over OpenTelemetry.
 */
export interface TelemetryHooks {
  /** Runs one `POST /token` attempt; it rejects with the attempt's `BasiqError`. */
  tokenCall<T>(info: TokenCallInfo, call: (note: (answer: UpstreamAnswer) => void) => Promise<T>): Promise<T>;
  /** Runs a replay: invalidating the refused token, getting a fresh one and sending again. */
  replay<T>(info: ReplayInfo, call: (note: (answer: UpstreamAnswer) => void) => Promise<T>): Promise<T>;
}

const ignore = (): void => undefined;

/**
 * A client's one place for telemetry hooks. Empty (the default), each hook only runs `call`:
 * no object made, nothing loaded. `@basiq-token/core/otel` installs its hooks here.
 */
export class TelemetryHub implements TelemetryHooks {
  #hooks: TelemetryHooks | undefined;
  #uninstall: (() => void) | undefined;

  tokenCall<T>(
    info: TokenCallInfo,
    call: (note: (answer: UpstreamAnswer) => void) => Promise<T>,
  ): Promise<T> {
    const hooks = this.#hooks;
    return hooks ? hooks.tokenCall(info, call) : call(ignore);
  }

  replay<T>(info: ReplayInfo, call: (note: (answer: UpstreamAnswer) => void) => Promise<T>): Promise<T> {
    const hooks = this.#hooks;
    return hooks ? hooks.replay(info, call) : call(ignore);
  }

  /**
   * Installs `hooks`, replacing (and uninstalling) any installed before: instrumenting a client
   * twice, as a module reloaded in development does, leaves one set of spans and gauges.
   * `uninstall` is called when they are replaced or removed; the answer removes them.
   */
  install(hooks: TelemetryHooks, uninstall: () => void): () => void {
    const previous = this.#uninstall;
    this.#hooks = hooks;
    this.#uninstall = uninstall;
    previous?.();
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      if (this.#hooks === hooks) {
        this.#hooks = undefined;
        this.#uninstall = undefined;
        uninstall();
      }
    };
  }
}

/**
 * Where a client hands its {@link TelemetryHub} to `@basiq-token/core/otel`. A registry symbol,
 * like the HTTP options': an app may load another copy of core than the one that made the client.
 */
export const TELEMETRY: symbol = Symbol.for('@basiq-token/core:telemetry');

/** The telemetry hub of a client made by any copy of core, or `undefined` for anything else. */
export function telemetryHubOf(client: unknown): TelemetryHub | undefined {
  const read = (client as Record<symbol, unknown> | null | undefined)?.[TELEMETRY];
  return typeof read === 'function' ? (read.call(client) as TelemetryHub) : undefined;
}
