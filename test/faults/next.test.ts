/**
 * The fault matrix through core's Fetch handler and through @basiq-token/next's App Router
 * routes in a real Next app (test/fixtures/next-app, built once per run). Both answer a Basiq
 * error from an app route with core's `errorResponse` (the Fetch app's own handling;
 * `withBasiqErrors` in Next); anything else is a 500 (`internal_error` JSON from the Fetch app,
 * Next's own answer in Next).
 */
import { format } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { BasiqError, errorResponse } from '@basiq-token/core';
import { fetchDriver } from '../conformance/support/fetch-driver.js';
import { nextDriver, startNextApp } from '../conformance/support/next-app.js';
import type { RunningNextApp } from '../conformance/support/next-app.js';
import { runFaultMatrix } from './run-matrix.js';
import type { AppAnswer } from './targets.js';

function basiqAnswer(error: BasiqError): AppAnswer {
  const answer = errorResponse(error);
  return { status: answer.status, code: (answer.body as { error: { code: string } }).error.code };
}

function fetchAnswer(error: unknown): AppAnswer {
  return error instanceof BasiqError ? basiqAnswer(error) : { status: 500, code: 'internal_error' };
}

function nextAnswer(error: unknown): AppAnswer {
  return error instanceof BasiqError ? basiqAnswer(error) : { status: 500 };
}

let app: RunningNextApp | undefined;
// Next prints every error a route threw (the matrix throws them on purpose): kept here, out of
// the test output, and checked for secrets at the end.
const printed: string[] = [];
const emulators: BasiqEmulator[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(format(...args)));
  app = await startNextApp();
}, 180_000);
afterAll(async () => {
  await app?.close();
  vi.restoreAllMocks();
});

runFaultMatrix({ name: 'fetch handler', driver: fetchDriver, appAnswer: fetchAnswer });
runFaultMatrix(
  { name: 'next (App Router)', driver: nextDriver('app', () => app!), appAnswer: nextAnswer },
  { onEmulator: (emulator) => emulators.push(emulator) },
);

describe('next (App Router): what Next printed while the matrix ran', () => {
  it('holds neither the API key nor any token', () => {
    expect(emulators.length).toBeGreaterThan(0);
    // The rows where the app route fails with a non-Basiq error make Next print it.
    expect(printed.length).toBeGreaterThan(0);
    const text = printed.join('\n');
    for (const emulator of emulators) {
      for (const secret of [emulator.apiKey, ...emulator.issuedTokens()])
        expect(text.includes(secret), "a secret reached Next's error log").toBe(false);
    }
  });
});
