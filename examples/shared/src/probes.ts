import { BasiqError, errorResponse } from '@basiq-token/core';
import type { BasiqClient, BasiqHealth, ErrorBody } from '@basiq-token/core';

/** The liveness probe's path: always 200 while the process answers. */
export const LIVENESS_PATH = '/healthz';
/** The readiness probe's path: 200 once a server token is held, 503 while none can be had. */
export const READINESS_PATH = '/readyz';

/** A probe's answer, for any framework to copy out. */
export interface ProbeAnswer {
  status: number;
  headers: Record<string, string>;
  body: { status: 'ok' | 'ready'; basiq: BasiqHealth } | { error: { code: string; message: string } };
}

export interface ProbeOptions {
  /** How long a readiness probe waits for a token fetch it started or joined (default 2 s). */
  waitMs?: number;
}

const JSON_NO_STORE = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** Per client, the warm-up a probe started and is still running: later probes wait for it. */
const running = new WeakMap<BasiqClient, Promise<BasiqHealth>>();

/**
 * Answers `GET /healthz` (liveness: always 200, with `client.health()`) and `GET /readyz`
 * (readiness). Readiness reads `client.health()`; when no valid server token is held it starts
 * one `client.warmUp()`, shared by every probe while it runs (and by the app's own requests:
 * core fetches once per process), and answers 200 if a token comes within `waitMs`. Otherwise
 * 503 with core's JSON error (`{error:{code,message}}`, no-store). During core's back-off window
 * after a refused key the warm-up fails at once without a `/token` call, so probes of an instance
 * with a wrong key never reach Basiq more often than the application itself would.
 */
export async function answerProbe(
  client: BasiqClient,
  probe: 'liveness' | 'readiness',
  options: ProbeOptions = {},
): Promise<ProbeAnswer> {
  if (probe === 'liveness') return ok('ok', client.health());
  const health = client.health();
  if (health.ready) return ok('ready', health);
  let attempt = running.get(client);
  if (!attempt) {
    attempt = client.warmUp();
    running.set(client, attempt);
    const done = () => running.delete(client);
    attempt.then(done, done);
  }
  try {
    return ok('ready', await within(attempt, options.waitMs ?? 2_000));
  } catch (error) {
    // Core's answer for the error, logged once by the fetch itself rather than once per probe.
    const answer = errorResponse(error);
    return {
      status: 503,
      headers: { ...JSON_NO_STORE, ...lower(answer.headers) },
      body: answer.body as ErrorBody,
    };
  }
}

function ok(status: 'ok' | 'ready', basiq: BasiqHealth): ProbeAnswer {
  return { status: 200, headers: { ...JSON_NO_STORE }, body: { status, basiq } };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new BasiqError('basiq_unavailable', 'No Basiq server token yet; one is being fetched')),
      ms,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
