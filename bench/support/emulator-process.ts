import type { EmulatorCounters, Fault } from '../../packages/emulator/src/index.js';
import { startTsChild } from './child.js';

/** The Basiq emulator in a child process, steered through its control API. */
export interface EmulatorProcess {
  readonly url: string;
  readonly apiKey: string;
  /** Queues faults (`times` must be finite: the control API speaks JSON). */
  injectFault(fault: Fault): Promise<void>;
  setTokenLifetime(seconds: number): Promise<void>;
  counters(): Promise<EmulatorCounters>;
  resetCounters(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the emulator's CLI in its own process, so its work (a JWT verification per request)
 * does not share an event loop with the code being measured. `args` go to the CLI.
 */
export async function startEmulatorProcess(args: readonly string[] = []): Promise<EmulatorProcess> {
  const child = await startTsChild('packages/emulator/src/cli.ts', ['--port', '0', ...args], {
    ready: /listening on (http:\/\/\S+)\s+API key: (\S+)\n/,
  });
  const [, url, apiKey] = child.ready as unknown as [string, string, string];
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/__emulator${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    if (!res.ok) throw new Error(`emulator control ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    apiKey,
    injectFault: async (fault) => void (await control('POST', '/faults', fault)),
    setTokenLifetime: async (seconds) => void (await control('POST', '/token-lifetime', { seconds })),
    counters: async () => (await control('GET', '/counters')) as EmulatorCounters,
    resetCounters: async () => void (await control('POST', '/reset')),
    stop: () => child.stop(),
  };
}
