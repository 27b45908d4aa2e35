import type { BasiqClient } from './client.js';
import { isBasiqClient } from './client-or-options.js';
import { isBasiqClientRegistry } from './client-registry.js';
import type { BasiqClientRegistry, BasiqClientsHealth } from './client-registry.js';
import { closest, echoableName } from './did-you-mean.js';
import { BasiqConfigError, BasiqError } from './errors.js';
import type { BasiqHealth } from './health.js';
import { errorResponse } from './route.js';
import { withDeadline } from './timers.js';
import type { ErrorBody } from './types.js';

/**
 * Which probe: `liveness` (always 200 while the process answers, with the health) or `readiness`
 * (200 once a server token is held, 503 while none can be had).
 */
export type ProbeKind = 'liveness' | 'readiness';

/** What a probe reports on: one client, or a registry of them (ready when every client is). */
export type ProbeTarget = BasiqClient | BasiqClientRegistry;

/**
 * The probe's client or registry, or a function returning it, called on each probe (so an adapter
 * can make its client on first use, as Next's `getBasiqClient` does).
 */
export type ProbeSource = ProbeTarget | (() => ProbeTarget);

/** Options of a probe. */
export interface ProbeOptions {
  /**
   * How long a readiness probe waits for the server-token fetch it started or joined before it
   * answers 503 (milliseconds, default 2000; 0 answers at once). Keep it below the orchestrator's
   * probe timeout. Liveness never waits.
   */
  waitMs?: number;
}

/** The body of a probe's 200: the health as `client.health()` (or `registry.health()`) reads it. */
export interface ProbeHealthBody {
  /** `ok` for liveness, `ready` for readiness. */
  status: 'ok' | 'ready';
  /** {@link BasiqHealth} for a client, {@link BasiqClientsHealth} for a registry. */
  basiq: BasiqHealth | BasiqClientsHealth;
}

/**
 * A probe's answer, for any framework to copy out: JSON, never cached (`Cache-Control:
 * no-store`), with no key, token or user id in it. A 503's body is core's
 * `{error:{code,message}}` (see {@link errorResponse}).
 */
export interface ProbeResponse {
  /** 200, or 503 while a readiness probe finds no server token to be had. */
  status: number;
  /** JSON and `Cache-Control: no-store` (with `Retry-After` when core's error answer has one). */
  headers: Record<string, string>;
  /** The health on a 200, core's `{error:{code,message}}` on a 503. */
  body: ProbeHealthBody | ErrorBody;
}

/** A probe made once, answered per request: see {@link createProbe}. */
export type Probe = () => Promise<ProbeResponse>;

/**
 * A probe over the Fetch API. It reads nothing of the request (a probe answers the same whatever
 * asked), so it can be exported as a route handler or mounted on any path.
 */
export type ProbeFetchHandler = (request?: Request, context?: unknown) => Promise<Response>;

const DEFAULT_WAIT_MS = 2_000;
// Above this a probe would outwait any orchestrator's timeout (Kubernetes allows up to a minute).
const MAX_WAIT_MS = 60_000;
const KINDS: readonly ProbeKind[] = ['liveness', 'readiness'];
const OPTION_NAMES = ['waitMs'];

// The same headers as every other answer of core's (route.ts): JSON, never cached.
const NO_STORE: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Content-Type': 'application/json; charset=utf-8',
};

/**
 * Checks `kind` and `options` now (a {@link BasiqConfigError} naming the option otherwise) and
 * returns the probe, to call per request. What adapters build their probe routes from; see
 * {@link probeResponse} for what it answers. A source function is called on each probe and must
 * return a client or registry (a `BasiqConfigError`, answered by the adapter's error handling,
 * otherwise).
 */
export function createProbe(source: ProbeSource, kind: ProbeKind, options?: ProbeOptions): Probe {
  const waitMs = validateProbe(kind, options);
  const fixed = typeof source === 'function' ? undefined : checkTarget(source);
  return async () => {
    const target = fixed ?? checkTarget((source as () => ProbeTarget)());
    return kind === 'liveness' ? ok('ok', target.health()) : readiness(target, waitMs);
  };
}

/**
 * Answers a liveness or readiness probe as data (`{status, headers, body}`), for an adapter to
 * write out.
 *
 * - `liveness`: always 200 `{status: 'ok', basiq: health}`, read from memory: no `/token` call.
 * - `readiness`: 200 `{status: 'ready', basiq: health}` when a server token is held. Otherwise it
 *   starts one `warmUp()` per client, shared by every probe while it runs (and by the app's own
 *   requests: core fetches once per process), and answers 200 if a token comes within `waitMs`,
 *   else 503 with core's JSON error (`basiq_configuration` for a wrong key, `basiq_unavailable`
 *   while the fetch is still going, `client_closed`, …). During core's back-off window after a
 *   refused key the warm-up fails at once without a `/token` call, so probes of an instance with a
 *   wrong key never reach Basiq more often than the application itself would. For a registry:
 *   ready when every client is; the 503 is the first failure's.
 *
 * The failure is not logged here: the fetch that failed has already logged it once, where a
 * probe every few seconds would repeat it. Checks `kind` and `options` on each call (a
 * {@link BasiqConfigError}); build the probe once with {@link createProbe} to check them at start.
 *
 * @example
 * ```ts
 * const answer = await probeResponse(client, 'readiness', { waitMs: 1_000 });
 * res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
 * ```
 */
export async function probeResponse(
  source: ProbeSource,
  kind: ProbeKind,
  options?: ProbeOptions,
): Promise<ProbeResponse> {
  return createProbe(source, kind, options)();
}

/**
 * A probe as a Fetch handler `(request) => Promise<Response>`, what Next's route handlers, Hono,
 * Bun, Deno and Workers speak: {@link probeResponse}'s answer as a `Response`. `kind` and
 * `options` are checked now (a {@link BasiqConfigError}).
 *
 * @example
 * ```ts
 * // Bun, Deno, Workers: route /readyz to it
 * const readyz = createProbeFetchHandler(client, 'readiness');
 * ```
 */
export function createProbeFetchHandler(
  source: ProbeSource,
  kind: ProbeKind,
  options?: ProbeOptions,
): ProbeFetchHandler {
  const probe = createProbe(source, kind, options);
  return async () => probeResponseToFetch(await probe());
}

/** A probe's answer as a Fetch `Response` (the body as JSON text). */
export function probeResponseToFetch(answer: ProbeResponse): Response {
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers: answer.headers });
}

async function readiness(target: ProbeTarget, waitMs: number): Promise<ProbeResponse> {
  const health = target.health();
  if (health.ready) return ok('ready', health);
  const waiting = clientsOf(target)
    .filter((client) => !client.health().ready)
    // Probes arriving together share one fetch: warmUp() joins the client's single flight.
    .map((client) => client.warmUp());
  try {
    await withDeadline(
      // Every client settles before the answer, so one wrong key does not cut the others' fetches
      // short in what the probe reports; the 503 is the first failure's.
      Promise.allSettled(waiting).then((results) => {
        const failed = results.find((result) => result.status === 'rejected');
        if (failed) throw failed.reason;
      }),
      waitMs,
      () => new BasiqError('basiq_unavailable', 'No Basiq server token yet; one is being fetched'),
    );
  } catch (error) {
    const answer = errorResponse(error);
    return { status: 503, headers: answer.headers, body: answer.body as ErrorBody };
  }
  const after = target.health();
  // A token fetched and already gone (the client closed meanwhile) is not ready.
  if (!after.ready) return notReady();
  return ok('ready', after);
}

function notReady(): ProbeResponse {
  const answer = errorResponse(new BasiqError('basiq_unavailable', 'No Basiq server token is held'));
  return { status: 503, headers: answer.headers, body: answer.body as ErrorBody };
}

function ok(status: 'ok' | 'ready', basiq: BasiqHealth | BasiqClientsHealth): ProbeResponse {
  return { status: 200, headers: { ...NO_STORE }, body: { status, basiq } };
}

function clientsOf(target: ProbeTarget): BasiqClient[] {
  if (isBasiqClient(target as BasiqClient)) return [target as BasiqClient];
  const registry = target as BasiqClientRegistry;
  return registry.names.map((name) => registry.get(name));
}

function checkTarget(value: unknown): ProbeTarget {
  if (
    typeof value === 'object' &&
    value !== null &&
    (isBasiqClient(value as BasiqClient) || isBasiqClientRegistry(value))
  ) {
    return value as ProbeTarget;
  }
  throw new BasiqConfigError(
    'A probe needs a BasiqClient, a BasiqClientRegistry or a function returning one',
    {
      option: 'client',
    },
  );
}

function validateProbe(kind: unknown, options: unknown): number {
  if (!KINDS.includes(kind as ProbeKind)) {
    throw new BasiqConfigError(`The probe kind must be "liveness" or "readiness", got ${describe(kind)}`, {
      option: 'kind',
    });
  }
  if (options === undefined) return DEFAULT_WAIT_MS;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new BasiqConfigError('The probe options must be an object: { waitMs }', { option: 'options' });
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      const hint = closest(name, OPTION_NAMES);
      const shown = echoableName(name);
      throw new BasiqConfigError(
        `Unknown probe option ${shown ? JSON.stringify(shown) : '(name not shown)'}${hint ? ` (did you mean "${hint}"?)` : ''}`,
        { option: shown ?? 'options' },
      );
    }
  }
  const { waitMs } = options as ProbeOptions;
  if (waitMs === undefined) return DEFAULT_WAIT_MS;
  if (typeof waitMs !== 'number' || !Number.isInteger(waitMs) || waitMs < 0 || waitMs > MAX_WAIT_MS) {
    throw new BasiqConfigError(
      `waitMs must be a whole number of milliseconds from 0 to ${MAX_WAIT_MS}, got ${describe(waitMs)}`,
      { option: 'waitMs' },
    );
  }
  return waitMs;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}
