import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { CONSENT_ACTIONS, consentErrorPage, consentPage } from './consent.js';
import { basiqErrors, defaultFaultBody, type ErrorAnswer } from './errors.js';
import type {
  BasiqEmulator,
  CreateUserFields,
  EmulatorCounters,
  EmulatorOptions,
  Fault,
  RevocationKind,
} from './types.js';
import { UserStore, getUserBody, postUserBody } from './users.js';

export const DEFAULT_TOKEN_LIFETIME_SEC = 3600;
export const DEFAULT_RATE_LIMIT = 1500;
export const DEFAULT_RATE_WINDOW_MS = 300_000;
/** Request bodies over this many bytes answer 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** `basiq-version` values `/token` accepts. */
export const SUPPORTED_BASIQ_VERSIONS: readonly string[] = ['2.0', '2.1', '3.0'];
/** Path prefix of the control API. */
export const CONTROL_PREFIX = '/__emulator';

const FORM = 'application/x-www-form-urlencoded';
const SCOPES = ['SERVER_ACCESS', 'CLIENT_ACCESS'] as const;
type Scope = (typeof SCOPES)[number];

/** A fresh API key shaped like Basiq's: base64 of `<uuid>:<uuid>`. */
export function generateApiKey(): string {
  return Buffer.from(`${randomUUID()}:${randomUUID()}`, 'utf8').toString('base64');
}

type RouteKind = 'token' | 'createUser' | 'getUser' | 'consent';
interface Route {
  kind: RouteKind;
  key: string;
  userId?: string;
}

function matchRoute(method: string, path: string): Route | undefined {
  if (path === '/token' && method === 'POST') return { kind: 'token', key: 'POST /token' };
  if (path === '/users' && method === 'POST') return { kind: 'createUser', key: 'POST /users' };
  const user = /^\/users\/([^/]+)$/.exec(path);
  if (user && method === 'GET') {
    return { kind: 'getUser', key: 'GET /users/{userId}', userId: safeDecode(user[1] ?? '') };
  }
  if ((path === '/consent' || path === '/consent/home') && method === 'GET') {
    return { kind: 'consent', key: 'GET /consent/home' };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function mediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return header.split(';')[0]?.trim().toLowerCase() || undefined;
}

function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** A credential "looks like" a Basiq key when it is base64 of `something:something`. */
function looksLikeApiKey(credential: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credential)) return false;
  return Buffer.from(credential, 'base64').toString('utf8').includes(':');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE = /^\+?[0-9][0-9 ()-]{4,24}$/;

interface ReadBody {
  buffer: Buffer;
  tooLarge: boolean;
}

/** Reads the whole body; past `limit` bytes it keeps draining but stops buffering. */
function readBody(req: IncomingMessage, limit: number): Promise<ReadBody | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve({ buffer: Buffer.concat(chunks), tooLarge }));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(undefined));
  });
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/** Checks a fault (from code or from the control API) and returns a copy; throws TypeError when malformed. */
export function validateFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('A fault must be an object');
  }
  const f = input as Record<string, unknown>;
  const known = ['path', 'times', 'status', 'body', 'rawBody', 'headers', 'delayMs', 'reset'];
  for (const key of Object.keys(f)) {
    if (!known.includes(key)) throw new TypeError(`Unknown fault field "${key}"`);
  }
  if (f.path !== undefined && (typeof f.path !== 'string' || !f.path.startsWith('/'))) {
    throw new TypeError('fault.path must be a path starting with "/"');
  }
  if (
    f.times !== undefined &&
    (typeof f.times !== 'number' ||
      !(f.times >= 1) ||
      (Number.isFinite(f.times) && !Number.isInteger(f.times)))
  ) {
    throw new TypeError('fault.times must be a positive integer (or Infinity)');
  }
  if (
    f.status !== undefined &&
    (typeof f.status !== 'number' || !Number.isInteger(f.status) || f.status < 200 || f.status > 599)
  ) {
    throw new TypeError('fault.status must be an HTTP status from 200 to 599');
  }
  if (f.rawBody !== undefined && typeof f.rawBody !== 'string')
    throw new TypeError('fault.rawBody must be a string');
  if (f.rawBody !== undefined && f.body !== undefined)
    throw new TypeError('fault.body and fault.rawBody exclude each other');
  if (f.headers !== undefined) {
    if (typeof f.headers !== 'object' || f.headers === null || Array.isArray(f.headers)) {
      throw new TypeError('fault.headers must be an object of strings');
    }
    for (const value of Object.values(f.headers)) {
      if (typeof value !== 'string') throw new TypeError('fault.headers must be an object of strings');
    }
  }
  if (
    f.delayMs !== undefined &&
    (typeof f.delayMs !== 'number' || !Number.isFinite(f.delayMs) || f.delayMs < 0)
  ) {
    throw new TypeError('fault.delayMs must be a non-negative number');
  }
  if (f.reset !== undefined && typeof f.reset !== 'boolean')
    throw new TypeError('fault.reset must be a boolean');
  if (f.reset && f.status !== undefined)
    throw new TypeError('fault.reset and fault.status exclude each other');
  if ((f.body !== undefined || f.rawBody !== undefined) && f.status === undefined) {
    throw new TypeError('fault.body / fault.rawBody need fault.status');
  }
  if (f.status === undefined && !f.reset && f.delayMs === undefined && f.headers === undefined) {
    throw new TypeError('A fault needs at least one of status, reset, delayMs or headers');
  }
  return { ...(f as Fault), ...(f.headers ? { headers: { ...(f.headers as Record<string, string>) } } : {}) };
}

function checkLifetime(seconds: unknown): number {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError('The token lifetime must be a whole number of seconds, 0 or more');
  }
  return seconds;
}

function checkRevocationKind(as: unknown): RevocationKind {
  if (as === undefined) return 'expired';
  if (as === 'expired' || as === 'invalid') return as;
  throw new TypeError('as must be "expired" or "invalid"');
}

type TokenCheck =
  | { ok: true; scope: Scope; userId: string | undefined; exp: number }
  | { ok: false; reason: 'expired' | 'invalid'; error: ErrorAnswer };

class Emulator implements BasiqEmulator {
  readonly apiKey: string;
  readonly counters: EmulatorCounters = {
    tokenCalls: 0,
    serverTokens: 0,
    clientTokens: 0,
    rateLimited: 0,
    requests: {},
  };

  private readonly server: Server;
  private readonly now: () => number;
  private readonly secret = new Uint8Array(randomBytes(32));
  private readonly partnerId = randomUUID();
  private readonly applicationId: string;
  private readonly rateLimit: number;
  private readonly rateWindowMs: number;
  private readonly rateRetryAfter: boolean;
  private readonly rateHits: number[] = [];
  private readonly users = new UserStore();
  private readonly faults: QueuedFault[] = [];
  private readonly tokens: string[] = [];
  private readonly revoked = new Map<string, RevocationKind>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly consentRedirectUrl: string | undefined;
  private tokenLifetime: number;
  private host: string;
  private boundPort = 0;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(opts: EmulatorOptions) {
    this.apiKey = opts.apiKey ?? generateApiKey();
    if (typeof this.apiKey !== 'string' || this.apiKey === '' || /\s/.test(this.apiKey)) {
      throw new TypeError('apiKey must be a non-empty string without spaces');
    }
    this.tokenLifetime = checkLifetime(opts.tokenLifetimeSec ?? DEFAULT_TOKEN_LIFETIME_SEC);
    this.now = opts.now ?? Date.now;
    this.rateLimit = opts.rateLimit?.limit ?? DEFAULT_RATE_LIMIT;
    this.rateWindowMs = opts.rateLimit?.windowMs ?? DEFAULT_RATE_WINDOW_MS;
    this.rateRetryAfter = opts.rateLimit?.retryAfter ?? false;
    if (!Number.isInteger(this.rateLimit) || this.rateLimit < 0) {
      throw new RangeError('rateLimit.limit must be a whole number, 0 or more');
    }
    if (!(this.rateWindowMs > 0) || !Number.isFinite(this.rateWindowMs)) {
      throw new RangeError('rateLimit.windowMs must be a positive number');
    }
    this.host = opts.host ?? '127.0.0.1';
    this.consentRedirectUrl = opts.consentRedirectUrl;
    if (this.consentRedirectUrl !== undefined) new URL(this.consentRedirectUrl); // throws when malformed
    // Basiq keys decode to `<application id>:<secret>`; reuse the first half as the applicationid claim.
    const decoded = Buffer.from(this.apiKey, 'base64').toString('utf8');
    const first = decoded.split(':')[0] ?? '';
    this.applicationId = /^[0-9a-f-]{36}$/i.test(first) ? first : randomUUID();
    if (opts.seedUsers ?? true) this.users.seed();

    this.server = createServer((req, res) => this.onRequest(req, res));
    // A socket error (e.g. a client that resets) must never take the emulator down.
    this.server.on('clientError', (_err, socket: Socket) => socket.destroy());
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.boundPort}`;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, this.host, () => {
        this.server.off('error', onError);
        this.server.on('error', () => undefined);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  // ---------------------------------------------------------------- public methods

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.stopped = true;
      for (const sleeper of this.sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.wake();
      }
      this.sleepers.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  setTokenLifetime(seconds: number): void {
    this.tokenLifetime = checkLifetime(seconds);
  }

  injectFault(fault: Fault): void {
    const checked = validateFault(fault);
    this.faults.push({ fault: checked, remaining: checked.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  revoke(token: string, as?: RevocationKind): void {
    if (typeof token !== 'string' || token === '') throw new TypeError('token must be a non-empty string');
    this.revoked.set(token, checkRevocationKind(as));
  }

  revokeAll(as?: RevocationKind): void {
    const kind = checkRevocationKind(as);
    for (const token of this.tokens) this.revoked.set(token, kind);
  }

  issuedTokens(): string[] {
    return [...this.tokens];
  }

  resetCounters(): void {
    const c = this.counters;
    c.tokenCalls = 0;
    c.serverTokens = 0;
    c.clientTokens = 0;
    c.rateLimited = 0;
    for (const key of Object.keys(c.requests)) delete c.requests[key];
  }

  createUser(fields: CreateUserFields): { id: string } {
    for (const [key, value] of Object.entries(fields ?? {})) {
      if (value !== undefined && typeof value !== 'string') throw new TypeError(`${key} must be a string`);
    }
    return { id: this.users.create(fields ?? {}).id };
  }

  // ---------------------------------------------------------------- request pipeline

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) this.sendError(res, basiqErrors.internal());
      else res.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    let path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const bodyPromise = readBody(req, MAX_BODY_BYTES);

    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      const body = await bodyPromise;
      if (body) this.control(method, path, body, res);
      return;
    }

    const route = matchRoute(method, path);
    const key = route?.key ?? `${method} ${path}`;
    this.counters.requests[key] = (this.counters.requests[key] ?? 0) + 1;
    if (route?.kind === 'token') this.counters.tokenCalls++;
    const fault = this.takeFault(path);

    const body = await bodyPromise;
    if (!body || this.stopped) return;
    if (fault && (await this.applyFault(fault, res))) return;
    if (this.stopped || res.destroyed) return;
    if (body.tooLarge) return this.sendError(res, basiqErrors.payloadTooLarge(MAX_BODY_BYTES));
    if (!route) return this.sendError(res, basiqErrors.routeNotFound(method, path));

    switch (route.kind) {
      case 'token':
        return this.postToken(req, body.buffer, res);
      case 'createUser':
        return this.postUser(req, body.buffer, res);
      case 'getUser':
        return this.getUser(req, route.userId ?? '', res);
      case 'consent':
        return this.consent(query, res);
    }
  }

  private takeFault(path: string): Fault | undefined {
    const index = this.faults.findIndex((q) => q.fault.path === undefined || path.startsWith(q.fault.path));
    if (index === -1) return undefined;
    const queued = this.faults[index]!;
    queued.remaining--;
    if (queued.remaining <= 0) this.faults.splice(index, 1);
    return queued.fault;
  }

  /** Plays a fault; true when the request has been answered (or dropped). */
  private async applyFault(fault: Fault, res: ServerResponse): Promise<boolean> {
    if (fault.delayMs) await this.sleep(fault.delayMs);
    if (this.stopped || res.destroyed) return true;
    if (fault.reset) {
      const socket = res.socket;
      if (socket) {
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
      }
      return true;
    }
    if (fault.status === undefined) {
      for (const [name, value] of Object.entries(fault.headers ?? {})) res.setHeader(name, value);
      return false;
    }
    const status = fault.status;
    const noBody = status === 204 || status === 304;
    const text = noBody
      ? ''
      : fault.rawBody !== undefined
        ? fault.rawBody
        : JSON.stringify(fault.body !== undefined ? fault.body : defaultFaultBody(status));
    const headers: Record<string, string | number> = noBody
      ? {}
      : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    for (const [name, value] of Object.entries(fault.headers ?? {})) headers[name.toLowerCase()] = value;
    res.writeHead(status, headers);
    res.end(text);
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.sleepers.add(sleeper);
    });
  }

  // ---------------------------------------------------------------- answers

  private send(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
    if (res.headersSent || res.destroyed || res.writableEnded) return;
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  private sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    this.send(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  }

  private sendError(res: ServerResponse, error: ErrorAnswer): void {
    this.sendJson(res, error.status, error.body, error.headers);
  }

  private sendHtml(res: ServerResponse, status: number, html: string): void {
    this.send(res, status, html, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  }

  // ---------------------------------------------------------------- POST /token

  /** Admits the call into the sliding window, or answers how long until a slot frees (ms). */
  private admit(): number | undefined {
    const now = this.now();
    while (this.rateHits.length > 0 && this.rateHits[0]! <= now - this.rateWindowMs) this.rateHits.shift();
    if (this.rateHits.length >= this.rateLimit) {
      const oldest = this.rateHits[0];
      return oldest === undefined ? this.rateWindowMs : Math.max(1, oldest + this.rateWindowMs - now);
    }
    this.rateHits.push(now);
    return undefined;
  }

  private async postToken(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const wait = this.admit();
    if (wait !== undefined) {
      this.counters.rateLimited++;
      const error = basiqErrors.tooManyRequests();
      if (this.rateRetryAfter) error.headers = { 'retry-after': String(Math.ceil(wait / 1000)) };
      return this.sendError(res, error);
    }

    const authorization = req.headers.authorization;
    if (authorization === undefined || authorization.trim() === '') {
      return this.sendError(res, basiqErrors.authorizationMissing());
    }
    const basic = /^Basic +(\S+) *$/i.exec(authorization);
    if (!basic) return this.sendError(res, basiqErrors.authorizationInvalid());

    const version = req.headers['basiq-version'];
    const versionText = (Array.isArray(version) ? version.join(', ') : (version ?? '')).trim();
    if (versionText === '') return this.sendError(res, basiqErrors.versionMissing());
    if (!SUPPORTED_BASIQ_VERSIONS.includes(versionText))
      return this.sendError(res, basiqErrors.versionInvalid());

    const credential = basic[1] ?? '';
    if (credential !== this.apiKey) {
      // A re-encoded key no longer decodes to `id:secret`: Basiq's docs say that gives a 400.
      return this.sendError(
        res,
        looksLikeApiKey(credential) ? basiqErrors.apiKeyNotFound() : basiqErrors.authorizationInvalid(),
      );
    }

    if (mediaType(req.headers['content-type']) !== FORM)
      return this.sendError(res, basiqErrors.tokenContentType());
    const form = new URLSearchParams(body.toString('utf8'));
    const scope = form.get('scope');
    if (scope === null || scope === '') return this.sendError(res, basiqErrors.scopeMissing());
    if (!(SCOPES as readonly string[]).includes(scope))
      return this.sendError(res, basiqErrors.scopeInvalid());
    const userId = form.get('userId') ?? '';
    if (scope === 'CLIENT_ACCESS' && userId === '') return this.sendError(res, basiqErrors.userIdMissing());

    const token = await this.issueToken(
      scope as Scope,
      scope === 'CLIENT_ACCESS' ? userId : undefined,
      versionText,
    );
    this.sendJson(
      res,
      200,
      { access_token: token, expires_in: this.tokenLifetime, token_type: 'Bearer' },
      { 'cache-control': 'no-store' },
    );
  }

  private async issueToken(scope: Scope, userId: string | undefined, version: string): Promise<string> {
    const lifetime = this.tokenLifetime;
    const iat = Math.floor(this.now() / 1000);
    const token = await new SignJWT({
      partnerid: this.partnerId,
      applicationid: this.applicationId,
      scope,
      ...(userId !== undefined ? { userId } : {}),
      version,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetime)
      .setJti(randomUUID())
      .sign(this.secret);
    this.tokens.push(token);
    if (scope === 'SERVER_ACCESS') this.counters.serverTokens++;
    else this.counters.clientTokens++;
    return token;
  }

  // ---------------------------------------------------------------- bearer tokens

  private async checkToken(token: string): Promise<TokenCheck> {
    const revoked = this.revoked.get(token);
    if (revoked === 'expired') return { ok: false, reason: 'expired', error: basiqErrors.tokenExpired() };
    if (revoked === 'invalid') return { ok: false, reason: 'invalid', error: basiqErrors.invalidToken() };
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      });
      const scope = payload.scope;
      const userId = payload.userId;
      if (
        typeof scope !== 'string' ||
        !(SCOPES as readonly string[]).includes(scope) ||
        (scope === 'CLIENT_ACCESS' && typeof userId !== 'string') ||
        typeof payload.exp !== 'number'
      ) {
        return { ok: false, reason: 'invalid', error: basiqErrors.invalidToken() };
      }
      return {
        ok: true,
        scope: scope as Scope,
        userId: typeof userId === 'string' ? userId : undefined,
        exp: payload.exp,
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        return { ok: false, reason: 'expired', error: basiqErrors.tokenExpired() };
      }
      return { ok: false, reason: 'invalid', error: basiqErrors.invalidToken() };
    }
  }

  /** The data endpoints' `Authorization: Bearer <token>` check. */
  private async bearer(req: IncomingMessage): Promise<TokenCheck> {
    const authorization = req.headers.authorization;
    if (authorization === undefined || authorization.trim() === '') {
      return { ok: false, reason: 'invalid', error: basiqErrors.missingAuthenticationToken() };
    }
    const bearer = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!bearer) return { ok: false, reason: 'invalid', error: basiqErrors.invalidToken() };
    return this.checkToken(bearer[1] ?? '');
  }

  // ---------------------------------------------------------------- users

  private async postUser(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const auth = await this.bearer(req);
    if (!auth.ok) return this.sendError(res, auth.error);
    if (auth.scope !== 'SERVER_ACCESS') return this.sendError(res, basiqErrors.forbiddenAccess());

    const type = mediaType(req.headers['content-type']);
    if (type !== undefined && !isJsonMediaType(type)) {
      return this.sendError(res, basiqErrors.unsupportedContentType('application/json'));
    }
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return this.sendError(res, basiqErrors.invalidJson());
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return this.sendError(res, basiqErrors.invalidJson());
    }
    const fields = input as Record<string, unknown>;
    for (const name of ['email', 'mobile', 'firstName', 'middleName', 'lastName']) {
      const value = fields[name];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        return this.sendError(res, basiqErrors.parameterNotValid(name, `${name} must be a string`));
      }
    }
    const text = (name: string) => {
      const value = fields[name];
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    };
    const email = text('email');
    const mobile = text('mobile');
    if (email === undefined && mobile === undefined)
      return this.sendError(res, basiqErrors.emailOrMobileRequired());
    if (email !== undefined && !EMAIL.test(email)) {
      return this.sendError(res, basiqErrors.parameterNotValid('email', 'Email is not valid.'));
    }
    if (mobile !== undefined && !MOBILE.test(mobile)) {
      return this.sendError(res, basiqErrors.parameterNotValid('mobile', 'Mobile is not valid.'));
    }
    const user = this.users.create({
      email,
      mobile,
      firstName: text('firstName'),
      middleName: text('middleName'),
      lastName: text('lastName'),
    });
    // core.yml's createUser answers 201 Created.
    this.sendJson(res, 201, postUserBody(user, this.url));
  }

  private async getUser(req: IncomingMessage, userId: string, res: ServerResponse): Promise<void> {
    const auth = await this.bearer(req);
    if (!auth.ok) return this.sendError(res, auth.error);
    if (auth.scope === 'CLIENT_ACCESS') {
      // A client token is bound to one user: another user's id is "not authorized", its own is the wrong scope.
      return this.sendError(
        res,
        auth.userId === userId ? basiqErrors.forbiddenAccess() : basiqErrors.unauthorizedAccess(),
      );
    }
    const user = this.users.get(userId);
    if (!user) return this.sendError(res, basiqErrors.userNotFound());
    this.sendJson(res, 200, getUserBody(user, this.url));
  }

  // ---------------------------------------------------------------- Consent UI stand-in

  private async consent(query: URLSearchParams, res: ServerResponse): Promise<void> {
    const token = query.get('token');
    if (!token) return this.sendHtml(res, 401, consentErrorPage('The token query parameter is missing.'));
    const check = await this.checkToken(token);
    if (!check.ok) {
      return this.sendHtml(
        res,
        401,
        consentErrorPage(check.reason === 'expired' ? 'Token has expired' : 'Invalid authorization token.'),
      );
    }
    if (check.scope !== 'CLIENT_ACCESS' || check.userId === undefined) {
      return this.sendHtml(res, 401, consentErrorPage('The Consent UI needs a CLIENT_ACCESS token.'));
    }
    const action = query.get('action') ?? '';
    if (action !== '' && !(CONSENT_ACTIONS as readonly string[]).includes(action)) {
      return this.sendHtml(
        res,
        400,
        consentErrorPage(
          `Unknown action "${action}"; expected none or one of ${CONSENT_ACTIONS.join(', ')}.`,
        ),
      );
    }
    const param = (name: string) => query.get(name) ?? undefined;
    this.sendHtml(
      res,
      200,
      consentPage({
        userId: check.userId,
        action: action || undefined,
        state: param('state'),
        institutionId: param('institutionId'),
        connectionId: param('connectionId'),
        expiresAt: new Date(check.exp * 1000),
        redirectUrl: this.consentRedirectUrl,
        jobId: randomUUID(),
      }),
    );
  }

  // ---------------------------------------------------------------- control API

  private control(method: string, path: string, body: ReadBody, res: ServerResponse): void {
    const route = `${method} ${path.slice(CONTROL_PREFIX.length)}`;
    const ok = () => this.sendJson(res, 200, { ok: true });
    const parse = (): unknown => {
      const text = body.buffer.toString('utf8').trim();
      return text === '' ? {} : JSON.parse(text);
    };
    try {
      if (body.tooLarge) throw new TypeError(`Control request body over ${MAX_BODY_BYTES} bytes`);
      switch (route) {
        case 'GET /counters':
          return this.sendJson(res, 200, this.counters);
        case 'POST /faults': {
          const input = parse();
          const list = Array.isArray(input) ? input : [input];
          const checked = list.map(validateFault);
          for (const fault of checked) this.injectFault(fault);
          return this.sendJson(res, 200, { ok: true, queued: checked.length });
        }
        case 'DELETE /faults':
          this.clearFaults();
          return ok();
        case 'POST /revoke': {
          const input = parse() as { token?: unknown; all?: unknown; as?: unknown };
          if (input.all === true) this.revokeAll(input.as as RevocationKind | undefined);
          else if (typeof input.token === 'string')
            this.revoke(input.token, input.as as RevocationKind | undefined);
          else throw new TypeError('Send {"token": "…", "as"?: …} or {"all": true, "as"?: …}');
          return ok();
        }
        case 'POST /reset':
          this.resetCounters();
          return ok();
        case 'POST /token-lifetime': {
          const input = parse() as { seconds?: unknown };
          this.setTokenLifetime(input.seconds as number);
          return ok();
        }
        case 'GET /tokens':
          return this.sendJson(res, 200, this.issuedTokens());
        case 'POST /users': {
          const input = parse();
          if (typeof input !== 'object' || input === null || Array.isArray(input)) {
            throw new TypeError('Send a JSON object of user fields');
          }
          return this.sendJson(res, 200, this.createUser(input as CreateUserFields));
        }
        case 'GET /info':
          return this.sendJson(res, 200, { url: this.url, port: this.port, apiKey: this.apiKey });
        default:
          return this.sendJson(res, 404, { error: `No control route ${method} ${path}` });
      }
    } catch (err) {
      this.sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}

/** Starts a Basiq emulator on a local port and resolves once it listens. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<BasiqEmulator> {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be 0 to 65535');
  const emulator = new Emulator(opts);
  await emulator.listen(port);
  return emulator;
}
