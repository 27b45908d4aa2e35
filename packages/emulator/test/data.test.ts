import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_TRANSACTIONS_PAGE,
  SEED_ACCOUNT_IDS,
  SEED_CONNECTION_ID,
  SEED_CONSENT_ID,
  SEED_INSTITUTION_IDS,
  SEED_JOB_ID,
  SEED_TRANSACTION_COUNT,
  SEED_USER_ID,
  startEmulator,
  type BasiqEmulator,
} from '../src/index.js';
import { type Answer, call, clientToken, expectLikeFixture, fakeClock, serverToken } from './helpers.js';

const clock = fakeClock();
let emu: BasiqEmulator;
let server: string;
beforeAll(async () => {
  emu = await startEmulator({ now: clock.now, consentRedirectUrl: 'http://127.0.0.1:9/back' });
  server = await serverToken(emu);
});
afterAll(() => emu.stop());

function get(path: string, token?: string): Promise<Answer> {
  return call(
    `${emu.url}${path}`,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
}
const user = `/users/${SEED_USER_ID}`;
const OTHER_USER = 'b1c2d3e4-0000-4000-8000-000000000001';

describe('GET /users/{userId}/accounts and /accounts/{accountId}', () => {
  it("lists the demo user's accounts: the ids its getUser body links to", async () => {
    const res = await get(`${user}/accounts`, server);
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('list');
    expect(res.body.data.map((a: any) => a.id)).toEqual(SEED_ACCOUNT_IDS);
    const listed = (await get(user, server)).body.accounts.data.map((a: any) => a.id);
    expect(res.body.data.map((a: any) => a.id).sort()).toEqual([...listed].sort());
    for (const account of res.body.data) {
      expect(account).toMatchObject({
        type: 'account',
        connection: SEED_CONNECTION_ID,
        institution: 'AU00000',
      });
      expect(account.links.self).toBe(`${emu.url}${user}/accounts/${account.id}`);
    }
    expect(res.body.links.self).toBe(`${emu.url}${user}/accounts`);
  });

  it('filters by account.id with eq and ne, and refuses other fields or operators with a 400', async () => {
    const [first] = SEED_ACCOUNT_IDS;
    const eq = await get(
      `${user}/accounts?filter=${encodeURIComponent(`account.id.eq('${first}')`)}`,
      server,
    );
    expect(eq.body.data.map((a: any) => a.id)).toEqual([first]);
    const ne = await get(
      `${user}/accounts?filter=${encodeURIComponent(`account.id.ne('${first}')`)}`,
      server,
    );
    expect(ne.body.data).toHaveLength(SEED_ACCOUNT_IDS.length - 1);
    const none = await get(
      `${user}/accounts?filter=${encodeURIComponent("institution.id.eq('AU99999')")}`,
      server,
    );
    expect(none.body.data).toEqual([]);
    for (const bad of ["account.id.gt('a')", 'account.id.eq(x)', "account.name.eq('a')", 'garbage']) {
      const res = await get(`${user}/accounts?filter=${encodeURIComponent(bad)}`, server);
      expect(res.status, bad).toBe(400);
      expect(res.body.data[0]).toMatchObject({
        code: 'parameter-not-valid',
        source: { parameter: 'filter' },
      });
    }
  });

  it('answers one account, and 404 for an unknown account or user', async () => {
    const id = SEED_ACCOUNT_IDS[2]!;
    const one = await get(`${user}/accounts/${id}`, server);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      type: 'account',
      id,
      class: { type: 'credit-card' },
      creditLimit: '10000.00',
    });
    const missing = await get(`${user}/accounts/00000000-0000-4000-8000-000000000000`, server);
    expect(missing.status).toBe(404);
    expect(missing.body.data[0].detail).toBe('Requested account does not exist.');
    const unknownUser = await get(`/users/${OTHER_USER}/accounts`, server);
    expect(unknownUser.status).toBe(404);
    expectLikeFixture(unknownUser.body, 'userNotFound', expect);
  });

  it('a created user has no accounts yet', async () => {
    const { id } = emu.createUser({ email: 'new@hooli.com' });
    const res = await get(`/users/${id}/accounts`, server);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
  });
});

describe('GET /users/{userId}/transactions', () => {
  it('answers all of them newest first, up to 500, without a next link', async () => {
    const res = await get(`${user}/transactions`, server);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'list',
      count: SEED_TRANSACTION_COUNT,
      size: SEED_TRANSACTION_COUNT,
    });
    expect(res.body.links).toEqual({ self: `${emu.url}${user}/transactions` });
    const dates = res.body.data.map((t: any) => t.transactionDate);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('pages with limit and links.next until every transaction was seen once', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${emu.url}${user}/transactions?limit=20`;
    const counts: number[] = [];
    while (next) {
      const res = await call(next, { headers: { authorization: `Bearer ${server}` } });
      expect(res.status).toBe(200);
      expect(res.body.size).toBe(SEED_TRANSACTION_COUNT);
      counts.push(res.body.count);
      seen.push(...res.body.data.map((t: any) => t.id));
      next = res.body.links.next;
      if (next) expect(new URL(next).searchParams.get('limit')).toBe('20');
    }
    expect(counts).toEqual([20, 20, 8]);
    expect(new Set(seen).size).toBe(SEED_TRANSACTION_COUNT);
    const all = (await get(`${user}/transactions`, server)).body.data.map((t: any) => t.id);
    expect(seen).toEqual(all);
  });

  it('keeps the filter across pages', async () => {
    const account = SEED_ACCOUNT_IDS[0]!;
    const filter = encodeURIComponent(`account.id.eq('${account}'),transaction.direction.eq('debit')`);
    const first = await get(`${user}/transactions?limit=5&filter=${filter}`, server);
    expect(first.status).toBe(200);
    const second = await call(first.body.links.next, { headers: { authorization: `Bearer ${server}` } });
    for (const t of [...first.body.data, ...second.body.data]) {
      expect(t).toMatchObject({ account: account, direction: 'debit' });
      expect(Number(t.amount)).toBeLessThan(0);
    }
    expect(first.body.size).toBe(second.body.size);
  });

  it("filters on Basiq's fields: postDate ranges, status, class, institution", async () => {
    const q = async (filter: string) =>
      (await get(`${user}/transactions?filter=${encodeURIComponent(filter)}`, server)).body;
    const june = await q("transaction.postDate.bt('2024-06-20','2024-06-29')");
    expect(june.size).toBeGreaterThan(0);
    for (const t of june.data)
      expect(t.postDate.slice(0, 10) >= '2024-06-20' && t.postDate.slice(0, 10) <= '2024-06-29').toBe(true);
    const pending = await q("transaction.status.eq('pending')");
    expect(pending.data.map((t: any) => t.status)).toEqual(['pending', 'pending']);
    const fees = await q("transaction.class.in('bank-fee','interest')");
    expect(new Set(fees.data.map((t: any) => t.class))).toEqual(new Set(['bank-fee', 'interest']));
    expect((await q("institution.id.eq('AU00000')")).size).toBe(SEED_TRANSACTION_COUNT);
    expect((await q("institution.id.eq('AU00001')")).size).toBe(0);
  });

  it('400 for a bad limit, cursor or filter', async () => {
    for (const [query, parameter] of [
      ['limit=0', 'limit'],
      [`limit=${MAX_TRANSACTIONS_PAGE + 1}`, 'limit'],
      ['limit=ten', 'limit'],
      ['next=not-a-cursor', 'next'],
      [`filter=${encodeURIComponent("transaction.postDate.bt('2024-01-01')")}`, 'filter'],
      [`filter=${encodeURIComponent("transaction.amount.gt('5')")}`, 'filter'],
    ]) {
      const res = await get(`${user}/transactions?${query}`, server);
      expect(res.status, query).toBe(400);
      expect(res.body.data[0]).toMatchObject({ code: 'parameter-not-valid', source: { parameter } });
    }
  });
});

describe('GET /users/{userId}/transactions/{transactionId}', () => {
  it('answers the transaction each links.self points to, and 404 for an unknown one', async () => {
    const [first] = (await get(`${user}/transactions?limit=1`, server)).body.data;
    const one = await call(first.links.self, { headers: { authorization: `Bearer ${server}` } });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(first);
    const missing = await get(`${user}/transactions/00000000-0000-4000-8000-000000000000`, server);
    expect(missing.status).toBe(404);
    expect(missing.body.data[0].detail).toBe('Requested transaction does not exist.');
    expect((await get(`${user}/transactions/${first.id}`, await clientToken(emu, SEED_USER_ID))).status).toBe(
      403,
    );
  });
});

describe('GET /jobs/{jobId}, GET /users/{userId}/consents, GET /institutions', () => {
  it("answers the demo user's finished job", async () => {
    const res = await get(`/jobs/${SEED_JOB_ID}`, server);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'job', id: SEED_JOB_ID, jobType: 'connection' });
    expect(res.body.steps.map((s: any) => [s.title, s.status])).toEqual([
      ['verify-credentials', 'success'],
      ['retrieve-accounts', 'success'],
      ['retrieve-transactions', 'success'],
    ]);
    expect(res.body.steps[0].result.url).toBe(`${user}/connections/${SEED_CONNECTION_ID}`);
    expect((await get('/jobs/00000000-0000-4000-8000-000000000000', server)).status).toBe(404);
  });

  it("lists the demo user's consent; a created user has none", async () => {
    const res = await get(`${user}/consents`, server);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'list',
      size: 1,
      data: [{ type: 'consent', id: SEED_CONSENT_ID, status: 'active' }],
    });
    const { id } = emu.createUser({ email: 'c@hooli.com' });
    expect((await get(`/users/${id}/consents`, server)).body).toMatchObject({ size: 0, data: [] });
    expect((await get(`/users/${OTHER_USER}/consents`, server)).status).toBe(404);
  });

  it('lists institutions, and answers the one each account links to', async () => {
    const res = await get('/institutions', server);
    expect(res.status).toBe(200);
    expect(res.body.data.map((i: any) => i.id)).toEqual(SEED_INSTITUTION_IDS);
    expect(res.body.totalCount).toBe(SEED_INSTITUTION_IDS.length);
    const [account] = (await get(`${user}/accounts`, server)).body.data;
    const one = await call(account.links.institution, { headers: { authorization: `Bearer ${server}` } });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(res.body.data[0]);
    const missing = await get('/institutions/AU99999', server);
    expect(missing.status).toBe(404);
    expect(missing.body.data[0].detail).toBe('Requested institution does not exist.');
    expect((await get('/institutions/AU00000', await clientToken(emu, SEED_USER_ID))).status).toBe(403);
  });

  it('starts without any of it when seedUsers is false', async () => {
    const bare = await startEmulator({ seedUsers: false });
    try {
      const token = await serverToken(bare);
      expect(
        (await call(`${bare.url}${user}/accounts`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(404);
      expect(
        (await call(`${bare.url}/jobs/${SEED_JOB_ID}`, { headers: { authorization: `Bearer ${token}` } }))
          .status,
      ).toBe(404);
    } finally {
      await bare.stop();
    }
  });
});

describe('bearer checks on the new routes', () => {
  const serverOnly = [
    `${user}/accounts`,
    `${user}/accounts/${SEED_ACCOUNT_IDS[0]}`,
    `${user}/transactions`,
    '/institutions',
    '/institutions/AU00000',
  ];
  const all = [...serverOnly, `${user}/consents`, `/jobs/${SEED_JOB_ID}`];

  it('no token 403 (gateway body), a bad token 401, an expired one 403 access-denied', async () => {
    const expiring = await serverToken(emu);
    emu.revoke(expiring, 'expired');
    for (const path of all) {
      const none = await get(path);
      expect(none.status, path).toBe(403);
      expect(none.body).toEqual({ message: 'Missing Authentication Token' });
      const bad = await get(path, 'not.a.jwt');
      expect(bad.status, path).toBe(401);
      expect(bad.body.data[0].code).toBe('invalid-authorization-token');
      const expired = await get(path, expiring);
      expect(expired.status, path).toBe(403);
      expectLikeFixture(expired.body, 'getUserForbidden', expect);
    }
  });

  it("a client token is the wrong scope (403) on its own user's data and on /institutions", async () => {
    const client = await clientToken(emu, SEED_USER_ID);
    for (const path of serverOnly) {
      const res = await get(path, client);
      expect(res.status, path).toBe(403);
      expect(res.body.data[0].code).toBe('forbidden-access');
    }
  });

  it("a client token for another user is not authorized (401) on this user's routes", async () => {
    const other = await clientToken(emu, OTHER_USER);
    for (const path of all.filter((p) => p.startsWith('/users/') || p.startsWith('/jobs/'))) {
      const res = await get(path, other);
      expect(res.status, path).toBe(401);
      expect(res.body.data[0].code).toBe('unauthorized-access');
    }
  });

  it("a client token may read its own user's consents and jobs", async () => {
    const client = await clientToken(emu, SEED_USER_ID);
    expect((await get(`${user}/consents`, client)).status).toBe(200);
    expect((await get(`/jobs/${SEED_JOB_ID}`, client)).status).toBe(200);
  });

  it('an expired client token is refused like a server one', async () => {
    const client = await clientToken(emu, SEED_USER_ID);
    clock.advance(3600_000);
    try {
      const res = await get(`/jobs/${SEED_JOB_ID}`, client);
      expect(res.status).toBe(403);
      expect(res.body.data[0].detail).toBe('Token has expired');
    } finally {
      server = await serverToken(emu);
    }
  });
});

describe('Consent UI stand-in → redirect → job status', () => {
  const finishLink = (html: string) =>
    new URL(/data-testid="consent-finish" href="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'));

  it('the redirect names a job that GET /jobs/{jobId} answers for the same client token', async () => {
    const { id } = emu.createUser({ email: 'flow@hooli.com' });
    const client = await clientToken(emu, id);
    const page = await call(`${emu.url}/consent/home?token=${client}&state=s1&institutionId=AU00002`);
    expect(page.status).toBe(200);
    const back = finishLink(page.text);
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:9/back');
    expect(back.searchParams.get('state')).toBe('s1');
    const jobId = back.searchParams.get('jobIds')!;
    const job = await get(`/jobs/${jobId}`, client);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ type: 'job', id: jobId });
    expect(job.body.steps[1].result.url).toBe(`/users/${id}/accounts?filter=institution.id.eq('AU00002')`);
    // Finishing the Consent UI leaves a consent behind, which the same client token may read.
    const consents = await get(`/users/${id}/consents`, client);
    expect(consents.body.size).toBe(1);
    // Another user's client token may not read that job.
    expect((await get(`/jobs/${jobId}`, await clientToken(emu, SEED_USER_ID))).status).toBe(401);
  });

  it('jobPendingReads: the job answers in progress that many times, then finished', async () => {
    const polled = await startEmulator({ jobPendingReads: 2, consentRedirectUrl: 'http://127.0.0.1:9/b' });
    try {
      const client = await clientToken(polled, SEED_USER_ID);
      const page = await call(`${polled.url}/consent/home?token=${client}`);
      const jobId = finishLink(page.text).searchParams.get('jobIds')!;
      const statuses: string[][] = [];
      for (let i = 0; i < 4; i++) {
        const res = await call(`${polled.url}/jobs/${jobId}`, {
          headers: { authorization: `Bearer ${client}` },
        });
        expect(res.status).toBe(200);
        statuses.push(res.body.steps.map((s: any) => s.status));
      }
      expect(statuses).toEqual([
        ['in-progress', 'pending', 'pending'],
        ['in-progress', 'pending', 'pending'],
        ['success', 'success', 'success'],
        ['success', 'success', 'success'],
      ]);
      // The seeded job is finished from the start; the setting only applies to jobs made afterwards.
      expect(
        (await call(`${polled.url}/jobs/${SEED_JOB_ID}`, { headers: { authorization: `Bearer ${client}` } }))
          .body.steps[0].status,
      ).toBe('success');
      const set = await call(`${polled.url}/__emulator/job-pending-reads`, {
        method: 'POST',
        body: '{"reads":1}',
      });
      expect(set.status).toBe(200);
      const next = finishLink(
        (await call(`${polled.url}/consent/home?token=${client}`)).text,
      ).searchParams.get('jobIds')!;
      const read = async () =>
        (await call(`${polled.url}/jobs/${next}`, { headers: { authorization: `Bearer ${client}` } })).body
          .steps[0].status;
      expect([await read(), await read()]).toEqual(['in-progress', 'success']);
      expect(
        (await call(`${polled.url}/__emulator/job-pending-reads`, { method: 'POST', body: '{"reads":-1}' }))
          .status,
      ).toBe(400);
      expect(() => polled.setJobPendingReads(1.5)).toThrow(RangeError);
    } finally {
      await polled.stop();
    }
    await expect(startEmulator({ jobPendingReads: -1 })).rejects.toThrow(RangeError);
  });

  it('setConsentRedirectUrl and the control API change where the finish link goes', async () => {
    const client = await clientToken(emu, SEED_USER_ID);
    emu.setConsentRedirectUrl('http://localhost:4321/done?x=1');
    let page = await call(`${emu.url}/consent/home?token=${client}`);
    expect(finishLink(page.text).href).toMatch(/^http:\/\/localhost:4321\/done\?x=1&jobIds=/);

    const set = await call(`${emu.url}/__emulator/consent-redirect-url`, {
      method: 'POST',
      body: JSON.stringify({ url: 'http://localhost:5555/cb' }),
    });
    expect(set.status).toBe(200);
    page = await call(`${emu.url}/consent/home?token=${client}`);
    expect(finishLink(page.text).origin).toBe('http://localhost:5555');

    await call(`${emu.url}/__emulator/consent-redirect-url`, { method: 'POST', body: '{"url":null}' });
    page = await call(`${emu.url}/consent/home?token=${client}`);
    expect(page.text).not.toContain('consent-finish');

    expect(() => emu.setConsentRedirectUrl('not a url')).toThrow();
    const bad = await call(`${emu.url}/__emulator/consent-redirect-url`, {
      method: 'POST',
      body: '{"url":5}',
    });
    expect(bad.status).toBe(400);
    emu.setConsentRedirectUrl('http://127.0.0.1:9/back');
  });
});

describe('counters', () => {
  it('count the new routes by template', async () => {
    emu.resetCounters();
    await get(`${user}/transactions?limit=1`, server);
    await get(`/jobs/${SEED_JOB_ID}`, server);
    await get(`${user}/accounts/${SEED_ACCOUNT_IDS[0]}`, server);
    expect(emu.counters.requests).toEqual({
      'GET /users/{userId}/transactions': 1,
      'GET /jobs/{jobId}': 1,
      'GET /users/{userId}/accounts/{accountId}': 1,
    });
  });
});
