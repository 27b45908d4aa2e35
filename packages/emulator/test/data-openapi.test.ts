import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ErrorObject } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SEED_ACCOUNT_IDS,
  SEED_JOB_ID,
  SEED_USER_ID,
  startEmulator,
  type BasiqEmulator,
} from '../src/index.js';
import { ROUTES } from '../src/routes.js';
import { type Answer, call, clientToken, fixture, serverToken, spec } from './helpers.js';

/**
 * Validates the answers of the routes beyond /token and /users against Basiq's own specs (data.yml for
 * accounts and transactions, core.yml for jobs and consents), the way openapi.test.ts does for core.yml:
 * swagger-parser dereferences the spec, Ajv 8 checks the body against the schema of that operation and
 * status. Every answer is valid, or the spec's own inconsistency is pinned: the exact violations, and
 * proof that the spec's own example (or its raw text) has the same problem.
 */
type SpecName = 'data' | 'core';
interface ComponentCheck {
  spec: SpecName;
  name: string;
  /** JSON pointer into the body of the part checked; default the whole body. */
  at?: string;
  errors: string[];
}
type Expectation =
  | { valid: true }
  | {
      deviation: string;
      errors: string[];
      /** The same violations in Basiq's own example (of the spec) or real body (a fixture). */
      sameIn?: { example: string } | { fixture: string };
      component?: ComponentCheck;
    }
  | { noSchema: string; component?: ComponentCheck };

interface Row {
  name: string;
  spec: SpecName;
  path: string;
  status: number;
  run: () => Promise<Answer>;
  expect: Expectation;
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const specs: Record<SpecName, any> = { data: undefined, core: undefined };
const ajv = new Ajv({ strict: false, allErrors: true });
const addFormats = ((ajvFormats as any).default ?? ajvFormats) as (a: Ajv) => Ajv;
addFormats(ajv);

function violations(schema: object, body: unknown): string[] {
  const validate = ajv.compile(schema) as Validate;
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.keyword}`).sort();
}

function operation(name: SpecName, path: string): any {
  return specs[name].paths[path]?.get;
}
function responseSchema(name: SpecName, path: string, status: number): object | undefined {
  return operation(name, path)?.responses?.[String(status)]?.content?.['application/json']?.schema;
}
function pointer(body: any, at: string | undefined): unknown {
  if (!at) return body;
  return at
    .split('/')
    .filter(Boolean)
    .reduce((value, key) => value?.[key], body);
}

let emu: BasiqEmulator;
let server: string;
beforeAll(async () => {
  specs.data = await SwaggerParser.dereference(spec('data'));
  specs.core = await SwaggerParser.dereference(spec('core'));
  emu = await startEmulator();
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
const OTHER = 'b1c2d3e4-0000-4000-8000-000000000002';
const VALID = { valid: true } as const;
async function expired(): Promise<string> {
  const token = await serverToken(emu);
  emu.revoke(token);
  return token;
}

const row =
  (spec: SpecName, path: string) =>
  (name: string, status: number, run: () => Promise<Answer>, expectation: Expectation): Row => ({
    name,
    spec,
    path,
    status,
    run,
    expect: expectation,
  });
const accounts = row('data', '/users/{userId}/accounts');
const account = row('data', '/users/{userId}/accounts/{accountId}');
const transactions = row('data', '/users/{userId}/transactions');
const transaction = row('data', '/users/{userId}/transactions/{transactionId}');
const job = row('core', '/jobs/{jobId}');
const consents = row('core', '/users/{userId}/consents');

const CLASS_ENUM =
  "data.yml puts a string enum beside the $ref to AccountClass (an object {type, product}, Basiq's real shape); " +
  'OpenAPI 3.0 ignores siblings of $ref but the dereferenced schema keeps both, so no value satisfies it';
const EXPIRED_DEVIATION: Expectation = {
  deviation:
    "ForbiddenAccessError requires data[].source to be an object; Basiq's real expired-token body has source: null",
  errors: ['/data/0/source type'],
  sameIn: { fixture: 'getUserForbidden' },
};
const MISSING_TOKEN_DEVIATION: Expectation = {
  deviation:
    "no token at all is refused by Basiq's API gateway with {message}, not a Basiq error list (Basiq's documented data-endpoint errors)",
  errors: ['/ required', '/ required', '/ required'],
};
const DATA_401: Expectation = {
  noSchema: 'data.yml documents no 401 for its account and transaction operations',
  component: { spec: 'data', name: 'UnauthorizedError', errors: [] },
};
const JOB_ONE_OF: Expectation = {
  deviation:
    "core.yml answers getJobs with oneOf [job, StatementJobs, ReportsJob], three schemas with no required field, so a finished job matches all three and fails oneOf; it is valid against the 'job' schema alone",
  errors: ['/ oneOf'],
  sameIn: { example: 'data-success' },
  component: { spec: 'core', name: 'job', errors: [] },
};

const rows: Row[] = [
  // ---- getAccounts (data.yml)
  accounts('seeded user', 200, () => get(`${user}/accounts`, server), {
    deviation: CLASS_ENUM,
    errors: SEED_ACCOUNT_IDS.map((_, i) => `/data/${i}/class enum`).sort(),
  }),
  accounts(
    'filtered by account.id',
    200,
    () =>
      get(`${user}/accounts?filter=${encodeURIComponent(`account.id.eq('${SEED_ACCOUNT_IDS[0]}')`)}`, server),
    { deviation: CLASS_ENUM, errors: ['/data/0/class enum'] },
  ),
  accounts(
    'created user, no accounts',
    200,
    async () => get(`/users/${emu.createUser({ email: 'a@hooli.com' }).id}/accounts`, server),
    VALID,
  ),
  accounts('bad filter', 400, () => get(`${user}/accounts?filter=nope`, server), VALID),
  accounts('unknown user', 404, () => get(`/users/${OTHER}/accounts`, server), VALID),
  accounts(
    'client token, own user',
    403,
    async () => get(`${user}/accounts`, await clientToken(emu, SEED_USER_ID)),
    VALID,
  ),
  accounts('expired token', 403, async () => get(`${user}/accounts`, await expired()), EXPIRED_DEVIATION),
  accounts('no token', 403, () => get(`${user}/accounts`), MISSING_TOKEN_DEVIATION),
  accounts('malformed token', 401, () => get(`${user}/accounts`, 'x.y.z'), DATA_401),
  accounts(
    'client token, another user',
    401,
    async () => get(`${user}/accounts`, await clientToken(emu, OTHER)),
    DATA_401,
  ),

  // ---- getAccount (data.yml)
  account('seeded account', 200, () => get(`${user}/accounts/${SEED_ACCOUNT_IDS[2]}`, server), {
    deviation: CLASS_ENUM,
    errors: ['/class enum'],
  }),
  account('unknown account', 404, () => get(`${user}/accounts/${OTHER}`, server), VALID),
  account(
    'client token, own user',
    403,
    async () => get(`${user}/accounts/${SEED_ACCOUNT_IDS[0]}`, await clientToken(emu, SEED_USER_ID)),
    VALID,
  ),

  // ---- getTransactions (data.yml)
  transactions('all', 200, () => get(`${user}/transactions`, server), VALID),
  transactions('a page with links.next', 200, () => get(`${user}/transactions?limit=10`, server), VALID),
  transactions(
    'filtered',
    200,
    () =>
      get(`${user}/transactions?filter=${encodeURIComponent("transaction.status.eq('pending')")}`, server),
    VALID,
  ),
  transactions('bad limit', 400, () => get(`${user}/transactions?limit=0`, server), VALID),
  transactions('bad filter', 400, () => get(`${user}/transactions?filter=x`, server), VALID),
  transactions('unknown user', 404, () => get(`/users/${OTHER}/transactions`, server), VALID),
  transactions(
    'client token, own user',
    403,
    async () => get(`${user}/transactions`, await clientToken(emu, SEED_USER_ID)),
    VALID,
  ),
  transactions(
    'expired token',
    403,
    async () => get(`${user}/transactions`, await expired()),
    EXPIRED_DEVIATION,
  ),

  // ---- getTransaction (data.yml)
  transaction(
    'first transaction',
    200,
    async () => {
      const [first] = (await get(`${user}/transactions?limit=1`, server)).body.data;
      return get(`${user}/transactions/${first.id}`, server);
    },
    VALID,
  ),
  transaction('unknown transaction', 404, () => get(`${user}/transactions/${OTHER}`, server), VALID),
  transaction(
    'client token, own user',
    403,
    async () => get(`${user}/transactions/${OTHER}`, await clientToken(emu, SEED_USER_ID)),
    VALID,
  ),

  // ---- getJobs (core.yml)
  job('seeded job, server token', 200, () => get(`/jobs/${SEED_JOB_ID}`, server), JOB_ONE_OF),
  job(
    "seeded job, its user's client token",
    200,
    async () => get(`/jobs/${SEED_JOB_ID}`, await clientToken(emu, SEED_USER_ID)),
    JOB_ONE_OF,
  ),
  job(
    'a Consent job still in progress',
    200,
    async () => {
      emu.setJobPendingReads(1);
      emu.setConsentRedirectUrl('http://127.0.0.1:9/back');
      const client = await clientToken(emu, SEED_USER_ID);
      const page = await call(`${emu.url}/consent/home?token=${client}`);
      emu.setJobPendingReads(0);
      const jobId = /jobIds=([0-9a-f-]+)/.exec(page.text)![1]!;
      return get(`/jobs/${jobId}`, client);
    },
    { ...JOB_ONE_OF, sameIn: { example: 'data-in-progress' } },
  ),
  job('unknown job', 404, () => get(`/jobs/${OTHER}`, server), VALID),
  job('malformed token', 401, () => get(`/jobs/${SEED_JOB_ID}`, 'x.y.z'), VALID),
  job(
    'client token, another user',
    401,
    async () => get(`/jobs/${SEED_JOB_ID}`, await clientToken(emu, OTHER)),
    VALID,
  ),
  job('expired token', 403, async () => get(`/jobs/${SEED_JOB_ID}`, await expired()), EXPIRED_DEVIATION),

  // ---- getConsents (core.yml)
  consents('seeded user', 200, () => get(`${user}/consents`, server), VALID),
  consents(
    'own client token',
    200,
    async () => get(`${user}/consents`, await clientToken(emu, SEED_USER_ID)),
    VALID,
  ),
  consents(
    'created user: none',
    200,
    async () => get(`/users/${emu.createUser({ email: 'z@hooli.com' }).id}/consents`, server),
    VALID,
  ),
  consents('unknown user', 404, () => get(`/users/${OTHER}/consents`, server), VALID),
  consents('malformed token', 401, () => get(`${user}/consents`, 'x.y.z'), VALID),
  consents(
    'client token, another user',
    401,
    async () => get(`${user}/consents`, await clientToken(emu, OTHER)),
    VALID,
  ),
  consents('expired token', 403, async () => get(`${user}/consents`, await expired()), EXPIRED_DEVIATION),

  // ---- GET /institutions: in none of the vendored specs
  {
    name: 'institutions',
    spec: 'data',
    path: '/institutions',
    status: 200,
    run: () => get('/institutions', server),
    expect: {
      noSchema:
        "no vendored spec documents GET /institutions; its logo is checked against data.yml's InstitutionLogoResource",
      component: { spec: 'data', name: 'InstitutionLogoResource', at: '/data/0/logo', errors: [] },
    },
  },
  {
    name: 'one institution',
    spec: 'data',
    path: '/institutions/{institutionId}',
    status: 200,
    run: () => get('/institutions/AU00000', server),
    expect: {
      noSchema: 'no vendored spec documents GET /institutions/{institutionId}',
      component: { spec: 'data', name: 'InstitutionLogoResource', at: '/logo', errors: [] },
    },
  },
];

function checkComponent(check: ComponentCheck, body: unknown): void {
  const component = specs[check.spec].components.schemas[check.name];
  expect(component, check.name).toBeDefined();
  expect(violations(component, pointer(body, check.at))).toEqual(check.errors);
}

describe("the new routes' answers against data.yml's and core.yml's response schemas", () => {
  for (const r of rows) {
    it(`GET ${r.path} ${r.status}: ${r.name}`, async () => {
      const res = await r.run();
      expect(res.status).toBe(r.status);
      expect(res.body).toBeDefined();
      const schema = responseSchema(r.spec, r.path, r.status);
      const expectation = r.expect;
      if ('noSchema' in expectation) {
        expect(schema, expectation.noSchema).toBeUndefined();
        if (expectation.component) checkComponent(expectation.component, res.body);
        return;
      }
      expect(schema, `${r.spec}.yml has a schema for ${r.status}`).toBeDefined();
      const found = violations(schema!, res.body);
      if ('valid' in expectation) {
        expect(found).toEqual([]);
        return;
      }
      expect(found, expectation.deviation).toEqual(expectation.errors);
      if (expectation.component) checkComponent(expectation.component, res.body);
      const sameIn = expectation.sameIn;
      if (sameIn && 'fixture' in sameIn) {
        expect(violations(schema!, fixture(sameIn.fixture))).toEqual(expectation.errors);
      } else if (sameIn) {
        const example = operation(r.spec, r.path).responses[String(r.status)].content['application/json']
          .examples[sameIn.example].value;
        expect(violations(schema!, example)).toEqual(expectation.errors);
      }
    });
  }
});

describe('the routes table', () => {
  it('names every Basiq route as core.yml or data.yml does, except the few no vendored spec has', () => {
    const notInSpecs = [
      'GET /institutions',
      'GET /institutions/{institutionId}',
      'GET /consent/home',
      'GET /consent',
    ];
    const missing = ROUTES.map((r) => `${r.method} ${r.path}`).filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      const op = (name: SpecName) => specs[name].paths[path]?.[method.toLowerCase()];
      return !op('core') && !op('data');
    });
    expect(missing).toEqual(notInSpecs);
  });
});

describe("the spec inconsistencies pinned above are Basiq's, not the emulator's", () => {
  it("data.yml's account class is a $ref to an object with a string enum beside it", async () => {
    const raw: any = await SwaggerParser.parse(spec('data'));
    const cls = raw.components.schemas.AccountResponseResource.properties.class;
    expect(cls.$ref).toBe('#/components/schemas/AccountClass');
    expect(cls.enum).toContain('credit-card');
    expect(raw.components.schemas.AccountClass.required).toEqual(['type', 'product']);
  });

  it("every job example core.yml gives for getJobs fails its own oneOf; its connection jobs fit the 'job' schema", () => {
    const content = operation('core', '/jobs/{jobId}').responses['200'].content['application/json'];
    const examples = Object.entries(content.examples as Record<string, { value: unknown }>);
    expect(examples.length).toBeGreaterThan(5);
    const job = specs.core.components.schemas.job;
    for (const [name, { value }] of examples) {
      expect(violations(content.schema, value), name).toContain('/ oneOf');
      // The connection jobs (what the emulator answers) fail on oneOf alone, and fit 'job'.
      if ((value as { jobType?: string }).jobType === 'connection') {
        expect(violations(content.schema, value), name).toEqual(['/ oneOf']);
        expect(violations(job, value), name).toEqual([]);
      }
    }
    expect(
      examples.filter(([, e]) => (e.value as { jobType?: string }).jobType === 'connection').length,
    ).toBeGreaterThan(5);
  });

  it("the 401 of /institutions is Basiq's real body (fixtures/getInstitutionsUnauthorized.json)", async () => {
    const res = await get('/institutions', 'x.y.z');
    expect(res.status).toBe(401);
    expect({ ...res.body, correlationId: '<id>' }).toEqual({
      ...fixture('getInstitutionsUnauthorized'),
      correlationId: '<id>',
    });
  });
});
