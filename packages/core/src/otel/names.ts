// The names of what `instrumentBasiq` reports, in OpenTelemetry's semantic-convention style:
// Basiq's own under `basiq.`, the general ones (HTTP status, error type, server) as the
// conventions name them. The README's "Telemetry" section lists them; keep the two in step.

export const SPAN = {
  /** One `POST /token` attempt; the scope follows the name (`basiq.token SERVER_ACCESS`). */
  token: 'basiq.token',
  /** A data request refused for its token, replayed once with a fresh one. */
  replay: 'basiq.replay',
} as const;

export const ATTR = {
  scope: 'basiq.token.scope',
  attempt: 'basiq.token.attempt',
  outcome: 'basiq.outcome',
  correlationId: 'basiq.correlation_id',
  refusedStatusCode: 'basiq.replay.refused_status_code',
  refusedCode: 'basiq.replay.refused_code',
  storeKind: 'basiq.store.kind',
  statusCode: 'http.response.status_code',
  method: 'http.request.method',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
} as const;

export const METRIC = {
  calls: 'basiq.token.calls',
  duration: 'basiq.token.duration',
  replays: 'basiq.replays',
  timeToExpiry: 'basiq.token.server.time_to_expiry',
  budgetRemaining: 'basiq.token.budget.remaining',
  budgetLimit: 'basiq.token.budget.limit',
  storeDegraded: 'basiq.store.degraded',
} as const;
