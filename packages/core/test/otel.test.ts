import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { SEED_USER_ID } from '@basiq-token/emulator';
import { BasiqConfigError } from '@basiq-token/core';
import type { BasiqClient } from '@basiq-token/core';
import { basiqAxios } from '@basiq-token/core/axios';
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, instrumentBasiq } from '../src/otel.js';
import { METRIC, SPAN } from '../src/otel/names.js';
import { codeSpans, section, tables } from '../../../test/docs/markdown.js';
import { RecordingStore, eventually, useEngineHarness } from './support/engine.js';

const LIFETIME_SEC = 3600;
const { h } = useEngineHarness({ tokenLifetimeSec: LIFETIME_SEC });

const wrongKey = Buffer.from(
  '11111111-1111-4111-8111-111111111111:22222222-2222-4222-8222-222222222222',
).toString('base64');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let metricExporter: InMemoryMetricExporter;
let meterProvider: MeterProvider;
let appTracer: Tracer;

beforeAll(() => {
  // What the OpenTelemetry SDK sets up in an app: context carried across awaits.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

beforeEach(() => {
  spans = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  meterProvider = new MeterProvider({
    // Exported only when the test asks (forceFlush).
    readers: [
      new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 }),
    ],
  });
  appTracer = tracerProvider.getTracer('the-app');
});

afterEach(async () => {
  // Whatever a test did, nothing it exported may hold a secret or the user id.
  await meterProvider.forceFlush();
  const secrets = [h.emulator.apiKey, wrongKey, SEED_USER_ID, ...h.emulator.issuedTokens()];
  const texts = [
    ...spans.getFinishedSpans().map((s) =>
      JSON.stringify({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        status: s.status,
        links: s.links,
        resource: s.resource.attributes,
      }),
    ),
    JSON.stringify(metricExporter.getMetrics()),
  ];
  for (const text of texts) {
    for (const secret of secrets) {
      if (text.includes(secret))
        expect.fail(`a secret or the user id reached telemetry: ${text.slice(0, 300)}`);
    }
  }
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
});

function instrument(client: BasiqClient, attributes?: Attributes): () => void {
  return instrumentBasiq(client, { tracerProvider, meterProvider, ...(attributes ? { attributes } : {}) });
}

/** Runs `work` inside an active span of the app's own, as a request handler would. */
async function inAppSpan<T>(work: () => Promise<T>): Promise<{ parent: Span; result: T }> {
  return appTracer.startActiveSpan('GET /accounts', async (parent) => {
    try {
      return { parent, result: await work() };
    } finally {
      parent.end();
    }
  });
}

const finished = (name: string): ReadableSpan[] => spans.getFinishedSpans().filter((s) => s.name === name);
const childOf = (span: ReadableSpan, parent: { spanContext(): { spanId: string; traceId: string } }) =>
  span.parentSpanContext?.spanId === parent.spanContext().spanId &&
  span.spanContext().traceId === parent.spanContext().traceId;

async function collect(): Promise<MetricData[]> {
  metricExporter.reset();
  await meterProvider.forceFlush();
  return metricExporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}

/** The data points of one metric as [attributes, value] (a histogram's value is its count). */
function points(metrics: MetricData[], name: string): [Attributes, number][] {
  const metric = metrics.find((m) => m.descriptor.name === name);
  if (!metric) return [];
  return metric.dataPoints.map((p) => {
    const value =
      metric.dataPointType === DataPointType.HISTOGRAM ? (p.value as { count: number }).count : p.value;
    return [p.attributes, value as number];
  });
}

describe('instrumentBasiq: a span per /token call', () => {
  it('traces a server-token fetch as a child of the span active at the call, with scope, attempt, outcome and status', async () => {
    const client = h.client();
    instrument(client);
    const { parent } = await inAppSpan(() => client.getServerToken());

    const [span, ...more] = finished('basiq.token SERVER_ACCESS');
    expect(more).toEqual([]);
    expect(childOf(span!, parent)).toBe(true);
    expect(span!.attributes).toEqual({
      'basiq.token.scope': 'SERVER_ACCESS',
      'basiq.token.attempt': 1,
      'basiq.outcome': 'success',
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(h.emulator.url).port),
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.instrumentationScope).toMatchObject({
      name: INSTRUMENTATION_NAME,
      version: INSTRUMENTATION_VERSION,
    });

    const metrics = await collect();
    const success = { 'basiq.token.scope': 'SERVER_ACCESS', 'basiq.outcome': 'success' };
    expect(points(metrics, 'basiq.token.calls')).toEqual([[expect.objectContaining(success), 1]]);
    expect(points(metrics, 'basiq.token.duration')).toEqual([[expect.objectContaining(success), 1]]);
    expect(metrics.find((m) => m.descriptor.name === 'basiq.token.duration')?.descriptor.unit).toBe('s');
  });

  it('a 503 then a token: one span per attempt, the failed one with its status, error type and Basiq correlation id', async () => {
    const correlationId = 'a4f5c2e1-0b7d-4e8a-9c3f-1d2e3f4a5b6c';
    h.emulator.injectFault({
      path: '/token',
      status: 503,
      body: {
        type: 'list',
        correlationId,
        data: [
          { type: 'error', code: 'service-unavailable', title: 'Service Unavailable', detail: 'Try later' },
        ],
      },
    });
    const client = h.client();
    instrument(client);
    const { parent } = await inAppSpan(() => client.getServerToken());

    const attempts = finished('basiq.token SERVER_ACCESS');
    expect(attempts.map((s) => s.attributes['basiq.token.attempt'])).toEqual([1, 2]);
    expect(attempts.every((s) => childOf(s, parent))).toBe(true);
    const [failed, ok] = attempts;
    expect(failed!.attributes).toMatchObject({
      'basiq.outcome': 'error',
      'error.type': 'basiq_unavailable',
      'http.response.status_code': 503,
      'basiq.correlation_id': correlationId,
    });
    expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'basiq_unavailable' });
    expect(ok!.attributes).toMatchObject({ 'basiq.outcome': 'success', 'http.response.status_code': 200 });
    expect(ok!.attributes['error.type']).toBeUndefined();
    // The back-off between the two is the gap between the spans: the second starts after the first ended.
    expect(ok!.startTime[0] * 1e9 + ok!.startTime[1]).toBeGreaterThanOrEqual(
      failed!.endTime[0] * 1e9 + failed!.endTime[1],
    );

    const calls = points(await collect(), 'basiq.token.calls');
    expect(calls).toHaveLength(2);
    expect(calls).toEqual(
      expect.arrayContaining([
        [
          expect.objectContaining({
            'basiq.token.scope': 'SERVER_ACCESS',
            'basiq.outcome': 'error',
            'error.type': 'basiq_unavailable',
            'http.response.status_code': 503,
          }),
          1,
        ],
        [expect.objectContaining({ 'basiq.outcome': 'success', 'http.response.status_code': 200 }), 1],
      ]),
    );
  });

  it('a wrong key: one failed span (404, basiq_configuration, Basiq correlation id) and no retry', async () => {
    const client = h.client({ apiKey: wrongKey });
    instrument(client);
    const error = await h.failure(client.getServerToken());
    expect(error).toBeInstanceOf(BasiqConfigError);

    const [span, ...more] = finished('basiq.token SERVER_ACCESS');
    expect(more).toEqual([]);
    expect(span!.attributes).toMatchObject({
      'basiq.token.attempt': 1,
      'basiq.outcome': 'error',
      'error.type': 'basiq_configuration',
      'http.response.status_code': 404,
    });
    expect(span!.attributes['basiq.correlation_id']).toMatch(UUID);
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'basiq_configuration' });
    // No exception event: its message would carry Basiq's text, which telemetry does not need.
    expect(span!.events).toEqual([]);
  });

  it('a client token: a CLIENT_ACCESS span without the user id', async () => {
    const client = h.client();
    instrument(client);
    const { parent } = await inAppSpan(() => client.getClientToken(SEED_USER_ID));
    const [span] = finished('basiq.token CLIENT_ACCESS');
    expect(childOf(span!, parent)).toBe(true);
    expect(span!.attributes).toMatchObject({
      'basiq.token.scope': 'CLIENT_ACCESS',
      'basiq.outcome': 'success',
    });
    // The afterEach scan checks every span and metric for the user id; a cached token makes no new span.
    await client.getClientToken(SEED_USER_ID);
    expect(finished('basiq.token CLIENT_ACCESS')).toHaveLength(1);
  });
});

describe('instrumentBasiq: a span per refresh-and-replay', () => {
  it('fetch: the replay is a child of the request span, and the /token call it makes is a child of the replay', async () => {
    const client = h.client();
    instrument(client);
    h.emulator.revoke(await client.getServerToken());
    spans.reset();

    const { parent, result } = await inAppSpan(() => client.fetch(`/users/${SEED_USER_ID}`));
    expect(result.status).toBe(200);

    const [replay, ...more] = finished('basiq.replay');
    expect(more).toEqual([]);
    expect(childOf(replay!, parent)).toBe(true);
    expect(replay!.attributes).toMatchObject({
      'basiq.replay.refused_status_code': 403,
      'basiq.replay.refused_code': 'access-denied',
      'basiq.outcome': 'success',
      'http.response.status_code': 200,
    });
    expect(replay!.attributes['basiq.correlation_id']).toMatch(UUID);
    const [refresh] = finished('basiq.token SERVER_ACCESS');
    expect(childOf(refresh!, replay!)).toBe(true);

    expect(points(await collect(), 'basiq.replays')).toEqual([
      [expect.objectContaining({ 'basiq.outcome': 'success' }), 1],
    ]);
  });

  it('axios: the same replay span', async () => {
    const client = h.client();
    instrument(client);
    h.emulator.revoke(await client.getServerToken(), 'invalid');
    const { parent, result } = await inAppSpan(() => basiqAxios(client).get(`/users/${SEED_USER_ID}`));
    expect(result.status).toBe(200);
    const [replay] = finished('basiq.replay');
    expect(childOf(replay!, parent)).toBe(true);
    expect(replay!.attributes).toMatchObject({
      'basiq.replay.refused_status_code': 401,
      'basiq.replay.refused_code': 'invalid-authorization-token',
      'basiq.outcome': 'success',
      'http.response.status_code': 200,
    });
  });

  it('a replay that gets no fresh token: the replay fails with the token error, its attempts beneath it', async () => {
    const client = h.client();
    instrument(client);
    h.emulator.revoke(await client.getServerToken());
    spans.reset();
    h.emulator.injectFault({ path: '/token', status: 503, times: 3 });

    const { parent } = await inAppSpan(async () => h.failure(client.fetch(`/users/${SEED_USER_ID}`)));
    const [replay] = finished('basiq.replay');
    expect(childOf(replay!, parent)).toBe(true);
    expect(replay!.attributes).toMatchObject({ 'basiq.outcome': 'error', 'error.type': 'basiq_unavailable' });
    expect(replay!.status.code).toBe(SpanStatusCode.ERROR);
    const attempts = finished('basiq.token SERVER_ACCESS');
    expect(attempts.map((s) => s.attributes['basiq.token.attempt'])).toEqual([1, 2, 3]);
    expect(attempts.every((s) => childOf(s, replay!))).toBe(true);
  });
});

describe('instrumentBasiq: gauges read from client.health()', () => {
  it('time to expiry, budget left and limit, store not degraded; the app attributes on every point and span', async () => {
    const client = h.client();
    instrument(client, { 'basiq.app': 'sandbox' });
    await client.getServerToken();
    const health = client.health();

    const metrics = await collect();
    const [[expiryAttributes, expiry]] = points(metrics, 'basiq.token.server.time_to_expiry') as [
      [Attributes, number],
    ];
    expect(expiryAttributes).toMatchObject({ 'basiq.app': 'sandbox' });
    expect(expiry).toBeGreaterThan(LIFETIME_SEC - 60);
    expect(expiry).toBeLessThanOrEqual(LIFETIME_SEC);
    expect(points(metrics, 'basiq.token.budget.remaining')).toEqual([
      [expect.objectContaining({ 'basiq.app': 'sandbox' }), health.budget!.limit - 1],
    ]);
    expect(points(metrics, 'basiq.token.budget.limit')).toEqual([[expect.anything(), health.budget!.limit]]);
    expect(points(metrics, 'basiq.store.degraded')).toEqual([
      [expect.objectContaining({ 'basiq.store.kind': 'memory', 'basiq.app': 'sandbox' }), 0],
    ]);
    expect(finished('basiq.token SERVER_ACCESS')[0]!.attributes['basiq.app']).toBe('sandbox');
  });

  it('store degraded: 1 while the store fails', async () => {
    const store = new RecordingStore();
    const client = h.client({ store });
    instrument(client);
    store.failing = true;
    await client.getServerToken();
    await eventually(() => client.health().store.degraded);
    expect(points(await collect(), 'basiq.store.degraded')).toEqual([
      [expect.objectContaining({ 'basiq.store.kind': 'custom' }), 1],
    ]);
  });

  it('before any token: no expiry and no budget point, only the store', async () => {
    const client = h.client();
    instrument(client);
    const metrics = await collect();
    expect(points(metrics, 'basiq.token.server.time_to_expiry')).toEqual([]);
    expect(points(metrics, 'basiq.token.budget.remaining')).toEqual([]);
    expect(points(metrics, 'basiq.store.degraded')).toEqual([[expect.anything(), 0]]);
  });
});

describe('instrumentBasiq: installing and removing', () => {
  it('the disposer removes the spans, the counters and the gauges', async () => {
    const client = h.client();
    const dispose = instrument(client);
    dispose();
    dispose();
    await client.getServerToken();
    expect(spans.getFinishedSpans()).toEqual([]);
    const metrics = await collect();
    expect(points(metrics, 'basiq.token.calls')).toEqual([]);
    expect(points(metrics, 'basiq.token.server.time_to_expiry')).toEqual([]);
  });

  it('instrumenting again replaces the first: one span per call, one point per gauge', async () => {
    const client = h.client();
    const first = instrument(client);
    instrument(client);
    first(); // the replaced one's disposer no longer removes anything
    await client.getServerToken();
    expect(finished('basiq.token SERVER_ACCESS')).toHaveLength(1);
    expect(points(await collect(), 'basiq.token.server.time_to_expiry')).toHaveLength(1);
  });

  it('a closed client lets its gauges go', async () => {
    const client = h.client();
    instrument(client);
    await client.getServerToken();
    await client.close();
    await collect();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const metrics = await collect();
    expect(points(metrics, 'basiq.store.degraded')).toEqual([]);
    expect(points(metrics, 'basiq.token.server.time_to_expiry')).toEqual([]);
  });

  it('a tracer or meter that throws never fails a token call', async () => {
    const broken = () => {
      throw new Error('exporter bug');
    };
    const client = h.client();
    instrumentBasiq(client, {
      tracerProvider: {
        getTracer: () => ({ startSpan: broken, startActiveSpan: broken }) as unknown as Tracer,
      },
      meterProvider,
    });
    await expect(client.getServerToken()).resolves.toEqual(expect.any(String));

    const other = h.client();
    const meter = meterProvider.getMeter('x');
    instrumentBasiq(other, {
      tracerProvider,
      meterProvider: {
        getMeter: () => ({
          createCounter: () => ({ add: broken }),
          createHistogram: () => ({ record: broken }),
          createObservableGauge: (name: string) => meter.createObservableGauge(name),
          addBatchObservableCallback: () => undefined,
          removeBatchObservableCallback: () => undefined,
        }),
      } as unknown as MeterProvider,
    });
    await expect(other.getServerToken()).resolves.toEqual(expect.any(String));
    expect(finished('basiq.token SERVER_ACCESS')).toHaveLength(1);
  });

  it('refuses what is not a client, and attributes that are not an object', () => {
    expect(() => instrumentBasiq({} as BasiqClient)).toThrow(BasiqConfigError);
    const client = h.client();
    expect(() => instrumentBasiq(client, { attributes: 'x' as unknown as Attributes })).toThrow(/attributes/);
  });

  it('a client nobody instrumented makes no span, even with a global tracer provider registered', async () => {
    trace.setGlobalTracerProvider(tracerProvider);
    try {
      const client = h.client();
      await inAppSpan(() => client.getServerToken());
      expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['GET /accounts']);
    } finally {
      trace.disable();
    }
  });
});

describe('the /otel entry', () => {
  it('is the only entry that loads @opentelemetry/api, and needs no Node built-in', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/otel.ts', import.meta.url))],
      bundle: true,
      write: false,
      platform: 'neutral',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    });
    const external = [
      ...new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((imp) => imp.path))),
    ].filter((path) => !path.startsWith('packages/') && !path.startsWith('/'));
    expect(external).toEqual(['@opentelemetry/api']);
    // The root entry's graph (root-entry-neutral.test.ts) is exactly ['openapi-fetch'].
  });

  it('names its instrumentation scope with the package name and version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    expect([INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION]).toEqual([pkg.name, pkg.version]);
  });

  it("core's README lists every span and metric it reports, and no other", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const [spanTable, metricTable] = tables(section(readme, 'Telemetry (OpenTelemetry)'));
    const documentedSpans = spanTable!.rows.flatMap((row) => codeSpans(row[0] ?? ''));
    expect(documentedSpans.sort()).toEqual(
      [`${SPAN.token} SERVER_ACCESS`, `${SPAN.token} CLIENT_ACCESS`, SPAN.replay].sort(),
    );
    const documentedMetrics = metricTable!.rows.flatMap((row) => codeSpans(row[0] ?? ''));
    expect(documentedMetrics.sort()).toEqual(Object.values(METRIC).sort());
  });
});
