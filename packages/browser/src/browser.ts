import { ClientTokenKeeper } from './client-token.js';
import {
  ConsentStates,
  buildConsentUrl,
  isJobId,
  parseConsentRedirect,
  withoutRedirectParams,
} from './consent.js';
import type { ConsentOptions, ConsentRedirect } from './consent.js';
import { BasiqConfigError, JobStatusError, JobTimeoutError } from './errors.js';
import { RequestTimeout, field, request } from './http.js';
import type { ReadResponse } from './http.js';
import { isJob, jobOutcome } from './jobs.js';
import type { BasiqJob, WaitForJobOptions } from './jobs.js';
import { resolveOptions } from './options.js';
import type { BasiqBrowserOptions, ResolvedOptions } from './options.js';

/** Options of {@link BasiqBrowser.handleRedirect}. */
export interface HandleRedirectOptions {
  /**
   * Remove the redirect's parameters from the address bar (`history.replaceState`), so a reload
   * does not present a used `state` again. Default `true` when the URL was read from `location`.
   */
  clean?: boolean;
}

/** The front end's Basiq helper, made by {@link createBasiqBrowser}. */
export interface BasiqBrowser {
  /**
   * The user's CLIENT_ACCESS token: from memory while it has more than the refresh margin left,
   * else from the app's client-token route (one request however many callers). Rejects with a
   * `ClientTokenError` (`UnauthenticatedError`, `RateLimitedError`, `ServiceUnavailableError`).
   */
  getClientToken(): Promise<string>;
  /**
   * The Consent UI URL for this user, with a fresh `state` this page will accept once on the
   * way back. Asks for a token if none is held. Only put it where the user is about to go.
   */
  consentUrl(options?: ConsentOptions): Promise<string>;
  /** {@link BasiqBrowser.consentUrl}, then goes there (the `navigate` option). Resolves with the URL. */
  openConsent(options?: ConsentOptions): Promise<string>;
  /**
   * Reads the Consent UI's redirect back from `url` (default `location.href`): null when the URL
   * is not one; `{ok: true, jobIds, state}` or `{ok: false, error, …}` when its `state` is one
   * this page issued (then used up); a `ConsentRedirectError` otherwise.
   */
  handleRedirect(url?: string | URL, options?: HandleRedirectOptions): ConsentRedirect | null;
  /** `GET {basiqBaseUrl}/jobs/{jobId}` with the client token; a `JobStatusError` if Basiq refuses. */
  getJob(jobId: string, options?: { signal?: AbortSignal }): Promise<BasiqJob>;
  /** Reads the job until it succeeded or failed, or `timeoutMs` ran out (`JobTimeoutError`). */
  waitForJob(jobId: string, options?: WaitForJobOptions): Promise<BasiqJob>;
  /** Forgets the token (call it on sign-out). Issued states stay valid. */
  clearToken(): void;
}

interface BrowserGlobals {
  location?: { href: string; assign(url: string): void };
  history?: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
}

const browserGlobals = globalThis as BrowserGlobals;

/**
 * Makes the helper. Nothing is requested until a method needs a token, so create it at page
 * load and call {@link BasiqBrowser.openConsent} from the user's click.
 * Throws a {@link BasiqConfigError} for a wrong option.
 */
export function createBasiqBrowser(options: BasiqBrowserOptions = {}): BasiqBrowser {
  const resolved = resolveOptions(options);
  if (typeof crypto?.getRandomValues !== 'function') {
    throw new BasiqConfigError(
      'no_crypto',
      '@basiq-token/browser: crypto.getRandomValues is needed for state',
    );
  }
  const tokens = new ClientTokenKeeper(resolved);
  const states = new ConsentStates(resolved);

  async function consentUrl(consent: ConsentOptions = {}): Promise<string> {
    // Checked before the token request, so a wrong argument costs no /token call.
    buildConsentUrl(resolved.consentHome, 'check', 'check', consent);
    const token = await tokens.get();
    return buildConsentUrl(resolved.consentHome, token, states.issue(), consent);
  }

  async function getJob(jobId: string, opts: { signal?: AbortSignal } = {}): Promise<BasiqJob> {
    if (!isJobId(jobId)) throw new TypeError('@basiq-token/browser: jobId must be a Basiq job id');
    for (let attempt = 0; ; attempt += 1) {
      const token = await tokens.get();
      const res = await readJob(resolved, jobId, token, opts.signal);
      if (res.ok && isJob(res.body)) return res.body;
      const error = jobError(res);
      // A token Basiq calls expired or invalid (revoked, clock skew): one fresh token, one retry.
      if (attempt === 0 && isRefusedToken(res)) {
        tokens.discard(token);
        continue;
      }
      throw error;
    }
  }

  return {
    getClientToken: () => tokens.get(),
    consentUrl,
    async openConsent(consent) {
      const navigate =
        resolved.navigate ??
        ((url: string) => {
          if (!browserGlobals.location)
            throw new TypeError('@basiq-token/browser: no location: pass navigate');
          browserGlobals.location.assign(url);
        });
      const url = await consentUrl(consent);
      navigate(url);
      return url;
    },
    handleRedirect(url, opts = {}) {
      const fromLocation = url === undefined;
      const href = fromLocation ? browserGlobals.location?.href : String(url);
      if (href === undefined) throw new TypeError('@basiq-token/browser: no location: pass the URL');
      const parsed = new URL(href);
      let result: ConsentRedirect | null;
      try {
        result = parseConsentRedirect(parsed, states);
      } finally {
        if ((opts.clean ?? fromLocation) && browserGlobals.history && parsed.search) {
          const clean = withoutRedirectParams(parsed);
          if (clean !== parsed.href)
            browserGlobals.history.replaceState(browserGlobals.history.state, '', clean);
        }
      }
      return result;
    },
    getJob,
    async waitForJob(jobId, opts = {}) {
      const intervalMs = opts.intervalMs ?? 1500;
      const timeoutMs = opts.timeoutMs ?? 120_000;
      const started = resolved.now();
      let last: BasiqJob | undefined;
      for (;;) {
        try {
          last = await getJob(jobId, { signal: opts.signal });
          opts.onUpdate?.(last);
          if (jobOutcome(last) !== 'pending') return last;
        } catch (error) {
          // Basiq's passing trouble (5xx, network) is waited out within the bound; refusals are not.
          if (!(error instanceof JobStatusError) || (error.status !== undefined && error.status < 500))
            throw error;
          if (opts.signal?.aborted) throw error;
        }
        const waited = resolved.now() - started;
        if (waited + intervalMs > timeoutMs) throw new JobTimeoutError(jobId, last, waited);
        await sleep(intervalMs, opts.signal);
      }
    },
    clearToken: () => tokens.clear(),
  };
}

async function readJob(
  options: ResolvedOptions,
  jobId: string,
  token: string,
  signal: AbortSignal | undefined,
): Promise<ReadResponse> {
  try {
    return await request(
      options,
      `${options.basiqBaseUrl}/jobs/${encodeURIComponent(jobId)}`,
      {
        method: 'GET',
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          'basiq-version': options.basiqVersion,
        },
        // The app's cookies have no business at Basiq.
        credentials: 'omit',
      },
      signal,
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    const timeout = error instanceof RequestTimeout;
    throw new JobStatusError(
      timeout ? 'timeout' : 'network_error',
      timeout
        ? 'Basiq did not answer the job status in time'
        : 'Basiq could not be reached for the job status',
      { cause: error },
    );
  }
}

function firstError(body: unknown): unknown {
  const data = field(body, 'data');
  return Array.isArray(data) ? data[0] : undefined;
}

function isRefusedToken(res: ReadResponse): boolean {
  const error = firstError(res.body);
  const code = field(error, 'code');
  return (
    (res.status === 401 && code === 'invalid-authorization-token') ||
    (res.status === 403 && code === 'access-denied')
  );
}

function jobError(res: ReadResponse): JobStatusError {
  if (res.ok) {
    return new JobStatusError('invalid_job_response', 'Basiq answered the job status without a job', {
      status: res.status,
    });
  }
  const error = firstError(res.body);
  const code = field(error, 'code');
  const detail = field(error, 'detail') ?? field(error, 'title');
  const correlationId = field(res.body, 'correlationId');
  const basiqCode = typeof code === 'string' ? code.slice(0, 64) : undefined;
  return new JobStatusError(
    `http_${res.status}`,
    `Basiq answered the job status with ${res.status}${basiqCode ? ` ${basiqCode}` : ''}${
      typeof detail === 'string' ? `: ${detail.slice(0, 200)}` : ''
    }`,
    {
      status: res.status,
      basiqCode,
      correlationId: typeof correlationId === 'string' ? correlationId : undefined,
    },
  );
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
