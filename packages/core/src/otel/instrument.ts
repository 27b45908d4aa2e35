import { context, metrics, SpanKind, SpanStatusCode, trace, ValueType } from '@opentelemetry/api';
import type {
  Attributes,
  BatchObservableResult,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  ObservableGauge,
  Span,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import type { BasiqClient } from '../client.js';
import { BasiqConfigError, BasiqError } from '../errors.js';
import { telemetryHubOf } from '../telemetry.js';
import type { ReplayInfo, TelemetryHooks, TokenCallInfo, UpstreamAnswer } from '../telemetry.js';
import { ATTR, METRIC, SPAN } from './names.js';

/** The name of the tracer and meter that {@link instrumentBasiq} reports through: this package's. */
export const INSTRUMENTATION_NAME = '@basiq-token/core';
/** Their version: this package's (a test keeps the two in step). */
export const INSTRUMENTATION_VERSION = '0.1.0';

/** Options of {@link instrumentBasiq}. */
export interface BasiqInstrumentationOptions {
  /** Where spans go (default: the global tracer provider, which the OpenTelemetry SDK registers). */
  tracerProvider?: TracerProvider;
  /** Where metrics go (default: the global meter provider, as it is when `instrumentBasiq` is called). */
  meterProvider?: MeterProvider;
  /**
   * Added to every span and metric point of this client, to tell several Basiq applications in
   * one process apart: `{ 'basiq.app': 'sandbox' }`. Put no secret here.
   */
  attributes?: Attributes;
}

// OpenTelemetry's HTTP client duration buckets, in seconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

// Basiq's correlation ids are UUIDs; anything else a proxy put there is not worth recording.
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Traces and measures `client` with OpenTelemetry: a span per `POST /token` attempt and per
 * refresh-and-replay of a data request Basiq refused for its token, each a child of the span
 * active when the work started; and metrics: `/token` calls by scope and outcome, their duration,
 * replays, and, read from `client.health()` at each collection, the server token's time to
 * expiry, the `/token` budget left and whether the store is degraded. No span or metric carries
 * the API key, a token or a user id. Answers a function that removes it all; closing the client
 * removes it too. Instrumenting the same client again replaces what was installed before.
 *
 * The root entry never loads `@opentelemetry/api`: only this entry does, so a client that is not
 * instrumented loads no OpenTelemetry code. Call it after the OpenTelemetry SDK has started (or pass the
 * providers): a meter taken from the global API before that records nothing.
 *
 * @example
 * import { instrumentBasiq } from '@basiq-token/core/otel';
 * const basiq = createBasiqClient({ apiKey: process.env.BASIQ_API_KEY! });
 * instrumentBasiq(basiq);
 */
export function instrumentBasiq(client: BasiqClient, options: BasiqInstrumentationOptions = {}): () => void {
  const hub = telemetryHubOf(client);
  if (!hub) {
    throw new BasiqConfigError(
      'instrumentBasiq(client): `client` is not a BasiqClient from createBasiqClient()',
      {
        option: 'client',
      },
    );
  }
  const base = baseAttributes(client, options.attributes);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_NAME,
    INSTRUMENTATION_VERSION,
  );
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(
    INSTRUMENTATION_NAME,
    INSTRUMENTATION_VERSION,
  );
  const instruments = createInstruments(meter);
  const hooks = new OtelHooks(tracer, instruments, base);

  let remove = (): void => undefined;
  const observe = (result: BatchObservableResult): void => {
    const health = client.health();
    if (health.closed) {
      // A closed client is gone for good: let it and its gauges go. Not from inside the
      // collection that called us.
      queueMicrotask(() => remove());
      return;
    }
    const { gauges } = instruments;
    if (health.serverToken.expiresInMs !== undefined) {
      result.observe(gauges.timeToExpiry, health.serverToken.expiresInMs / 1000, base);
    }
    if (health.budget) {
      result.observe(gauges.budgetRemaining, health.budget.left, base);
      result.observe(gauges.budgetLimit, health.budget.limit, base);
    }
    result.observe(gauges.storeDegraded, health.store.degraded ? 1 : 0, {
      ...base,
      [ATTR.storeKind]: health.store.kind,
    });
  };
  const observables = Object.values(instruments.gauges);
  meter.addBatchObservableCallback(observe, observables);
  remove = hub.install(hooks, () => meter.removeBatchObservableCallback(observe, observables));
  return remove;
}

interface Instruments {
  calls: Counter;
  duration: Histogram;
  replays: Counter;
  gauges: {
    timeToExpiry: ObservableGauge;
    budgetRemaining: ObservableGauge;
    budgetLimit: ObservableGauge;
    storeDegraded: ObservableGauge;
  };
}

function createInstruments(meter: Meter): Instruments {
  return {
    calls: meter.createCounter(METRIC.calls, {
      description: 'POST /token calls to Basiq (each attempt), by scope and outcome',
      unit: '{call}',
      valueType: ValueType.INT,
    }),
    duration: meter.createHistogram(METRIC.duration, {
      description: 'Duration of one POST /token call to Basiq',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    replays: meter.createCounter(METRIC.replays, {
      description: 'Data requests replayed once with a fresh token after Basiq refused theirs',
      unit: '{replay}',
      valueType: ValueType.INT,
    }),
    gauges: {
      timeToExpiry: meter.createObservableGauge(METRIC.timeToExpiry, {
        description: 'Seconds until the server token held in this process expires',
        unit: 's',
      }),
      budgetRemaining: meter.createObservableGauge(METRIC.budgetRemaining, {
        description: 'POST /token calls left in the budget window, as last counted',
        unit: '{call}',
        valueType: ValueType.INT,
      }),
      budgetLimit: meter.createObservableGauge(METRIC.budgetLimit, {
        description: 'POST /token calls the budget allows per window',
        unit: '{call}',
        valueType: ValueType.INT,
      }),
      storeDegraded: meter.createObservableGauge(METRIC.storeDegraded, {
        description: '1 while the token store fails and tokens are served from this process, else 0',
        unit: '1',
        valueType: ValueType.INT,
      }),
    },
  };
}

/** The client's place, and the app's own attributes (the app's win only where ours are absent). */
function baseAttributes(client: BasiqClient, extra: Attributes | undefined): Attributes {
  if (extra !== undefined && (typeof extra !== 'object' || extra === null || Array.isArray(extra))) {
    throw new BasiqConfigError(
      'instrumentBasiq: `attributes` must be an object of OpenTelemetry attributes',
      {
        option: 'attributes',
      },
    );
  }
  const url = new URL(client.baseUrl);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { ...extra, [ATTR.serverAddress]: url.hostname, [ATTR.serverPort]: port };
}

/** What an ended call says about itself: its outcome, and why it failed. */
function outcomeOf(
  answer: UpstreamAnswer | undefined,
  error: unknown,
  failed: boolean,
  preferStatus: boolean,
): Attributes {
  const attributes: Attributes = {};
  if (answer?.status) attributes[ATTR.statusCode] = answer.status;
  const errorStatus =
    answer?.status !== undefined && answer.status >= 400 ? String(answer.status) : undefined;
  if (!failed && errorStatus === undefined) {
    attributes[ATTR.outcome] = 'success';
    return attributes;
  }
  attributes[ATTR.outcome] = 'error';
  // A BasiqError's code says more than a status (404 from /token is a wrong key); a data answer's
  // status is what semantic conventions use for HTTP errors.
  const code = error instanceof BasiqError ? error.code : failed ? errorName(error) : undefined;
  attributes[ATTR.errorType] = (preferStatus ? (errorStatus ?? code) : (code ?? errorStatus)) ?? '_OTHER';
  return attributes;
}

function errorName(error: unknown): string {
  return error instanceof Error && /^[A-Za-z][\w.]{0,63}$/.test(error.name) ? error.name : '_OTHER';
}

class OtelHooks implements TelemetryHooks {
  readonly #tracer: Tracer;
  readonly #m: Instruments;
  readonly #base: Attributes;

  constructor(tracer: Tracer, instruments: Instruments, base: Attributes) {
    this.#tracer = tracer;
    this.#m = instruments;
    this.#base = base;
  }

  tokenCall<T>(
    info: TokenCallInfo,
    call: (note: (answer: UpstreamAnswer) => void) => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    const scope = { [ATTR.scope]: info.scope };
    return this.#traced(
      `${SPAN.token} ${info.scope}`,
      { ...this.#base, ...scope, [ATTR.attempt]: info.attempt, [ATTR.method]: 'POST' },
      call,
      false,
      (outcome) => {
        const attributes = { ...this.#base, ...scope, ...outcome };
        this.#m.calls.add(1, attributes);
        this.#m.duration.record((performance.now() - started) / 1000, attributes);
      },
    );
  }

  replay<T>(info: ReplayInfo, call: (note: (answer: UpstreamAnswer) => void) => Promise<T>): Promise<T> {
    const attributes: Attributes = {
      ...this.#base,
      [ATTR.refusedStatusCode]: info.status,
    };
    if (info.basiqCode !== undefined) attributes[ATTR.refusedCode] = info.basiqCode;
    if (info.correlationId !== undefined && CORRELATION_ID.test(info.correlationId)) {
      attributes[ATTR.correlationId] = info.correlationId;
    }
    return this.#traced(SPAN.replay, attributes, call, true, (outcome) => {
      const { [ATTR.outcome]: result, [ATTR.errorType]: errorType } = outcome;
      this.#m.replays.add(1, {
        ...this.#base,
        [ATTR.outcome]: result,
        ...(errorType !== undefined ? { [ATTR.errorType]: errorType } : {}),
      });
    });
  }

  /**
   * Runs `call` inside a span that is a child of the active context and is active itself (so a
   * `/token` call a replay makes, or an HTTP span of the app's own instrumentation, nests under
   * it). Telemetry failing must never fail the call: its own errors are swallowed.
   */
  #traced<T>(
    name: string,
    attributes: Attributes,
    call: (note: (answer: UpstreamAnswer) => void) => Promise<T>,
    preferStatus: boolean,
    measure: (outcome: Attributes) => void,
  ): Promise<T> {
    let span: Span;
    const parent = context.active();
    try {
      span = this.#tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
    } catch {
      return call(() => undefined);
    }
    let answer: UpstreamAnswer | undefined;
    const note = (a: UpstreamAnswer): void => {
      answer = a;
    };
    const end = (failed: boolean, error: unknown): void => {
      try {
        const outcome = outcomeOf(answer, error, failed, preferStatus);
        if (answer?.correlationId !== undefined && CORRELATION_ID.test(answer.correlationId)) {
          span.setAttribute(ATTR.correlationId, answer.correlationId);
        }
        span.setAttributes(outcome);
        const errorType = outcome[ATTR.errorType];
        // Only the code: a message may quote Basiq's text, which telemetry has no need of.
        if (errorType !== undefined)
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(errorType) });
        span.end();
        measure(outcome);
      } catch {
        // Nothing to do: the call's own result stands.
      }
    };
    let running: Promise<T>;
    try {
      running = context.with(trace.setSpan(parent, span), () => call(note));
    } catch (error) {
      end(true, error);
      throw error;
    }
    return running.then(
      (value) => {
        end(false, undefined);
        return value;
      },
      (error: unknown) => {
        end(true, error);
        throw error;
      },
    );
  }
}
