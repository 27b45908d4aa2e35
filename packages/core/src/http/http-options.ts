import type { TelemetryHooks } from '../telemetry.js';
import type { FetchLike, Logger } from '../types.js';

/** How the HTTP layer reaches Basiq. */
export interface HttpOptions {
  /** Basiq's base URL; the server token goes only to this origin (scheme, host and port). */
  baseUrl: string;
  /** Timeout of one attempt of a data request, in ms. */
  timeoutMs: number;
  /** The fetch the fetch wrapper calls (default: the global `fetch`). Axios uses its own transport. */
  fetch?: FetchLike;
  /** Where replays and problems are reported; never with a token. */
  logger?: Logger;
  /** Called when Basiq refused the token and the request is replayed once with a fresh one. */
  onReplay?: (info: { status: number; basiqCode: string | undefined }) => void;
  /** Where replays are traced (`@basiq-token/core/otel`); without it nothing is. */
  telemetry?: TelemetryHooks;
}
