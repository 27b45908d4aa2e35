import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Real Redis for the Redis suites. Locally: a `redis-server` child on a free loopback port in
 * a temp dir, which tests can pause (SIGSTOP), halt and restart on the same port. In CI with
 * `REDIS_URL`: that server, behind a loopback TCP proxy that gives tests the same controls.
 */
export interface RedisServerHandle {
  /** `redis://…` to connect to (the proxy's address in `REDIS_URL` mode). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly mode: 'local' | 'external';
  /** Redis stops answering but keeps connections open (a hung server). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Redis goes away: connections drop and new ones are refused. */
  halt(): Promise<void>;
  /** Redis is back on the same port (locally: a fresh, empty server). */
  restart(): Promise<void>;
  /** Final teardown. */
  stop(): Promise<void>;
}

export function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const externalUrl = process.env.REDIS_URL || undefined;
const serverBinary = process.env.REDIS_SERVER_BIN || findOnPath('redis-server');

/** Whether the Redis suites can run here, and if not, why (printed by {@link noteRedisSkip}). */
export const redisSupport: { available: boolean; reason: string } = externalUrl
  ? { available: true, reason: 'using REDIS_URL' }
  : serverBinary
    ? { available: true, reason: `using ${serverBinary}` }
    : {
        available: false,
        reason:
          'no `redis-server` on PATH and no REDIS_URL set: install it with `apt-get install redis-server` (or set REDIS_URL) to run this suite',
      };

/** Prints, once per suite, why a Redis suite is skipped, so a skip is never silent. */
export function noteRedisSkip(suite: string): void {
  if (!redisSupport.available) console.warn(`[skipped] ${suite}: ${redisSupport.reason}`);
}

/** A free loopback port (released right away; redis-server binds it just after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
function killChildren(): void {
  for (const child of children) {
    try {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
// A crashed or interrupted run must not leave redis-servers behind (or stopped with SIGSTOP).
process.once('exit', killChildren);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killChildren();
    // Then die of the same signal, as the process would have without this listener (unless
    // somebody else, such as the test runner, handles it).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

const DIR_PREFIX = 'basiq-redis-';
const OWNER_FILE = 'owner.pid';
const PID_FILE = 'redis.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run killed with SIGKILL cannot clean up after itself: the next start stops the servers
 * whose owning process is gone (only ours: our temp dir, our owner file, a redis-server pid).
 */
function reapOrphans(): void {
  let found: string[];
  try {
    found = readdirSync(tmpdir()).filter((d) => d.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of found) {
    const dir = join(tmpdir(), name);
    try {
      const owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
      if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
      const pid = Number(readFileSync(join(dir, PID_FILE), 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmdline.includes('redis-server')) continue;
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, not finished starting, or already gone
    }
  }
}

/** Spawns `redis-server` on `port` in `dir` (extra settings appended) and waits until it accepts connections. */
export async function spawnRedis(port: number, dir: string, extraArgs: string[] = []): Promise<ChildProcess> {
  const binary = serverBinary as string;
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--pidfile',
      join(dir, PID_FILE),
      '--daemonize',
      'no',
      '--protected-mode',
      'no',
      '--enable-debug-command',
      'local',
      '--loglevel',
      'notice',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not get ready in 10 s:\n${output.slice(-2000)}`));
    }, 10_000);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining output so a chatty server never blocks on a full pipe.
      child.stdout?.resume();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
  return child;
}

export async function killAndWait(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    child.kill('SIGCONT');
  } catch {
    // ignore
  }
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A temp dir for one redis-server, removed on exit and reaped after a SIGKILLed run. */
export function makeServerDir(): string {
  reapOrphans();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  dirs.add(dir);
  return dir;
}

export function removeServerDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

async function startLocal(): Promise<RedisServerHandle> {
  const dir = makeServerDir();
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      child = await spawnRedis(port, dir);
      break;
    } catch (err) {
      // Somebody may have taken the port between freePort() and the bind: try another.
      if (attempt >= 4) throw err;
    }
  }
  const host = '127.0.0.1';
  return {
    url: `redis://${host}:${port}`,
    host,
    port,
    mode: 'local',
    async pause() {
      child?.kill('SIGSTOP');
    },
    async resume() {
      child?.kill('SIGCONT');
    },
    async halt() {
      await killAndWait(child);
      child = undefined;
    },
    async restart() {
      await killAndWait(child);
      child = await spawnRedis(port, dir);
    },
    async stop() {
      await killAndWait(child);
      child = undefined;
      removeServerDir(dir);
    },
  };
}

/** `REDIS_URL` mode: a byte-for-byte proxy that can hold traffic (pause) or drop it (halt). */
async function startExternal(target: URL): Promise<RedisServerHandle> {
  const targetHost = target.hostname || '127.0.0.1';
  const targetPort = Number(target.port || 6379);
  const sockets = new Set<Socket>();
  let paused = false;
  let server: Server | undefined;
  const port = await freePort();

  const listen = async () => {
    server = createServer((downstream) => {
      const upstream = connect(targetPort, targetHost);
      for (const s of [downstream, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          downstream.destroy();
          upstream.destroy();
        });
        if (paused) s.pause();
      }
      downstream.pipe(upstream);
      upstream.pipe(downstream);
    });
    await new Promise<void>((resolve, reject) => {
      server?.once('error', reject);
      server?.listen(port, '127.0.0.1', resolve);
    });
  };
  const drop = async () => {
    for (const s of sockets) s.destroy();
    const closing = server;
    server = undefined;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  await listen();
  const url = new URL(target.href);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href,
    host: '127.0.0.1',
    port,
    mode: 'external',
    async pause() {
      paused = true;
      for (const s of sockets) s.pause();
    },
    async resume() {
      paused = false;
      for (const s of sockets) s.resume();
    },
    halt: drop,
    async restart() {
      await drop();
      paused = false;
      await listen();
    },
    stop: drop,
  };
}

/** Starts (or, with `REDIS_URL`, fronts) a Redis server; call `stop()` in `afterAll`. */
export async function startRedisServer(): Promise<RedisServerHandle> {
  if (!redisSupport.available) throw new Error(redisSupport.reason);
  return externalUrl ? startExternal(new URL(externalUrl)) : startLocal();
}
