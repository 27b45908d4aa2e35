/**
 * The whole-run secret scan: the conformance scenarios and the fault matrix, for one Express and
 * one Koa variant, with every client logging to a capturing logger, every error, event and console
 * line kept, and every HTTP answer of the apps recorded (see capture.ts). At the end, nothing
 * captured may hold the API key or any token the emulators issued, except the client token a
 * client-token route hands the browser in its 200 body; and no answer may ever hold a server token.
 */
import express5 from 'express5';
import koa3 from 'koa3';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformanceSuite } from '../conformance/suite.js';
import type { ConformanceHooks } from '../conformance/suite.js';
import { runFaultMatrix } from '../faults/run-matrix.js';
import { expressServer } from '../support/servers/express.js';
import { koaServer } from '../support/servers/koa.js';
import { appHandlerAnswer, koaAnswer } from '../faults/targets.js';
import { RunCapture } from './capture.js';
import type { RecordedResponse } from './capture.js';
import { findSecrets } from './scan.js';

const capture = new RunCapture();
let uninstall: (() => void) | undefined;
beforeAll(() => {
  uninstall = capture.install();
});
afterAll(() => uninstall?.());

const hooks: ConformanceHooks = {
  clientOptions: { logger: capture.logger },
  onEmulator: (emulator) => capture.emulators.push(emulator),
};

runConformanceSuite('express5', capture.watch(expressServer(express5), 'express5'), hooks);
runConformanceSuite('koa3', capture.watch(koaServer(koa3, { router: true }), 'koa3'), hooks);
runFaultMatrix(
  {
    name: 'express5',
    driver: capture.watch(expressServer(express5), 'express5'),
    appAnswer: appHandlerAnswer,
  },
  hooks,
);
runFaultMatrix(
  { name: 'koa3', driver: capture.watch(koaServer(koa3, { router: true }), 'koa3'), appAnswer: koaAnswer },
  hooks,
);

/** The one token an answer may carry: the client token in a client-token route's 200 body. */
function allowedToken(response: RecordedResponse): string | undefined {
  if (response.method !== 'POST' || response.status !== 200 || !response.url.endsWith('/client-token')) {
    return undefined;
  }
  const token = (JSON.parse(response.body) as { access_token?: unknown }).access_token;
  return typeof token === 'string' ? token : undefined;
}

describe('the whole run', () => {
  let secrets: string[];
  let serverTokens: string[];

  beforeAll(async () => {
    await capture.finish();
    secrets = capture.emulators.flatMap((emulator) => [emulator.apiKey, ...emulator.issuedTokens()]);
    serverTokens = capture.emulators
      .flatMap((emulator) => emulator.issuedTokens())
      .filter((token) => decodeJwt(token).scope === 'SERVER_ACCESS');
  });

  it('captured a real run (so that finding nothing means something)', () => {
    expect(capture.emulators).toHaveLength(4);
    expect(serverTokens.length).toBeGreaterThan(20);
    expect(secrets.length - serverTokens.length - capture.emulators.length).toBeGreaterThan(20);
    expect(capture.captured.filter((c) => c.source.startsWith('log.')).length).toBeGreaterThan(50);
    expect(capture.errors).toBeGreaterThan(20);
    expect(capture.responses.length).toBeGreaterThan(200);
    expect(capture.responses.filter((r) => allowedToken(r) !== undefined).length).toBeGreaterThan(20);
    // The scan itself finds a secret where there is one, in any of its forms.
    const [token] = serverTokens;
    const apiKey = capture.emulators[0]!.apiKey;
    expect(findSecrets(`x ${token} y`, secrets)).toEqual([token]);
    expect(findSecrets(`id:${Buffer.from(apiKey, 'base64').toString('utf8')}`, secrets)).toEqual([apiKey]);
  });

  it('logged, threw, emitted and printed neither the API key nor any token', () => {
    const leaks = capture.captured.flatMap(({ source, text }) =>
      findSecrets(text, secrets).map(
        (secret) => `${source}: ${secret.slice(0, 12)}… in ${text.slice(0, 200)}`,
      ),
    );
    expect(leaks).toEqual([]);
  });

  it("answered no secret but the client token in the client-token route's 200 body", () => {
    const leaks: string[] = [];
    for (const response of capture.responses) {
      const allowed = allowedToken(response);
      if (allowed !== undefined) expect(decodeJwt(allowed).scope, response.url).toBe('CLIENT_ACCESS');
      const text = `${response.headers}\n${response.body}`;
      for (const secret of findSecrets(text, secrets)) {
        if (secret !== allowed)
          leaks.push(`${response.method} ${response.url} ${response.status}: ${secret.slice(0, 12)}…`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('never sent a server token in any answer', () => {
    const sent = capture.responses.filter(
      (response) => findSecrets(`${response.headers}\n${response.body}`, serverTokens).length > 0,
    );
    expect(sent.map((r) => `${r.method} ${r.url} ${r.status}`)).toEqual([]);
  });
});
