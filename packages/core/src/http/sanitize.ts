/** What a redacted secret is replaced with. */
export const REDACTED = '[REDACTED]';

// Secrets shorter than this are not searched for inside other strings: replacing a short
// caller-set value everywhere would mangle unrelated text. Basiq tokens are long JWTs.
const MIN_SECRET_LENGTH = 8;
// Bounds of the walk: a finished request graph is small; this only guards against surprises.
const MAX_DEPTH = 8;
const MAX_NODES = 5_000;

/**
 * The credential inside an `Authorization` value (`Bearer abc` -> `abc`), and the whole value,
 * for redaction wherever either may have been copied (the raw header string of the request).
 */
export function secretsOf(authorization: string | undefined): string[] {
  if (!authorization) return [];
  const credential = authorization.replace(/^\s*\S+\s+/, '').trim();
  return [authorization, credential].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

type HeaderBag = Record<string, unknown> & { get?: unknown; set?: unknown; delete?: unknown };

/** Reads the `Authorization` value of axios headers (an `AxiosHeaders` or a plain object). */
export function readAuthorization(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const bag = headers as HeaderBag;
  if (typeof bag.get === 'function') {
    const value: unknown = (bag.get as (name: string) => unknown).call(bag, 'authorization');
    return typeof value === 'string' ? value : undefined;
  }
  for (const key of Object.keys(bag)) {
    const value = bag[key];
    if (key.toLowerCase() === 'authorization' && typeof value === 'string') return value;
  }
  return undefined;
}

/** Replaces the credential of every `Authorization` entry in axios headers, keeping the scheme. */
export function redactAuthorization(headers: unknown): void {
  if (typeof headers !== 'object' || headers === null) return;
  const bag = headers as HeaderBag;
  for (const key of Object.keys(bag)) {
    const value = bag[key];
    if (key.toLowerCase() !== 'authorization' || typeof value !== 'string') continue;
    const scheme = /^\s*(\S+)\s+\S/.exec(value)?.[1];
    try {
      bag[key] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    } catch {
      // A frozen header object: nothing we can do, and nothing else to try.
    }
  }
}

/**
 * Replaces every occurrence of `secrets` in the strings reachable from `root` (own properties,
 * symbol-keyed and non-enumerable ones included, as `util.inspect` and loggers may show them).
 * Used on finished requests: Node's `ClientRequest` keeps the raw header text in `_header`
 * and a header map under a symbol; follow-redirects keeps the request options; a socket that
 * failed before sending keeps the header text. Agents and live sockets are not entered: they
 * serve other requests still in flight.
 */
export function redactStrings(root: unknown, secrets: readonly string[]): void {
  const list = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  if (list.length === 0) return;
  const seen = new Set<object>();
  const visit = (node: unknown, depth: number): void => {
    if (typeof node !== 'object' || node === null || depth > MAX_DEPTH) return;
    if (seen.has(node) || seen.size >= MAX_NODES) return;
    seen.add(node);
    if (isAgent(node) || ArrayBuffer.isView(node) || node instanceof ArrayBuffer) return;
    // A live socket may be carrying another request; a destroyed one (the failed request's
    // own) may still hold the unsent header text in `_pendingData`.
    if (isLiveSocket(node)) return;
    for (const key of Reflect.ownKeys(node)) {
      const descriptor = Object.getOwnPropertyDescriptor(node, key);
      // Getters are never invoked: reading must not have side effects.
      if (!descriptor || !('value' in descriptor)) continue;
      const value: unknown = descriptor.value;
      if (typeof value === 'string') {
        const clean = scrub(value, list);
        if (clean !== value) {
          try {
            (node as Record<PropertyKey, unknown>)[key] = clean;
          } catch {
            // Read-only: leave it; nothing the library made is read-only.
          }
        }
      } else if (typeof value === 'object' && value !== null) {
        visit(value, depth + 1);
      }
    }
  };
  visit(root, 0);
}

// Agents and sockets are recognised by shape, not by class, so that this module (and with it
// `@basiq-token/core/axios`) loads where node:http and node:net do not exist, such as a Worker.
function isAgent(node: object): boolean {
  const n = node as { createConnection?: unknown; freeSockets?: unknown };
  return typeof n.createConnection === 'function' && typeof n.freeSockets === 'object';
}

function isLiveSocket(node: object): boolean {
  const n = node as { setKeepAlive?: unknown; destroyed?: unknown };
  return typeof n.setKeepAlive === 'function' && n.destroyed === false;
}

function scrub(value: string, secrets: readonly string[]): string {
  let out = value;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

interface AxiosLikeError {
  config?: { headers?: unknown };
  request?: unknown;
  response?: { config?: { headers?: unknown }; request?: unknown };
  cause?: unknown;
}

/**
 * Strips the `Authorization` credential from an axios error or response in place: from
 * `config.headers`, `response.config.headers` and the raw request objects (`request`,
 * `response.request`, then made non-enumerable), so that `JSON.stringify`, `util.inspect`
 * and loggers never show it.
 * `extraSecrets` are other values to scrub (tokens sent by an earlier attempt).
 */
export function sanitizeAxiosObject(target: unknown, extraSecrets: readonly string[] = []): void {
  if (typeof target !== 'object' || target === null) return;
  const t = target as AxiosLikeError;
  const secrets = [
    ...extraSecrets,
    ...secretsOf(readAuthorization(t.config?.headers)),
    ...secretsOf(readAuthorization(t.response?.config?.headers)),
  ];
  redactAuthorization(t.config?.headers);
  redactAuthorization(t.response?.config?.headers);
  guardRequest(t, 'request', secrets);
  guardRequest(t.response, 'request', secrets);
  const cause = Object.getOwnPropertyDescriptor(target, 'cause')?.value as unknown;
  if (typeof cause === 'object' && cause !== null && cause !== target) redactStrings(cause, secrets);
}

/**
 * Keeps the raw request reachable at `key`, but out of `util.inspect` and loggers that walk
 * enumerable properties (it leads to its agent, and from there to other requests in flight
 * whose headers hold the same token and must not be touched), and scrubs it on first read.
 */
function guardRequest(target: object | undefined, key: string, secrets: readonly string[]): void {
  if (!target) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor || !('value' in descriptor) || !descriptor.configurable) return;
  const raw: unknown = descriptor.value;
  let scrubbed = false;
  let shown: unknown;
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: false,
    get() {
      if (!scrubbed) {
        scrubbed = true;
        shown = scrubRequest(raw, secrets);
      }
      return shown;
    },
    set(value: unknown) {
      Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
    },
  });
}

/**
 * The request object that may be handed back: Node's `ClientRequest` (and what follow-redirects
 * keeps) scrubbed in place; a web `Request` (axios's fetch adapter) replaced by a copy without
 * the credential and without its body, since no walk can reach inside its `Headers`.
 */
function scrubRequest(raw: unknown, secrets: readonly string[]): unknown {
  if (typeof Request === 'function' && raw instanceof Request) {
    const list = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
    const headers = new Headers();
    raw.headers.forEach((value, name) => {
      headers.set(name, name === 'authorization' ? redactedValue(value) : scrub(value, list));
    });
    try {
      return new Request(raw.url, { method: raw.method, headers });
    } catch {
      return undefined;
    }
  }
  redactStrings(raw, secrets);
  return raw;
}

function redactedValue(value: string): string {
  const scheme = /^\s*(\S+)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
}

/**
 * What the axios path resolves with: the adapter's response, whose raw `request` is kept off
 * JSON, `util.inspect` and loggers (a getter on the prototype: not an own property) and is
 * scrubbed of the credentials sent when first read. Building this object costs less than
 * redefining a property on the adapter's own, which matters on every successful request.
 */
export class SanitisedResponse {
  data: unknown;
  status: number;
  statusText: string;
  headers: unknown;
  config: unknown;
  #raw: unknown;
  #sent: readonly string[] | undefined;

  /** `sent`: the `Authorization` values sent, whose credentials must not be shown. */
  constructor(adapterResponse: object, sent: readonly string[]) {
    const response = adapterResponse as Record<string, unknown>;
    this.data = response.data;
    this.status = response.status as number;
    this.statusText = response.statusText as string;
    this.headers = response.headers;
    this.config = response.config;
    for (const key of Object.keys(response)) {
      if (!(key in this) && key !== 'request') (this as Record<string, unknown>)[key] = response[key];
    }
    this.#raw = response.request;
    this.#sent = sent;
  }

  /** The raw request (Node's `ClientRequest`, or a credential-free copy of a web `Request`). */
  get request(): unknown {
    const sent = this.#sent;
    if (sent) {
      this.#sent = undefined;
      this.#raw = scrubRequest(this.#raw, sent.flatMap(secretsOf));
    }
    return this.#raw;
  }

  set request(value: unknown) {
    this.#sent = undefined;
    this.#raw = value;
  }
}
