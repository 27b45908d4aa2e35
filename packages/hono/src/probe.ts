import type { Handler } from 'hono';
import { createProbeFetchHandler } from '@basiq-token/core';
import type { ProbeKind, ProbeOptions, ProbeSource } from '@basiq-token/core';

/**
 * A health probe route on core's Fetch-API probe: `liveness` (always 200 with `client.health()`,
 * no `/token` call) or `readiness` (200 once a server token is held; otherwise one shared warm-up
 * and, if no token comes within `waitMs`, 503 with core's JSON error). `client` may be a
 * `BasiqClient`, a `BasiqClientRegistry` (ready when every client is) or a function returning
 * either, called per probe. `kind` and `options` are checked now (a `BasiqConfigError`). Runs on
 * every runtime Hono does.
 *
 * @example
 * ```ts
 * app.get('/healthz', probeHandler(client, 'liveness'));
 * app.get('/readyz', probeHandler(client, 'readiness', { waitMs: 1_000 }));
 * ```
 */
export function probeHandler(client: ProbeSource, kind: ProbeKind, options?: ProbeOptions): Handler {
  const handler = createProbeFetchHandler(client, kind, options);
  return (c) => handler(c.req.raw);
}
