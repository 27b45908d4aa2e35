import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProbe } from '@basiq-token/core';
import type { ProbeKind, ProbeOptions, ProbeSource } from '@basiq-token/core';

/**
 * A health probe route: `liveness` (always 200 with `client.health()`, no `/token` call) or
 * `readiness` (200 once a server token is held; otherwise one shared warm-up and, if no token
 * comes within `waitMs`, 503 with core's JSON error). Core's `probeResponse` decides the answer;
 * this writes it. `client` may be a `BasiqClient` or a `BasiqClientRegistry` (ready when every
 * client is). `kind` and `options` are checked now (a `BasiqConfigError`).
 *
 * @example
 * ```ts
 * app.get('/healthz', probeHandler(client, 'liveness'));
 * app.get('/readyz', probeHandler(client, 'readiness', { waitMs: 1_000 }));
 * ```
 */
export function probeHandler(client: ProbeSource, kind: ProbeKind, options?: ProbeOptions): RequestHandler {
  const probe = createProbe(client, kind, options);
  return (_req: Request, res: Response, next: NextFunction) => {
    probe().then(
      // Not res.json(): no ETag, so never a 304 for an answer that must not be cached.
      (answer) => res.status(answer.status).set(answer.headers).end(JSON.stringify(answer.body)),
      next,
    );
  };
}
