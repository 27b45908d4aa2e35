// `@basiq-token/core/otel`: OpenTelemetry traces and metrics for a client. The only entry that
// loads `@opentelemetry/api` (an optional peer): the root never does, so an app that does not
// instrument loads no OpenTelemetry code and needs no OpenTelemetry package installed.
export { instrumentBasiq, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from './otel/instrument.js';
export type { BasiqInstrumentationOptions } from './otel/instrument.js';
