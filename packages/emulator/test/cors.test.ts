// A browser reads the job status (and its user's consents) with a CLIENT_ACCESS token straight from
// Basiq, cross-origin: the emulator answers those routes' CORS preflight and lets the page read them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SEED_JOB_ID, startEmulator } from '../src/index.js';
import type { BasiqEmulator } from '../src/index.js';

let basiq: BasiqEmulator;
beforeAll(async () => {
  basiq = await startEmulator();
});
afterAll(() => basiq.stop());

const preflight = (path: string) =>
  fetch(`${basiq.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://127.0.0.1:3000',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization,basiq-version',
    },
  });

it('answers the preflight of GET /jobs/{jobId} and GET /users/{userId}/consents', async () => {
  for (const path of [`/jobs/${SEED_JOB_ID}`, '/users/some-user/consents']) {
    const res = await preflight(path);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('GET');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'basiq-version']));
  }
  expect(basiq.counters.requests['GET /jobs/{jobId}']).toBeUndefined();
});

it('lets the page read those answers, errors included, and nothing else', async () => {
  const job = await fetch(`${basiq.url}/jobs/${SEED_JOB_ID}`, {
    headers: { origin: 'http://127.0.0.1:3000' },
  });
  expect(job.status).toBe(403); // no token
  expect(job.headers.get('access-control-allow-origin')).toBe('*');

  const users = await fetch(`${basiq.url}/users/x`, { headers: { origin: 'http://127.0.0.1:3000' } });
  expect(users.headers.get('access-control-allow-origin')).toBeNull();
  const token = await preflight('/token');
  expect(token.headers.get('access-control-allow-origin')).toBeNull();
});
