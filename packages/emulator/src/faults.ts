import { STATUS_CODES, type ServerResponse } from 'node:http';
import { basiqErrors, errorList } from './errors.js';
import type { Fault } from './types.js';

/**
 * The body a fault answers with when it names a status but no body: a Basiq-style error fitting the
 * status (the wording Basiq documents for that /token status, where it documents one).
 */
export function defaultFaultBody(status: number): unknown {
  switch (status) {
    case 400:
      return errorList({
        type: 'error',
        code: 'parameter-not-valid',
        title: 'Required parameter not valid',
        detail: 'Invalid request',
      });
    case 401:
      return basiqErrors.invalidToken().body;
    case 403:
      return errorList({
        type: 'error',
        code: 'forbidden-access',
        title: 'Forbidden Access',
        detail: 'Invalid request',
        source: {},
      });
    case 404:
      return errorList({
        type: 'error',
        code: 'resource-not-found',
        title: 'Requested resource is not found',
        detail: 'Resource not found.',
      });
    case 429:
      return basiqErrors.tooManyRequests().body;
    case 500:
      return basiqErrors.internal().body;
    case 503:
      return errorList({
        type: 'error',
        code: 'service-unavailable',
        title: 'Service Unavailable',
        detail: 'Service is currently unavailable',
      });
    default: {
      const text = STATUS_CODES[status] ?? 'Error';
      const code = text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      return errorList({ type: 'error', code: code || 'error', title: text, detail: text });
    }
  }
}

const FAULT_FIELDS = ['path', 'times', 'status', 'body', 'rawBody', 'headers', 'delayMs', 'reset'];

/** Checks a fault (from code or from the control API) and returns a copy; throws TypeError when malformed. */
export function validateFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('A fault must be an object');
  }
  const f = input as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!FAULT_FIELDS.includes(key)) throw new TypeError(`Unknown fault field "${key}"`);
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

/** Queued faults, applied in order: a request takes the first whose `path` prefixes its own. */
export class FaultQueue {
  private readonly queue: Array<{ fault: Fault; remaining: number }> = [];

  push(fault: Fault): void {
    const checked = validateFault(fault);
    this.queue.push({ fault: checked, remaining: checked.times ?? 1 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  take(path: string): Fault | undefined {
    const index = this.queue.findIndex((q) => q.fault.path === undefined || path.startsWith(q.fault.path));
    if (index === -1) return undefined;
    const queued = this.queue[index]!;
    queued.remaining--;
    if (queued.remaining <= 0) this.queue.splice(index, 1);
    return queued.fault;
  }
}

/** Timers a fault's delay waits on; `wakeAll` lets `stop()` finish without waiting for them. */
export class Sleepers {
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();

  sleep(ms: number): Promise<void> {
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

  wakeAll(): void {
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.sleepers.clear();
  }
}

/**
 * Plays a fault; true when the request has been answered (or dropped). A fault with only a delay or
 * headers answers nothing itself: the request then goes on to its handler.
 */
export async function playFault(
  fault: Fault,
  res: ServerResponse,
  sleepers: Sleepers,
  stopped: () => boolean,
): Promise<boolean> {
  if (fault.delayMs) await sleepers.sleep(fault.delayMs);
  if (stopped() || res.destroyed) return true;
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
