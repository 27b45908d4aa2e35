import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The repository root: children run from there. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Children load the workspace packages from their TypeScript sources (no build needed).
// tsx resolves `@basiq-token/*` to the sources through tsconfig.json's paths (no build).
const TSX_TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));

/** A TypeScript program running in its own process (its own event loop, its own core share). */
export interface TsChild {
  /** What the ready pattern matched in its output. */
  readonly ready: RegExpExecArray;
  /** Asks it to stop (SIGTERM), then kills it if it has not exited after a few seconds. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcessByStdio<null, Readable, Readable>>();
// A bench that throws or is interrupted must not leave servers behind.
process.once('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/**
 * Starts `node --import tsx <script> ...args` from the repository root and resolves once its
 * stdout matches `ready`. Output is kept out of the bench's own (a child may print an API key);
 * only stderr's tail appears in the error when it fails to start.
 */
export function startTsChild(
  script: string,
  args: readonly string[],
  opts: { ready: RegExp; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<TsChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: TSX_TSCONFIG, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exited.then(() => running.delete(proc));

  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };

  return new Promise<TsChild>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let started = false;
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${script} ${why}\n${stderr.slice(-2_000)}`));
    };
    const timer = setTimeout(() => fail(`did not print ${opts.ready} in time`), opts.timeoutMs ?? 60_000);
    // Both pipes are read to the end (a full pipe would block the child), kept only until it starts.
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (!started) stderr += chunk;
    });
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (started) return;
      stdout += chunk;
      const match = opts.ready.exec(stdout);
      if (!match) return;
      started = true;
      clearTimeout(timer);
      proc.removeListener('exit', onEarlyExit);
      resolve({ ready: match, stop });
    });
    const onEarlyExit = (code: number | null) => fail(`exited (${code}) before it was ready`);
    proc.once('exit', onEarlyExit);
  });
}
