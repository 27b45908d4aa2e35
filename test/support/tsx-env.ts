import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The repository root, where children run. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The environment for a child started with `node --import tsx` on the TypeScript sources:
 * tsx resolves `@basiq-token/*` through tsconfig.json's paths (no build needed) and
 * compiles Nest's decorators with its settings. The examples' own variables are dropped unless
 * `extra` sets them, so nothing from the outer shell (a real BASIQ_API_KEY, a REDIS_URL or REDIS_CLUSTER_NODES) leaks in.
 */
export function tsxChildEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: `${REPO_ROOT}tsconfig.json` };
  for (const key of ['BASIQ_API_KEY', 'BASIQ_API_URL', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'NODE_OPTIONS'])
    delete env[key];
  return { ...env, ...extra };
}

/** A child started by {@link spawnTsx}, its output collected. */
export interface TsxChild {
  readonly proc: ChildProcessByStdio<null, Readable, Readable>;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with its exit code and signal once it has exited. */
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** SIGKILL, unless it has already exited. */
  kill(): void;
}

/**
 * Starts `node --import tsx …args` from the repository root with {@link tsxChildEnv}`(env)`,
 * collecting what it prints.
 */
export function spawnTsx(args: string[], env: Record<string, string> = {}): TsxChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: tsxChildEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return {
    proc,
    stdout: () => stdout,
    stderr: () => stderr,
    exited: once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]>,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/**
 * The URL an example's main prints once it listens (`… listening on http://127.0.0.1:N`);
 * rejects, with all it printed, if it exits first.
 */
export function listeningUrl(child: TsxChild): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(child.stdout());
      if (match?.[1]) resolve(match[1]);
    };
    child.proc.stdout.on('data', look);
    look();
    void child.exited.then(([code]) =>
      reject(new Error(`main exited (${code}) before listening:\n${child.stdout()}\n${child.stderr()}`)),
    );
  });
}
