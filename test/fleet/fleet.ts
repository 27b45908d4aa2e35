import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsxChildEnv } from '../support/tsx-env.js';
import type {
  BurstResult,
  ClientTokensResult,
  InstanceConfig,
  Message,
  Request,
  Stats,
  TrafficResult,
} from './protocol.js';

const script = fileURLToPath(new URL('./instance.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** The parent's handle on one child instance. */
export class Instance {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #nextId = 1;
  #output = '';
  readonly exited: Promise<void>;
  readonly ready: Promise<void>;

  /** `env` is added to the child's environment (e.g. `REDIS_CLUSTER_NODES`, read by instance.ts). */
  constructor(env: Record<string, string> = {}) {
    // tsx resolves `@basiq-token/*` to the TypeScript sources through tsconfig.json's
    // paths, so the children run the same code as the test, without a build.
    this.#child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      env: tsxChildEnv(env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const collect = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-4_000);
    };
    this.#child.stdout?.on('data', collect);
    this.#child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    void this.exited.then(() => {
      for (const w of this.#waiting.values()) w.reject(new Error(`instance exited:\n${this.#output}`));
      this.#waiting.clear();
    });
    this.ready = new Promise((resolve, reject) => {
      this.#child.once('exit', (code) =>
        reject(new Error(`instance exited (${code}) before ready:\n${this.#output}`)),
      );
      this.#child.on('message', (message: Message) => {
        if (message.type === 'ready') resolve();
        else {
          const waiter = this.#waiting.get(message.id);
          this.#waiting.delete(message.id);
          if (message.ok) waiter?.resolve(message.result);
          else waiter?.reject(new Error(message.error));
        }
      });
    });
    // A failed start is reported through `ready`; do not let it become unhandled elsewhere.
    this.ready.catch(() => {});
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #call<T>(request: Request): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ id, request });
    });
  }

  configure(config: InstanceConfig): Promise<void> {
    return this.#call({ op: 'configure', config });
  }
  serverBurst(n: number): Promise<BurstResult> {
    return this.#call({ op: 'serverBurst', n });
  }
  clientTokens(userIds: string[]): Promise<ClientTokensResult> {
    return this.#call({ op: 'clientTokens', userIds });
  }
  startTraffic(workers: number, pauseMs: number): Promise<void> {
    return this.#call({ op: 'startTraffic', workers, pauseMs });
  }
  stopTraffic(): Promise<TrafficResult> {
    return this.#call({ op: 'stopTraffic' });
  }
  stats(): Promise<Stats> {
    return this.#call({ op: 'stats' });
  }

  /** SIGKILL: no cleanup, no lock release, like a crashed pod. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.exited;
  }

  async shutdown(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await this.#call({ op: 'shutdown' }).catch(() => {});
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts `n` instances (instance `i` with `env(i)` added to its environment) and waits until every one is ready. */
export async function startFleet(
  n: number,
  env?: (i: number) => Record<string, string>,
): Promise<Instance[]> {
  const fleet = Array.from({ length: n }, (_, i) => new Instance(env?.(i)));
  try {
    await Promise.all(fleet.map((i) => i.ready));
  } catch (err) {
    await Promise.all(fleet.map((i) => i.kill()));
    throw err;
  }
  return fleet;
}
