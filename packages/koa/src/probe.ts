import type { Middleware } from 'koa';
import { createProbe } from '@basiq-token/core';
import type { ProbeKind, ProbeOptions, ProbeSource } from '@basiq-token/core';

/**
 * A health probe as Koa middleware that answers every request reaching it (mount it on a route):
 * `liveness` (always 200 with `client.health()`, no `/token` call) or `readiness` (200 once a
 * server token is held; otherwise one shared warm-up and, if no token comes within `waitMs`, 503
 * with core's JSON error). Core's `probeResponse` decides the answer; this writes it. `client` may
 * be a `BasiqClient` or a `BasiqClientRegistry` (ready when every client is). `kind` and
 * `options` are checked now (a `BasiqConfigError`).
 *
 * @example
 * ```ts
 * router.get('/healthz', probeMiddleware(client, 'liveness'));
 * router.get('/readyz', probeMiddleware(client, 'readiness', { waitMs: 1_000 }));
 * ```
 */
export function probeMiddleware(client: ProbeSource, kind: ProbeKind, options?: ProbeOptions): Middleware {
  const probe = createProbe(client, kind, options);
  return async (ctx) => {
    const answer = await probe();
    ctx.status = answer.status;
    ctx.set(answer.headers);
    // Text with core's JSON Content-Type already set: Koa keeps that type for a string body.
    ctx.body = JSON.stringify(answer.body);
  };
}
