/** Starts an example's real `main` from its TypeScript sources (tsx), as a user would run it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { REPO_ROOT, tsxChildEnv } from '../support/tsx-env.js';

/** A running `main` in emulator mode. */
export interface RunningMain {
  /** Where the app listens. */
  url: string;
  /** Where its embedded emulator listens. */
  emulatorUrl: string;
  /** SIGTERM, then its exit code (SIGKILL if it does not exit within 10 s). */
  stop(): Promise<number | null>;
}

/** Starts `main` (path from the repository root) on a free port with the embedded emulator. */
export async function startMain(main: string): Promise<RunningMain> {
  const env = tsxChildEnv({ PORT: '0' });
  const proc = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(proc, 'exit') as Promise<[number | null]>;
  const kill = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout.on('data', () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      void exited.then(([code]) => reject(new Error(`main exited (${code}) before listening:\n${output}`)));
    });
    const emulatorUrl = /emulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (!emulatorUrl) throw new Error(`main did not say where its emulator is:\n${output}`);
    return {
      url,
      emulatorUrl,
      async stop() {
        proc.kill('SIGTERM');
        const killer = setTimeout(kill, 10_000);
        const [code] = await exited;
        clearTimeout(killer);
        return code;
      },
    };
  } catch (error) {
    kill();
    throw error;
  }
}
