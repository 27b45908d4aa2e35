import type { Logger } from './types.js';
import type { Redactor } from './secrets.js';
import { redactCredentials } from './secrets.js';

/** The logger the engine uses inside: every method present, every line redacted, never throws. */
export interface SafeLogger extends Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const PREFIX = '[basiq-token] ';

const silent: SafeLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Wraps the user's logger. One string argument only: console, pino and Nest's `Logger` read
 * a second argument differently (format args, merge object, context), so none is passed.
 * The default console gets no debug lines, to keep an app's console quiet.
 */
export function createSafeLogger(logger: Logger | false | undefined, redactor?: Redactor): SafeLogger {
  if (logger === false) return silent;
  const target: Logger = logger ?? {
    info: (m: string) => console.info(m),
    warn: (m: string) => console.warn(m),
    error: (m: string) => console.error(m),
  };
  const redact = (m: string) => (redactor ? redactor.redact(m) : redactCredentials(m));
  const level =
    (name: keyof Logger) =>
    (message: string): void => {
      const fn = target[name];
      if (typeof fn !== 'function') return;
      try {
        // Called as a method: pino and Nest's Logger need their `this`.
        // Other modules may already say who is speaking; say it once.
        fn.call(target, PREFIX + redact(message.replace(/^basiq-token:\s*/, '')));
      } catch {
        // A broken logger must not break token handling.
      }
    };
  return { debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') };
}
