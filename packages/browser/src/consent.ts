import { ConsentRedirectError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** The Consent UI's actions; none at all means "create a consent". */
export const CONSENT_ACTIONS = ['connect', 'manage', 'extend', 'update', 'reauthorise'] as const;

/** One of {@link CONSENT_ACTIONS}. */
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

/** What the user comes to the Consent UI to do. */
export interface ConsentOptions {
  /** Omit it to create a consent. */
  action?: ConsentAction;
  /** Open the Consent UI at this institution (e.g. `AU00000`). */
  institutionId?: string;
  /** The connection to update or reauthorise. */
  connectionId?: string;
}

/** The redirect back from the Consent UI, its `state` checked and used up. */
export type ConsentRedirect =
  | {
      /** The user finished: Basiq started these jobs. */
      ok: true;
      /** From `jobIds` (comma-separated) and `jobId`, in order, without repeats. */
      jobIds: string[];
      /** The `state` this page issued. */
      state: string;
    }
  | {
      /** The Consent UI sent the user back with an error. */
      ok: false;
      /** Its `error` parameter. */
      error: string;
      /** Its `error_description` (or `errorDescription`), if any. */
      errorDescription: string | undefined;
      /** The `state` this page issued. */
      state: string;
    };

const STATE_KEY = 'basiq-token:consent-states';
// Enough for a user who opened the Consent UI from a few tabs; older ones drop out.
const MAX_PENDING_STATES = 8;
const JOB_ID = /^[A-Za-z0-9-]{1,64}$/;
const REDIRECT_PARAMS = ['jobIds', 'jobId', 'state', 'error', 'error_description', 'errorDescription'];

type Pending = [state: string, issuedAt: number];

/** 32 random bytes, base64url: unguessable, and safe in a URL as is. */
function randomState(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Issues, remembers and checks the Consent UI's `state` values (one use each). */
export class ConsentStates {
  readonly #options: ResolvedOptions;

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  #read(): Pending[] {
    let raw: string | null;
    try {
      raw = this.#options.stateStorage.getItem(STATE_KEY);
    } catch {
      return [];
    }
    let list: unknown;
    try {
      list = raw === null ? [] : JSON.parse(raw);
    } catch {
      return [];
    }
    if (!Array.isArray(list)) return [];
    const oldest = this.#options.now() - this.#options.stateMaxAgeMs;
    return list.filter(
      (entry): entry is Pending =>
        Array.isArray(entry) &&
        typeof entry[0] === 'string' &&
        typeof entry[1] === 'number' &&
        entry[1] >= oldest &&
        entry[1] <= this.#options.now() + 60_000,
    );
  }

  #write(list: Pending[]): void {
    try {
      if (list.length === 0) this.#options.stateStorage.removeItem(STATE_KEY);
      else this.#options.stateStorage.setItem(STATE_KEY, JSON.stringify(list));
    } catch {
      // A storage that refuses writes leaves the redirect unverifiable: it will be rejected.
    }
  }

  /** A fresh state, remembered until it is used or too old. */
  issue(): string {
    const state = randomState();
    const list = this.#read();
    list.push([state, this.#options.now()]);
    this.#write(list.slice(-MAX_PENDING_STATES));
    return state;
  }

  /** Whether this page issued `state` (and it is not too old); either way it is used up. */
  consume(state: string): boolean {
    const list = this.#read();
    const index = list.findIndex(([issued]) => issued === state);
    if (index >= 0) list.splice(index, 1);
    this.#write(list);
    return index >= 0;
  }
}

function optionalParam(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 256) {
    throw new TypeError(`@basiq-token/browser: ${name} must be a string of at most 256 characters`);
  }
  return value;
}

/**
 * `<consentBase>/home?token=…&action=…&state=…&institutionId=…&connectionId=…`, every value
 * encoded with encodeURIComponent (a space is %20, not the form-style '+').
 */
export function buildConsentUrl(
  home: string,
  token: string,
  state: string,
  opts: ConsentOptions = {},
): string {
  const action = opts.action;
  if (action !== undefined && !(CONSENT_ACTIONS as readonly string[]).includes(action)) {
    throw new TypeError(
      `@basiq-token/browser: unknown action ${JSON.stringify(String(action)).slice(0, 40)}; expected one of ${CONSENT_ACTIONS.join(', ')} (or none to create a consent)`,
    );
  }
  const params: [string, string | undefined][] = [
    ['token', token],
    ['action', action],
    ['state', state],
    ['institutionId', optionalParam('institutionId', opts.institutionId)],
    ['connectionId', optionalParam('connectionId', opts.connectionId)],
  ];
  const query = params
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
  return `${home}?${query}`;
}

/**
 * Reads a Consent UI redirect: null when the URL carries none of its parameters; throws
 * {@link ConsentRedirectError} when its `state` is missing or was not issued here (or already used).
 */
export function parseConsentRedirect(url: URL, states: ConsentStates): ConsentRedirect | null {
  const params = url.searchParams;
  if (!REDIRECT_PARAMS.some((name) => params.has(name))) return null;
  const state = params.get('state');
  if (!state) {
    throw new ConsentRedirectError('state_missing', 'the Consent UI redirect carries no state: not trusted');
  }
  if (!states.consume(state)) {
    throw new ConsentRedirectError(
      'state_unknown',
      'the Consent UI redirect carries a state this page did not issue, or one already used: not trusted',
    );
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description') ?? params.get('errorDescription');
    return { ok: false, error: error.slice(0, 200), errorDescription: description?.slice(0, 500), state };
  }
  const jobIds: string[] = [];
  for (const value of [...params.getAll('jobIds'), ...params.getAll('jobId')]) {
    for (const id of value.split(',')) {
      const jobId = id.trim();
      if (jobId === '') continue;
      if (!JOB_ID.test(jobId)) {
        throw new ConsentRedirectError(
          'invalid_job_id',
          'the Consent UI redirect carries a malformed job id',
        );
      }
      if (!jobIds.includes(jobId)) jobIds.push(jobId);
    }
  }
  return { ok: true, jobIds, state };
}

/** The URL without the redirect's parameters (what the address bar should show afterwards). */
export function withoutRedirectParams(url: URL): string {
  const clean = new URL(url.href);
  for (const name of REDIRECT_PARAMS) clean.searchParams.delete(name);
  return clean.href;
}

/** A job id as Basiq makes them; anything else is refused before a request. */
export function isJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID.test(value);
}
