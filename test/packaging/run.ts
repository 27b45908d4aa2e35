import { spawn } from 'node:child_process';

/** What a finished (or killed) child process left behind. */
export interface RunResult {
  /** Exit code, or `null` when the process was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the deadline passed and the process was killed. */
  timedOut: boolean;
}

/** Options of {@link run}. */
export interface RunOptions {
  cwd: string;
  /** Upper bound only: past it the process is killed and the result says so. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The environment for child npm/node processes, without what the calling npm or vitest put there.
 *
 * `npm test` exports `npm_config_*` (the root's local prefix among them), which would make a nested
 * `npm install` in a temp dir act on the monorepo; vitest may add NODE_OPTIONS that a consumer
 * program has no business seeing, and FORCE_COLOR, which would put escape codes in the output we read.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'NODE_OPTIONS' || key === 'FORCE_COLOR' || key.startsWith('VITEST'))
      continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a command to completion, collecting its output; never rejects on a non-zero exit. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a deadline kills npm's or node's children along with it.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** A readable account of a failed run, for assertion messages. */
export function describeRun(what: string, result: RunResult): string {
  const status = result.timedOut ? 'was killed after its deadline' : `exited with ${String(result.code)}`;
  return [`${what} ${status}`, '--- stdout', result.stdout.trim(), '--- stderr', result.stderr.trim()].join(
    '\n',
  );
}
