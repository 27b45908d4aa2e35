import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeBinary } from './binaries.js';
import { bundle } from './bundle.js';

/** What the app in the runtime is configured with (env on Bun and Deno, bindings on workerd). */
export interface AppConfig {
  BASIQ_API_KEY: string;
  BASIQ_API_URL: string;
}

/** The shared app, running in one runtime. */
export interface RunningRuntime {
  /** Base URL, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string;
  /** Everything the runtime printed so far (stdout and stderr): the app's logs. */
  output(): string;
  /** Stops the runtime (and the process it runs in). */
  stop(): Promise<void>;
}

/** One runtime under test: where its binary is, and how it starts the shared app. */
export interface RuntimeLauncher {
  /** `bun`, `deno` or `workerd`: also what Hono's `getRuntimeKey()` answers there. */
  readonly name: 'bun' | 'deno' | 'workerd';
  /** How the suite is titled, when the runtime runs in more than one setting (`workerd, nodejs_compat`). */
  readonly title?: string;
  readonly binary: RuntimeBinary;
  start(config: AppConfig): Promise<RunningRuntime>;
}

const READY = /listening (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 20_000;

/**
 * Starts `command args` (a server that prints `listening <url>` once it listens) and resolves
 * with its URL. Its environment holds only `env` and PATH: nothing of the test process leaks in.
 */
export function startServerProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<RunningRuntime> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<RunningRuntime>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${command} ${args.join(' ')}: ${why}\n${output}`)));
    };
    const timer = setTimeout(() => fail(`not listening after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = READY.exec(output);
      if (ready?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.on('data', (more: Buffer) => (output += more.toString('utf8')));
        resolve({ url: ready[1], output: () => output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before listening`));
  });
}

/**
 * Starts a runtime with `start(dir)` in a fresh temporary directory (the runtime's working
 * directory, so nothing of the repository applies), removed once the runtime stops, or at once if
 * it fails to start.
 */
export async function inTempDir(
  runtime: RuntimeLauncher['name'],
  start: (dir: string) => Promise<RunningRuntime>,
): Promise<RunningRuntime> {
  const dir = mkdtempSync(join(tmpdir(), `basiq-runtime-${runtime}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const running = await start(dir);
    return {
      ...running,
      stop: async () => {
        await running.stop();
        remove();
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * A server program run by `command` (Bun or Deno): `entry` bundled into `dir` as that runtime
 * resolves npm packages (its own condition, then `node`'s), started with `args(script)` in `dir`
 * with `env`, `HOME` being `dir` (no user configuration applies).
 */
export async function startBundledServer(
  runtime: 'bun' | 'deno',
  command: string,
  entry: string,
  dir: string,
  args: (script: string) => string[],
  env: Record<string, string>,
): Promise<RunningRuntime> {
  const script = join(dir, 'server.mjs');
  await bundle(entry, script, { platform: 'node', conditions: [runtime, 'node'], nodeBuiltins: true });
  return startServerProcess(command, args(script), { cwd: dir, env: { ...env, HOME: dir, NO_COLOR: '1' } });
}
