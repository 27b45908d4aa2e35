#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.js';
import type { BasiqEmulator, EmulatorOptions } from './types.js';

const USAGE = `Usage: basiq-emulator [options]

Starts a local Basiq API emulator (POST /token, POST /users, GET /users/{userId}, the user's accounts,
transactions and consents, GET /jobs/{jobId}, GET /institutions, a stand-in Consent UI at /consent/home
and a control API under /__emulator).

Options:
  -p, --port N             port to listen on (default 0: a free port, printed on start)
      --host H             interface to listen on (default 127.0.0.1)
      --api-key K          API key /token accepts (default: a random Basiq-shaped key, printed on start)
      --token-lifetime S   token lifetime in seconds (default 3600)
      --rate-limit N       /token calls allowed per window (default 1500)
      --rate-window-ms MS  rate-limit window in ms (default 300000)
      --consent-redirect-url URL
                           where the Consent UI stand-in's "finish" link goes (with ?jobIds=…)
      --job-pending-reads N
                           reads of a Consent job answered "in progress" before "success" (default 0)
  -h, --help               show this help
`;

function integer(
  name: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  let opts: EmulatorOptions;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'api-key': { type: 'string' },
        'token-lifetime': { type: 'string' },
        'rate-limit': { type: 'string' },
        'rate-window-ms': { type: 'string' },
        'consent-redirect-url': { type: 'string' },
        'job-pending-reads': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (values.help) {
      process.stdout.write(USAGE);
      return;
    }
    const limit = integer('rate-limit', values['rate-limit'], 0);
    const windowMs = integer('rate-window-ms', values['rate-window-ms'], 1);
    opts = {
      port: integer('port', values.port, 0, 65535) ?? 0,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
      ...(values['token-lifetime'] !== undefined
        ? { tokenLifetimeSec: integer('token-lifetime', values['token-lifetime'], 0) }
        : {}),
      ...(limit !== undefined || windowMs !== undefined
        ? {
            rateLimit: {
              ...(limit !== undefined ? { limit } : {}),
              ...(windowMs !== undefined ? { windowMs } : {}),
            },
          }
        : {}),
      ...(values['consent-redirect-url'] !== undefined
        ? { consentRedirectUrl: values['consent-redirect-url'] }
        : {}),
      ...(values['job-pending-reads'] !== undefined
        ? { jobPendingReads: integer('job-pending-reads', values['job-pending-reads'], 0) }
        : {}),
    };
  } catch (err) {
    process.stderr.write(`basiq-emulator: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  // Handlers go in before anything is printed: a parent that reads the URL may signal at once.
  const running: { emulator?: BasiqEmulator } = {};
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    (running.emulator ? running.emulator.stop() : Promise.resolve()).then(
      () => {
        process.stdout.write(`Basiq emulator stopped (${signal})\n`);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const emulator = await startEmulator(opts);
  running.emulator = emulator;
  if (stopping) {
    await emulator.stop();
    return;
  }
  process.stdout.write(
    [
      `Basiq emulator listening on ${emulator.url}`,
      `API key: ${emulator.apiKey}`,
      '',
      'Point your app at it:',
      `  BASIQ_API_URL=${emulator.url}`,
      `  BASIQ_API_KEY=${emulator.apiKey}`,
      `Consent UI stand-in: ${emulator.url}/consent/home?token=<CLIENT_ACCESS token>`,
      `Control API: ${emulator.url}/__emulator/counters (see the README)`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`basiq-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
