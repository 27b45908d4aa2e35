/**
 * One app, two copies of core: an ESM app's client comes from core's ESM build while a CommonJS
 * adapter (a Nest 11 app's, or any CJS middleware) requires core's CJS build, and npm can install
 * two versions of core side by side. The adapters already accept a client from either copy (they
 * duck-type it); the errors that client throws must be answered alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BasiqApiError, BasiqTokenError, errorResponse } from '@basiq-token/core';
import { ensureNest11, nest11Core } from './nest-kits.js';
import type { CoreModule } from './targets.js';

let cjs: CoreModule;

beforeAll(async () => {
  await ensureNest11();
  cjs = await nest11Core();
}, 120_000);

describe('a BasiqError from another copy of core', () => {
  it("is answered by the other copy's errorResponse with its own status and code", () => {
    // Made by the CJS build, answered by the sources (the ESM side).
    const fromCjs = new cjs.BasiqTokenError('basiq_unavailable', 'Basiq answered POST /token with 503', {
      upstreamStatus: 503,
    });
    expect(errorResponse(fromCjs)).toMatchObject({
      status: 503,
      body: { error: { code: 'basiq_unavailable' } },
    });
    // And the other way round: what Nest 11's BasiqExceptionFilter does with an ESM client's error.
    const fromEsm = new BasiqTokenError('basiq_timeout', 'Basiq did not answer POST /token within 150 ms');
    expect(cjs.errorResponse(fromEsm)).toMatchObject({
      status: 504,
      body: { error: { code: 'basiq_timeout' } },
    });
    // A data call Basiq refused: 502 from either copy, never Basiq's 403.
    const refused = new cjs.BasiqApiError(403, { data: [{ code: 'forbidden-access' }] });
    expect(errorResponse(refused)).toMatchObject({
      status: 502,
      body: { error: { code: 'basiq_api_error' } },
    });
    expect(cjs.errorResponse(new BasiqApiError(403, {}))).toMatchObject({
      status: 502,
      body: { error: { code: 'basiq_api_error' } },
    });
  });
});
