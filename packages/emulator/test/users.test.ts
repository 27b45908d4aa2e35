import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_USER_ID, startEmulator, type BasiqEmulator } from '../src/index.js';
import {
  UUID,
  call,
  clientToken,
  createUser,
  expectLikeFixture,
  fixture,
  getUser,
  serverToken,
} from './helpers.js';

let emu: BasiqEmulator;
let server: string;
beforeAll(async () => {
  emu = await startEmulator();
  server = await serverToken(emu);
});
afterAll(() => emu.stop());

describe('GET /users/{userId}', () => {
  it('answers the seeded user like fixtures/getUser.json, with links at the emulator', async () => {
    const res = await getUser(emu, SEED_USER_ID, server);
    expect(res.status).toBe(200);
    const reference = JSON.parse(
      JSON.stringify(fixture('getUser')).replaceAll('https://au-api.basiq.io', emu.url),
    );
    expect(res.body).toMatchObject(reference);
    // core.yml's UserGetResponse also requires these three.
    expect(res.body).toMatchObject({ firstName: '', middleName: '', lastName: '' });
  });

  it('404 like fixtures/userNotFound.json for an unknown id', async () => {
    const res = await getUser(emu, 'a5a5a5a5-0000-4000-8000-000000000000', server);
    expect(res.status).toBe(404);
    expectLikeFixture(res.body, 'userNotFound', expect);
  });

  it('can start without the seeded user', async () => {
    const bare = await startEmulator({ seedUsers: false });
    try {
      const res = await getUser(bare, SEED_USER_ID, await serverToken(bare));
      expect(res.status).toBe(404);
    } finally {
      await bare.stop();
    }
  });
});

describe("Basiq's documented data-endpoint errors (bearer token checks)", () => {
  it('403 {"message":"Missing Authentication Token"} without a token', async () => {
    for (const res of [
      await getUser(emu, SEED_USER_ID),
      await createUser(emu, undefined, { email: 'a@b.co' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: 'Missing Authentication Token' });
    }
  });

  it('401 like fixtures/getInstitutionsUnauthorized.json for a malformed or forged token', async () => {
    const other = await startEmulator();
    const foreign = await serverToken(other); // signed with another emulator's secret
    await other.stop();
    const [h, p] = server.split('.');
    const claims = { ...decodeJwt(server), scope: 'SERVER_ACCESS', userId: 'x' };
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${server.split('.')[2]}`;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    const wrongKey = await new SignJWT({ scope: 'SERVER_ACCESS' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new Uint8Array(32));
    for (const authorization of [
      'Bearer not-a-jwt',
      `Bearer ${foreign}`,
      `Bearer ${tampered}`,
      `Bearer ${none}`,
      `Bearer ${wrongKey}`,
      `Basic ${emu.apiKey}`,
      'Bearer',
    ]) {
      const res = await getUser(emu, SEED_USER_ID, undefined, authorization);
      expect(res.status, authorization).toBe(401);
      expectLikeFixture(res.body, 'getInstitutionsUnauthorized', expect);
    }
  });

  it('403 like fixtures/getUserForbidden.json for a token revoked as expired; 401 for one revoked as invalid', async () => {
    const a = await serverToken(emu);
    const b = await serverToken(emu);
    emu.revoke(a);
    emu.revoke(b, 'invalid');
    const expired = await getUser(emu, SEED_USER_ID, a);
    expect(expired.status).toBe(403);
    expectLikeFixture(expired.body, 'getUserForbidden', expect);
    const invalid = await getUser(emu, SEED_USER_ID, b);
    expect(invalid.status).toBe(401);
    expectLikeFixture(invalid.body, 'getInstitutionsUnauthorized', expect);
  });

  it('403 forbidden-access for a CLIENT_ACCESS token on POST /users', async () => {
    const res = await createUser(emu, await clientToken(emu, SEED_USER_ID), { email: 'a@b.co' });
    expect(res.status).toBe(403);
    expect(res.body.data[0]).toMatchObject({
      type: 'error',
      code: 'forbidden-access',
      detail: 'Access to this resource is forbidden',
    });
  });

  it("401 unauthorized-access for a CLIENT_ACCESS token on another user's id, 403 forbidden-access on its own", async () => {
    const token = await clientToken(emu, SEED_USER_ID);
    const other = await getUser(emu, '11111111-2222-4333-8444-555555555555', token);
    expect(other.status).toBe(401);
    expect(other.body.data[0]).toMatchObject({
      code: 'unauthorized-access',
      detail: 'You are not authorized to access this resource',
    });
    const own = await getUser(emu, SEED_USER_ID, token);
    expect(own.status).toBe(403);
    expect(own.body.data[0]).toMatchObject({ code: 'forbidden-access' });
  });
});

describe('POST /users', () => {
  it('201 like fixtures/postUser.json, with a new uuid and a self link at the emulator', async () => {
    const res = await createUser(emu, server, { email: 'gavin1224@hooli.com', mobile: '+61410888999' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(fixture('postUser')).sort());
    expect(res.body).toMatchObject({ type: 'user', email: 'gavin1224@hooli.com', mobile: '+61410888999' });
    expect(res.body.id).toMatch(UUID);
    expect(res.body.links).toEqual({ self: `${emu.url}/users/${res.body.id}` });

    const read = await getUser(emu, res.body.id, server);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: res.body.id,
      email: 'gavin1224@hooli.com',
      mobile: '+61410888999',
      accounts: { type: 'list', count: 0, data: [] },
      connections: { type: 'list', count: 0, data: [] },
      links: { self: res.body.links.self, auth_link: null },
    });
  });

  it('takes email or mobile alone, and echoes the names', async () => {
    const email = await createUser(emu, server, {
      email: 'only@hooli.com',
      firstName: 'Gavin',
      lastName: 'Belson',
    });
    expect(email.status).toBe(201);
    expect(email.body).toMatchObject({
      email: 'only@hooli.com',
      mobile: '',
      firstName: 'Gavin',
      lastName: 'Belson',
    });
    const read = await getUser(emu, email.body.id, server);
    expect(read.body).toMatchObject({
      firstName: 'Gavin',
      middleName: '',
      lastName: 'Belson',
      name: 'Gavin Belson',
    });
    const mobile = await createUser(emu, server, { mobile: '+61410888666' });
    expect(mobile.status).toBe(201);
    expect(mobile.body.email).toBeUndefined();
  });

  it('400 exactly like fixtures/createUserBadRequest.json without email and mobile', async () => {
    for (const body of [{}, { firstName: 'Gavin' }, { email: '', mobile: '  ' }]) {
      const res = await createUser(emu, server, body);
      expect(res.status).toBe(400);
      expectLikeFixture(res.body, 'createUserBadRequest', expect);
    }
  });

  it('400 for malformed values, bad JSON, a non-object body or a non-JSON content type', async () => {
    const cases: Array<[unknown, string]> = [
      [{ email: 'not-an-email' }, 'parameter-not-valid'],
      [{ mobile: 'call me' }, 'parameter-not-valid'],
      [{ email: 42 }, 'parameter-not-valid'],
      ['{"email": ', 'invalid-content'],
      ['', 'invalid-content'],
      ['[1,2]', 'invalid-content'],
      ['null', 'invalid-content'],
    ];
    for (const [body, code] of cases) {
      const res = await createUser(emu, server, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.data[0].code).toBe(code);
    }
    const form = await call(`${emu.url}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a@b.co',
    });
    expect(form.status).toBe(400);
  });

  it('413 for a body over 1 MiB, and keeps serving', async () => {
    const big = JSON.stringify({ email: 'a@b.co', pad: 'x'.repeat(1024 * 1024) });
    const res = await createUser(emu, server, big);
    expect(res.status).toBe(413);
    expect(res.body.type).toBe('list');
    expect((await getUser(emu, SEED_USER_ID, server)).status).toBe(200);
  });

  it('createUser() adds a user the API then serves', async () => {
    const { id } = emu.createUser({ email: 'direct@hooli.com', firstName: 'Direct' });
    const res = await getUser(emu, id, server);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, email: 'direct@hooli.com', firstName: 'Direct' });
  });
});

describe('other routes', () => {
  it('404 Basiq-style for unknown routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', `/users/${SEED_USER_ID}`],
      ['GET', '/users'],
      ['GET', '/'],
    ] as const) {
      const res = await call(`${emu.url}${path}`, { method, headers: { authorization: `Bearer ${server}` } });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toMatchObject({ type: 'list', data: [{ type: 'error', code: 'resource-not-found' }] });
    }
  });

  it('survives garbage: odd paths and bad encodings', async () => {
    const res = await call(`${emu.url}/users/%E0%A4%A`, { headers: { authorization: `Bearer ${server}` } });
    expect(res.status).toBe(404);
    const odd = await call(`${emu.url}//users//x?%%%`);
    expect(odd.status).toBe(404);
    expect((await getUser(emu, SEED_USER_ID, server)).status).toBe(200);
  });
});
