import { createProbeFetchHandler } from '@basiq-token/core';
import { isBasiqClientRegistry } from '@basiq-token/core/adapter';
import type { BasiqClientRegistry, ProbeKind, ProbeOptions } from '@basiq-token/core';
import { getBasiqClient } from './client-cache.js';
import type { NextClientSource } from './client-cache.js';
import type { NextRouteHandler } from './app-router.js';

/** What {@link probeRouteHandler} returns: the `GET` to export from a `route.ts`. */
export interface NextProbeRouteHandlers {
  /** Export as `GET`. */
  GET: NextRouteHandler;
}

/**
 * A health probe for the App Router, in one line:
 *
 * ```ts
 * // app/readyz/route.ts
 * export const dynamic = 'force-dynamic';
 * export const { GET } = probeRouteHandler('readiness');
 * ```
 *
 * `liveness`: always 200 with `client.health()`, no `/token` call. `readiness`: 200 once a
 * server token is held; otherwise one shared warm-up and, if no token comes within `waitMs`,
 * 503 with core's JSON error. The answer is core's `probeResponse`, JSON with
 * `Cache-Control: no-store`. `source` is what `getBasiqClient` takes (default: from
 * `BASIQ_API_KEY`/`BASIQ_API_URL`), asked on each probe (one client per process and
 * configuration), so importing the route never reads the environment. With several Basiq
 * applications, pass their `BasiqClientRegistry` (`createBasiqClients`): the probe covers every
 * client (ready when all are). `kind` and `options` are checked now (a `BasiqConfigError`). Runs
 * on the Node and Edge runtimes.
 */
export function probeRouteHandler(
  kind: ProbeKind,
  source?: NextClientSource | BasiqClientRegistry,
  options?: ProbeOptions,
): NextProbeRouteHandlers {
  // Asked on each probe, not kept: a probe must report the client the app serves now (a source
  // function may hand over another), and getBasiqClient answers from its per-process cache.
  const handler = isBasiqClientRegistry(source)
    ? createProbeFetchHandler(source, kind, options)
    : createProbeFetchHandler(() => getBasiqClient(source), kind, options);
  return { GET: (request) => handler(request) };
}
