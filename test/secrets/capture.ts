/**
 * Captures everything a run lets out, to be scanned for secrets afterwards: every log line of
 * every client, every error that reached an app's error handling (its message, stack,
 * `JSON.stringify` and `util.inspect` forms), every event payload, every console line, the JSON
 * and inspect forms of every client, and every HTTP response the apps returned (status, headers,
 * body), plus the emulators, which know the API key and every token they issued.
 */
import { format, inspect } from 'node:util';
import type { BasiqClient, BasiqEvents, Logger } from '@basiq-token/core';
import type { BasiqEmulator } from '@basiq-token/emulator';
import type { AdapterDriver } from '../conformance/suite.js';

/** One piece of captured text and where it came from. */
export interface Captured {
  source: string;
  text: string;
}

/** An HTTP exchange with one of the apps under test. */
export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  /** Every header, one `name: value` line each. */
  headers: string;
  body: string;
}

const EVENTS: ReadonlyArray<keyof BasiqEvents> = [
  'token:fetched',
  'token:retry',
  'token:error',
  'token:replay',
  'budget:exhausted',
  'store:degraded',
  'store:recovered',
];

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** Every form of an error someone might print or ship to a log service. */
export function errorForms(error: unknown): string[] {
  const forms = [inspect(error, { depth: 10 }), String(error)];
  try {
    forms.push(JSON.stringify(error) ?? '');
  } catch (cause) {
    forms.push(`JSON.stringify threw: ${String(cause)}`);
  }
  if (error instanceof Error) forms.push(error.message, error.stack ?? '');
  return forms;
}

/** Collects what a run lets out; see the file comment. */
export class RunCapture {
  readonly captured: Captured[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly emulators: BasiqEmulator[] = [];
  readonly clients: BasiqClient[] = [];
  /** How many errors reached an app's error handling. */
  errors = 0;
  readonly #appUrls = new Set<string>();
  readonly #pending: Array<Promise<void>> = [];

  /** A logger for every client: each line (and any extra argument) is kept. */
  readonly logger: Required<Logger> = {
    debug: (message, ...meta) => this.#log('debug', message, meta),
    info: (message, ...meta) => this.#log('info', message, meta),
    warn: (message, ...meta) => this.#log('warn', message, meta),
    error: (message, ...meta) => this.#log('error', message, meta),
  };

  #log(level: string, message: string, meta: unknown[]): void {
    this.captured.push({
      source: `log.${level}`,
      text: [message, ...meta.map((m) => inspect(m, { depth: 10 }))].join(' '),
    });
  }

  /** Keeps an error that reached an app's error handling, in every printable form. */
  recordError(error: unknown, source: string): void {
    this.errors++;
    for (const text of errorForms(error)) this.captured.push({ source, text });
  }

  /** The same driver, with its apps' URLs, clients, events and errors captured. */
  watch(driver: AdapterDriver, name: string): AdapterDriver {
    return {
      start: async (options) => {
        const client = options.client;
        this.clients.push(client);
        for (const event of EVENTS) {
          client.on(event, (payload: unknown) =>
            this.captured.push({ source: `event ${event}`, text: JSON.stringify(payload) }),
          );
        }
        const app = await driver.start({
          ...options,
          onError: (error) => {
            this.recordError(error, `${name} error handler`);
            options.onError(error);
          },
        });
        this.#appUrls.add(app.url);
        return app;
      },
    };
  }

  /** Wraps `globalThis.fetch` (responses of the apps are recorded) and the console; returns the undo. */
  install(): () => void {
    const originalFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const isApp = [...this.#appUrls].some((base) => url.startsWith(`${base}/`) || url === base);
      try {
        const response = await originalFetch(input, init);
        if (isApp) this.#record(method, url, response.clone());
        return response;
      } catch (error) {
        if (isApp) this.recordError(error, `fetch ${method} ${url}`);
        throw error;
      }
    };
    const originals = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
    for (const [method, original] of originals) {
      console[method] = (...args: unknown[]) => {
        this.captured.push({ source: `console.${method}`, text: format(...args) });
        original.apply(console, args);
      };
    }
    return () => {
      globalThis.fetch = originalFetch;
      for (const [method, original] of originals) console[method] = original;
    };
  }

  #record(method: string, url: string, copy: Response): void {
    this.#pending.push(
      copy.text().then(
        (body) => {
          const headers = [...copy.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
          this.responses.push({ method, url, status: copy.status, headers, body });
        },
        (error: unknown) => this.recordError(error, `reading ${method} ${url}`),
      ),
    );
  }

  /** Waits for every response body being read, then adds the clients' JSON and inspect forms. */
  async finish(): Promise<void> {
    await Promise.all(this.#pending);
    for (const client of this.clients) {
      this.captured.push({ source: 'client JSON', text: JSON.stringify(client) });
      this.captured.push({ source: 'client inspect', text: inspect(client, { depth: 10 }) });
    }
  }
}
