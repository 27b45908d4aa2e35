import { startEmulator } from '@basiq-token/emulator';
import type { BasiqEmulator } from '@basiq-token/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { HttpOptions } from '../../src/http/index.js';
import { startCaptureServer, startRecordingProxy } from './http-servers.js';
import type { TestServer } from './http-servers.js';
import { HttpTokenSource } from './http-token-source.js';

// What the HTTP-layer suites share: one emulator behind a recording proxy, a second server
// standing for "another host", and per test a fresh token source, replay log and log lines.
// Exported as live bindings: importers always see the current values.

export let emu: BasiqEmulator;
export let other: TestServer;
export let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
export let source: HttpTokenSource;
export let replays: { status: number; basiqCode: string | undefined }[];
export let logLines: string[];
export let userId: string;

/** Every token the emulator issued that shows up in `text` (none may). */
export const leaks = (text: string): string[] => emu.issuedTokens().filter((token) => text.includes(token));

/**
 * Registers the suite's hooks. After each test, nothing the other host received and no log
 * line may hold a token.
 */
export function useHttpWorld(email: string): void {
  beforeAll(async () => {
    emu = await startEmulator({});
    other = await startCaptureServer();
    proxy = await startRecordingProxy(emu.url);
    userId = emu.createUser({ email }).id;
  });
  afterAll(async () => {
    await Promise.all([emu.stop(), other.close(), proxy.close()]);
  });
  beforeEach(() => {
    emu.resetCounters();
    emu.clearFaults();
    other.received.length = 0;
    proxy.received.length = 0;
    source = new HttpTokenSource(emu.url, emu.apiKey);
    replays = [];
    logLines = [];
  });
  afterEach(() => {
    expect(leaks(JSON.stringify(other.received))).toEqual([]);
    expect(leaks(logLines.join('\n'))).toEqual([]);
  });
}

/** Options pointed at the recording proxy, recording replays and every log line. */
export function httpOptions(): HttpOptions {
  const push = (message: string) => logLines.push(message);
  return {
    baseUrl: proxy.url,
    timeoutMs: 2_000,
    onReplay: (info) => replays.push(info),
    logger: { debug: push, info: push, warn: push, error: push },
  };
}
