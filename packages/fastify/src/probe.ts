import type { FastifyReply, FastifyRequest } from 'fastify';
import { createProbe } from '@basiq-token/core';
import type { ProbeKind, ProbeOptions, ProbeSource } from '@basiq-token/core';

/** A Fastify route handler, as {@link probeHandler} returns it. */
export type ProbeRouteHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

/**
 * A health probe route handler: `liveness` (always 200 with `client.health()`, no `/token`
 * call) or `readiness` (200 once a server token is held; otherwise one shared warm-up and, if no
 * token comes within `waitMs`, 503 with core's JSON error). Core's `probeResponse` decides the
 * answer; this writes it, as JSON text (no schema: the body is core's). `client` may be a
 * `BasiqClient` or a `BasiqClientRegistry` (ready when every client is). `kind` and `options` are
 * checked now (a `BasiqConfigError`). Needs no plugin: register it wherever the probe should
 * live, outside any auth hook.
 *
 * @example
 * ```ts
 * fastify.get('/healthz', probeHandler(client, 'liveness'));
 * fastify.get('/readyz', probeHandler(client, 'readiness', { waitMs: 1_000 }));
 * ```
 */
export function probeHandler(
  client: ProbeSource,
  kind: ProbeKind,
  options?: ProbeOptions,
): ProbeRouteHandler {
  const probe = createProbe(client, kind, options);
  return async (_request, reply) => {
    const answer = await probe();
    return reply.code(answer.status).headers(answer.headers).send(JSON.stringify(answer.body));
  };
}
