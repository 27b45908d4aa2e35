/** Starts an example's real `main` from its TypeScript sources (tsx), as a user would run it. */
import { listeningUrl, spawnTsx } from '../support/tsx-env.js';

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
  const child = spawnTsx([main], { PORT: '0' });
  try {
    const url = await listeningUrl(child);
    const emulatorUrl = /emulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(child.stdout())?.[1];
    if (!emulatorUrl) throw new Error(`main did not say where its emulator is:\n${child.stdout()}`);
    return {
      url,
      emulatorUrl,
      async stop() {
        child.proc.kill('SIGTERM');
        const killer = setTimeout(child.kill, 10_000);
        const [code] = await child.exited;
        clearTimeout(killer);
        return code;
      },
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}
