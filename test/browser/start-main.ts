/** Starts an example's real `main` from its TypeScript sources (tsx), as a user would run it. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX_TSCONFIG = fileURLToPath(
  new URL('../conformance/support/tsx-sources.tsconfig.json', import.meta.url),
);

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
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', TSX_TSCONFIG_PATH: TSX_TSCONFIG };
  for (const key of ['BASIQ_API_KEY', 'BASIQ_API_URL', 'REDIS_URL', 'NODE_OPTIONS']) delete env[key];
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
