import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApiKeyRing, checkApiKey, type AddApiKeyOptions, type ApiKeyInfo } from './api-keys.js';
import { BankStore } from './bank.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { PREFLIGHT_HEADERS, isBrowserRoute } from './cors.js';
import { basiqErrors } from './errors.js';
import { FaultQueue, Sleepers, playFault } from './faults.js';
import { DEFAULT_TOKEN_LIFETIME_SEC, generateApiKey } from './handlers/token.js';
import { MAX_BODY_BYTES, readBody, sendReply } from './http.js';
import { TokenAuthority, checkRevocationKind } from './jwt.js';
import { RateWindow } from './rate-window.js';
import { matchRoute } from './routes.js';
import type {
  BasiqEmulator,
  CreateUserFields,
  EmulatorCounters,
  EmulatorOptions,
  Fault,
  RevocationKind,
} from './types.js';
import { UserStore } from './users.js';
import type { World } from './world.js';

function checkLifetime(seconds: unknown): number {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError('The token lifetime must be a whole number of seconds, 0 or more');
  }
  return seconds;
}

function checkPendingReads(reads: unknown): number {
  if (typeof reads !== 'number' || !Number.isInteger(reads) || reads < 0) {
    throw new RangeError('jobPendingReads must be a whole number, 0 or more');
  }
  return reads;
}

function checkRedirectUrl(url: unknown): string | undefined {
  if (url === undefined) return undefined;
  if (typeof url !== 'string') throw new TypeError('consentRedirectUrl must be a string');
  new URL(url); // throws when malformed
  return url;
}

/** The server and the public controls; what each route answers lives in `handlers/`. */
class Emulator implements BasiqEmulator {
  readonly apiKey: string;
  readonly applicationId: string;
  readonly counters: EmulatorCounters = {
    tokenCalls: 0,
    serverTokens: 0,
    clientTokens: 0,
    rateLimited: 0,
    requests: {},
  };

  private readonly server: Server;
  private readonly world: World;
  private readonly faults = new FaultQueue();
  private readonly sleepers = new Sleepers();
  private host: string;
  private boundPort = 0;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(opts: EmulatorOptions) {
    const apiKeys = new ApiKeyRing();
    ({ apiKey: this.apiKey, applicationId: this.applicationId } = apiKeys.add({
      apiKey: checkApiKey(opts.apiKey ?? generateApiKey()),
    }));
    const tokenLifetimeSec = checkLifetime(opts.tokenLifetimeSec ?? DEFAULT_TOKEN_LIFETIME_SEC);
    const now = opts.now ?? Date.now;
    const rate = new RateWindow(opts.rateLimit?.limit, opts.rateLimit?.windowMs, now);
    this.host = opts.host ?? '127.0.0.1';
    const consentRedirectUrl = checkRedirectUrl(opts.consentRedirectUrl);
    const users = new UserStore();
    const bank = new BankStore(now);
    if (opts.seedUsers ?? true) {
      users.seed();
      bank.seed();
    }

    const ownUrl = () => this.url; // read late: the port is known only once listening
    this.world = {
      get url() {
        return ownUrl();
      },
      apiKeys,
      tokenLifetimeSec,
      counters: this.counters,
      tokens: new TokenAuthority(now),
      rate,
      rateRetryAfter: opts.rateLimit?.retryAfter ?? false,
      users,
      bank,
      consentRedirectUrl,
      jobPendingReads: checkPendingReads(opts.jobPendingReads ?? 0),
    };

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

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.stopped = true;
      this.sleepers.wakeAll();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  setTokenLifetime(seconds: number): void {
    this.world.tokenLifetimeSec = checkLifetime(seconds);
  }

  setConsentRedirectUrl(url: string | undefined): void {
    this.world.consentRedirectUrl = checkRedirectUrl(url);
  }

  setJobPendingReads(reads: number): void {
    this.world.jobPendingReads = checkPendingReads(reads);
  }

  injectFault(fault: Fault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  addApiKey(options?: AddApiKeyOptions): ApiKeyInfo {
    return this.world.apiKeys.add(options);
  }

  revokeApiKey(apiKey: string): void {
    if (!this.world.apiKeys.revoke(checkApiKey(apiKey))) throw new TypeError('Unknown API key');
  }

  revoke(token: string, as?: RevocationKind): void {
    if (typeof token !== 'string' || token === '') throw new TypeError('token must be a non-empty string');
    this.world.tokens.revoke(token, checkRevocationKind(as));
  }

  revokeAll(as?: RevocationKind): void {
    this.world.tokens.revokeAll(checkRevocationKind(as));
  }

  issuedTokens(): string[] {
    return this.world.tokens.issued();
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
    return { id: this.world.users.create(fields ?? {}).id };
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendReply(res, basiqErrors.internal());
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
      if (body) sendReply(res, handleControl(this, method, path, body));
      return;
    }

    if (isBrowserRoute(path)) {
      if (method === 'OPTIONS') {
        await bodyPromise;
        res.writeHead(204, PREFLIGHT_HEADERS).end();
        return;
      }
      res.setHeader('access-control-allow-origin', '*');
    }

    // Counted and faulted as soon as it arrives, before its body: a fault may stall the body's reading.
    const route = matchRoute(method, path);
    const key = route?.key ?? `${method} ${path}`;
    this.counters.requests[key] = (this.counters.requests[key] ?? 0) + 1;
    if (key === 'POST /token') this.counters.tokenCalls++;
    const fault = this.faults.take(path);

    const body = await bodyPromise;
    if (!body || this.stopped) return;
    if (fault && (await playFault(fault, res, this.sleepers, () => this.stopped))) return;
    if (this.stopped || res.destroyed) return;
    if (body.tooLarge) return sendReply(res, basiqErrors.payloadTooLarge(MAX_BODY_BYTES));
    if (!route) return sendReply(res, basiqErrors.routeNotFound(method, path));

    const reply = await route.handler(
      { method, path, headers: req.headers, body: body.buffer, query, params: route.params },
      this.world,
    );
    sendReply(res, reply);
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
