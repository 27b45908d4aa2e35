/**
 * Nothing stays open after close: each example's real `main` (SIGTERM after a few requests), and
 * an app on each adapter whose client the adapter created (closed the documented way), run in a
 * child process that must end by itself, with exit code 0. A preloaded probe tells a drained
 * event loop from a `process.exit()`: the examples keep an unref'd `process.exit(0)` fallback
 * for stray handles, and this proves it is never what ends them.
 * (Core alone is covered by packages/core/test/close.test.ts.)
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEED_USER_ID } from '@basiq-token/emulator';
import { spawnTsx } from '../support/tsx-env.js';

const PROBE = fileURLToPath(new URL('./support/exit-probe.mjs', import.meta.url));
const ADAPTER_CHILD = fileURLToPath(new URL('./support/adapter-child.ts', import.meta.url));
// Upper bounds only: a process kept alive by a handle would never exit, so it is killed then.
const START_BOUND_MS = 60_000;
const EXIT_BOUND_MS = 20_000;

interface Child {
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit, or with `timedOut` after `ms` (the child is then killed). */
  exit(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }>;
  kill(signal: NodeJS.Signals): void;
}

function startChild(args: string[]): Child {
  // The examples start their own emulator when no key is set; nothing from outside may leak in.
  const child = spawnTsx(['--import', PROBE, ...args], { PORT: '0' });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    kill: (signal) => child.proc.kill(signal),
    async exit(ms) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), ms)),
      );
      const first = await Promise.race([child.exited, timedOut]);
      clearTimeout(timer);
      if (first === 'timeout') {
        child.proc.kill('SIGKILL');
        const [code, signal] = await child.exited;
        return { code, signal, timedOut: true };
      }
      return { code: first[0], signal: first[1], timedOut: false };
    },
  };
}

/** Waits for `pattern` on the child's stdout; fails with its output if it exits or stalls first. */
async function waitFor(child: Child, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + START_BOUND_MS;
  for (;;) {
    const match = pattern.exec(child.stdout());
    if (match) return match;
    if (Date.now() > deadline || /\[exit-probe\]/.test(child.stderr())) {
      throw new Error(`no ${pattern} from the child:\n${child.stdout()}\n${child.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function expectDrained(ending: Awaited<ReturnType<Child['exit']>>, child: Child): void {
  const probe = child.stderr().match(/^\[exit-probe\] .*$/gm) ?? [];
  expect({ ...ending, probe }, child.stderr()).toEqual({
    code: 0,
    signal: null,
    timedOut: false,
    probe: ['[exit-probe] drained'],
  });
}

describe('example mains exit by themselves after SIGTERM', () => {
  for (const name of ['express', 'koa', 'nestjs']) {
    it(
      `${name}: drains its event loop and exits 0`,
      async () => {
        const child = startChild([`examples/${name}/src/main.ts`]);
        try {
          const [, url] = await waitFor(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
          // Keep-alive connections from this process stay open into the shutdown, as a browser's would.
          const answers = [
            await fetch(`${url}/healthz`),
            await fetch(`${url}/basiq/client-token`, {
              method: 'POST',
              headers: { 'x-demo-user': SEED_USER_ID },
            }),
            await fetch(`${url}/users/${SEED_USER_ID}`),
          ];
          for (const answer of answers) await answer.arrayBuffer();
          expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
          child.kill('SIGTERM');
          expectDrained(await child.exit(EXIT_BOUND_MS), child);
        } finally {
          child.kill('SIGKILL');
        }
      },
      START_BOUND_MS + EXIT_BOUND_MS,
    );
  }
});

describe('adapters exit by themselves after close(), with the client they created', () => {
  for (const adapter of ['express', 'koa', 'nest-express', 'nest-fastify']) {
    it(
      `${adapter}: serves, closes, drains its event loop and exits 0`,
      async () => {
        const child = startChild([ADAPTER_CHILD, adapter]);
        try {
          const ending = await child.exit(START_BOUND_MS + EXIT_BOUND_MS);
          expect(child.stdout().trim()).toBe('done 200 200 200 200');
          expectDrained(ending, child);
        } finally {
          child.kill('SIGKILL');
        }
      },
      START_BOUND_MS + EXIT_BOUND_MS + 5_000,
    );
  }
});
