/**
 * What the client-token route must answer to a hostile request, worked out independently of the
 * library (from the route's contract: a userId is 1 to 64 letters, digits or hyphens), and the checks each
 * answer goes through.
 */
import { decodeJwt } from 'jose';
import type { HostileRequest } from './requests.js';
import type { Outcome } from './send.js';

/** The route's own answer. */
export type RouteAnswer = { status: 200; userId: string } | { status: 400 | 401; code: string };

export interface Expectation {
  /** What the route answers once it runs; `undefined`: it must not run (another method, 431). */
  route: RouteAnswer | undefined;
  /** Statuses the framework or Node may answer instead, before the route runs. */
  framework: ReadonlySet<number>;
  /** The server may cut the connection (it refused an oversized request while it was being sent). */
  connectionError: boolean;
  /**
   * Header bytes no client sends (CR, LF, NUL, …): Node may refuse them or read other header
   * lines out of them, so only the invariants are checked.
   */
  unpredictable: boolean;
}

/** Everything no response may hold. */
export interface Secrets {
  apiKey: string;
  serverTokens: readonly string[];
}

const USER_ID = /^[A-Za-z0-9-]{1,64}$/;
// Header bytes Node's parser takes in a value: HTAB, visible ASCII, space and obs-text.
const HEADER_VALUE_BYTES = /^[\t\x20-\x7e\x80-\xff]*$/;
// Node's default --max-http-header-size is 16 KiB; the generator stays well away from the edge.
const HEADER_LIMIT = 16 * 1024;
const ROUTE_CODES = new Set(['unauthenticated', 'invalid_user_id', 'token_budget_exhausted']);
const STANDARD_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/g;

/** The `x-demo-user` value the app reads: each line's surrounding blanks dropped, repeats joined by ", ". */
export function serverView(lines: readonly string[]): string | undefined {
  if (lines.length === 0) return undefined;
  return lines.map((line) => line.replace(/^[ \t]+|[ \t]+$/g, '')).join(', ');
}

/** What the route answers for the user the demo sign-in reads from `lines`. */
export function routeAnswerFor(lines: readonly string[]): RouteAnswer {
  const seen = serverView(lines);
  if (seen === undefined || seen === '') return { status: 401, code: 'unauthenticated' };
  return USER_ID.test(seen) ? { status: 200, userId: seen } : { status: 400, code: 'invalid_user_id' };
}

export function expectationFor(request: HostileRequest): Expectation {
  const unpredictable = request.users.some((line) => !HEADER_VALUE_BYTES.test(line));
  const headerBytes = request.users.reduce((sum, line) => sum + line.length, 0);
  if (headerBytes > HEADER_LIMIT) {
    // Node reads the request line first: an unknown method is refused (400) before the headers; and
    // a header value with a byte Node refuses is refused (400) as soon as it is read, which may be
    // before the headers reach the size limit.
    const framework = new Set(STANDARD_METHODS.has(request.method) && !unpredictable ? [431] : [431, 400]);
    return { route: undefined, framework, connectionError: true, unpredictable: false };
  }
  // Body parsers run before any route, whatever the method.
  const framework = new Set<number>();
  let connectionError = false;
  switch (request.body?.shape) {
    case undefined:
    case 'plain':
      break;
    case 'pollution':
    case 'malformed':
      framework.add(400);
      break;
    case 'form':
    case 'other':
      [400, 415].forEach((s) => framework.add(s));
      break;
    case 'large':
      // Over some frameworks' default limit (Nest on Express: 100 kB), under ours (1 MB).
      framework.add(413);
      break;
    case 'huge':
      [413, 415].forEach((s) => framework.add(s));
      connectionError = true;
      break;
  }
  if (unpredictable) framework.add(400);
  if (request.method !== 'POST') {
    [404, 405].forEach((s) => framework.add(s));
    // Routers answer OPTIONS with the allowed methods; unknown methods get 400 (Node) or 501.
    if (request.method === 'OPTIONS') [200, 204].forEach((s) => framework.add(s));
    if (!STANDARD_METHODS.has(request.method)) [400, 501].forEach((s) => framework.add(s));
    // The Fetch API forbids a Request with the method TRACE: Next's App Router (Node and Edge),
    // which hands its routes a Fetch Request, cannot build one and answers its own 500 page
    // before any route runs. Only that method, and only as a non-route answer (still scanned).
    if (request.method === 'TRACE') framework.add(500);
    return { route: undefined, framework, connectionError, unpredictable };
  }
  return { route: routeAnswerFor(request.users), framework, connectionError, unpredictable };
}

/** How one answer was classified, for the coverage figures. */
export interface Verdict {
  problems: string[];
  /** `route 200`, `framework 413`, `connection ECONNRESET`, … */
  kind: string;
  /** The user a 200 from the route bound its token to. */
  servedUser?: string;
}

/** Checks one outcome against the expectation and the invariants every answer obeys. */
export function judge(
  request: HostileRequest,
  expected: Expectation,
  outcome: Outcome,
  secrets: Secrets,
): Verdict {
  if (outcome.kind === 'error') {
    return {
      kind: `connection ${outcome.code}`,
      problems: expected.connectionError ? [] : [`connection failed: ${outcome.code}`],
    };
  }
  const problems: string[] = [];
  const wholeText = `${JSON.stringify(outcome.headers)}\n${outcome.text}`;
  if (wholeText.includes(secrets.apiKey)) problems.push('the API key is in the answer');
  if (secrets.serverTokens.some((token) => wholeText.includes(token)))
    problems.push('a server token is in the answer');
  for (const jwt of wholeText.match(JWT) ?? []) {
    try {
      if (decodeJwt(jwt).scope === 'SERVER_ACCESS') problems.push('a SERVER_ACCESS JWT is in the answer');
    } catch {
      // Not a JWT after all; the scans above still cover every real token.
    }
  }

  const body = parseJson(outcome.text);
  const fromRoute = isRouteShaped(body);
  const kind = `${fromRoute ? 'route' : 'framework'} ${outcome.status}`;
  if (!fromRoute) {
    if (!expected.framework.has(outcome.status)) {
      problems.push(`unexpected ${outcome.status} not from the route: ${outcome.text.slice(0, 120)}`);
    }
    if (outcome.text.includes('access_token')) problems.push('a non-route answer mentions access_token');
    return { kind, problems };
  }

  if (expected.route === undefined && !expected.unpredictable) {
    problems.push(`the route answered ${outcome.status} to a request it must never see`);
    return { kind, problems };
  }
  problems.push(...checkRouteHeaders(outcome));
  if (outcome.status === 429) {
    // Over budget is documented; with the test's large budget it still has to be well formed.
    if ((body as RouteError).error?.code !== 'token_budget_exhausted' || !outcome.headers['retry-after']) {
      problems.push(`malformed 429: ${outcome.text.slice(0, 120)}`);
    }
    return { kind, problems };
  }
  if (expected.unpredictable) {
    const served = checkTokenBody(body, undefined, problems);
    if (served !== undefined && !request.users.some((line) => line.includes(served))) {
      problems.push(`a token for "${served}", which the request never named`);
    }
    if (outcome.status !== 200) problems.push(...checkErrorBody(body, outcome.status, undefined));
    return { kind, problems, ...(served !== undefined ? { servedUser: served } : {}) };
  }
  const route = expected.route!;
  if (outcome.status !== route.status) {
    problems.push(
      `route answered ${outcome.status}, expected ${route.status}: ${outcome.text.slice(0, 120)}`,
    );
    return { kind, problems };
  }
  if (route.status === 200) {
    const served = checkTokenBody(body, route.userId, problems);
    return { kind, problems, ...(served !== undefined ? { servedUser: served } : {}) };
  }
  problems.push(...checkErrorBody(body, outcome.status, route.code));
  return { kind, problems };
}

interface RouteError {
  error?: { code?: unknown; message?: unknown };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A token answer, or an error whose code only the route uses. */
function isRouteShaped(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  if ('access_token' in body) return true;
  const code = (body as RouteError).error?.code;
  return typeof code === 'string' && ROUTE_CODES.has(code);
}

function checkRouteHeaders(outcome: Extract<Outcome, { kind: 'reply' }>): string[] {
  const problems: string[] = [];
  if (outcome.headers['cache-control'] !== 'no-store')
    problems.push('route answer without Cache-Control: no-store');
  if (!/^application\/json/.test(String(outcome.headers['content-type'] ?? ''))) {
    problems.push(`route answer with content-type ${String(outcome.headers['content-type'])}`);
  }
  return problems;
}

/** Checks a 200's body; returns the user its token is bound to. */
function checkTokenBody(
  body: unknown,
  expectedUser: string | undefined,
  problems: string[],
): string | undefined {
  const token = body as { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
  if (typeof token.access_token !== 'string') return undefined;
  const keys = Object.keys(token).sort().join(',');
  if (keys !== 'access_token,expires_in,token_type') problems.push(`token answer has keys ${keys}`);
  if (token.token_type !== 'Bearer') problems.push(`token_type ${String(token.token_type)}`);
  if (!Number.isInteger(token.expires_in) || (token.expires_in as number) <= 0) {
    problems.push(`expires_in ${String(token.expires_in)}`);
  }
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(token.access_token);
  } catch {
    problems.push('access_token is not a JWT');
    return undefined;
  }
  if (claims.scope !== 'CLIENT_ACCESS') problems.push(`token scope ${String(claims.scope)}`);
  const userId = String(claims.userId);
  if (!USER_ID.test(userId)) problems.push(`a token for the invalid userId "${userId.slice(0, 80)}"`);
  if (expectedUser !== undefined && userId !== expectedUser) {
    problems.push(`a token for "${userId}" instead of the signed-in "${expectedUser}"`);
  }
  return userId;
}

function checkErrorBody(body: unknown, status: number, code: string | undefined): string[] {
  const problems: string[] = [];
  const error = (body as RouteError).error;
  if (Object.keys(body as object).join(',') !== 'error' || !error)
    return [`error body is not {error}: ${JSON.stringify(body)}`];
  if (Object.keys(error).sort().join(',') !== 'code,message')
    problems.push(`error has keys ${Object.keys(error).join(',')}`);
  if (typeof error.message !== 'string' || error.message === '') problems.push('error without a message');
  const expectedCode = code ?? (status === 401 ? 'unauthenticated' : 'invalid_user_id');
  if (error.code !== expectedCode)
    problems.push(`error code ${String(error.code)}, expected ${expectedCode}`);
  return problems;
}
