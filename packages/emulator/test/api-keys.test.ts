import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BasiqEmulator, CONTROL_PREFIX, generateApiKey, startEmulator } from '../src/index.js';
import { UUID, call, getUser, postToken } from './helpers.js';

const withKey = (apiKey: string) => ({ headers: { authorization: `Basic ${apiKey}` } });

describe('several API keys', () => {
  let emu: BasiqEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  it('names the application of the key it started with', async () => {
    expect(emu.applicationId).toBe(Buffer.from(emu.apiKey, 'base64').toString('utf8').split(':')[0]);
    const res = await postToken(emu);
    expect(decodeJwt(res.body.access_token).applicationid).toBe(emu.applicationId);
  });

  it('accepts another application, whose tokens carry its own application id', async () => {
    const other = emu.addApiKey();
    expect(other.apiKey).not.toBe(emu.apiKey);
    expect(other.applicationId).toMatch(UUID);
    expect(other.applicationId).not.toBe(emu.applicationId);
    const res = await postToken(emu, withKey(other.apiKey));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token).applicationid).toBe(other.applicationId);
    // Both keys work side by side.
    expect((await postToken(emu)).status).toBe(200);
    // The other application's token opens the data API like any other.
    expect((await getUser(emu, 'no-such-user', res.body.access_token)).status).toBe(404);
  });

  it('rotates a key: the next key opens the same application, the old one is refused once revoked', async () => {
    const old = emu.addApiKey();
    const before = (await postToken(emu, withKey(old.apiKey))).body.access_token as string;
    const next = emu.addApiKey({ applicationId: old.applicationId });
    const fresh = await postToken(emu, withKey(next.apiKey));
    expect(decodeJwt(fresh.body.access_token).applicationid).toBe(old.applicationId);

    emu.revokeApiKey(old.apiKey);
    const refused = await postToken(emu, withKey(old.apiKey));
    expect(refused.status).toBe(404);
    expect(refused.body.data[0].detail).toBe('Unable to authenticate. Please, check your API key');
    // A token it already got stays valid until it expires.
    expect((await getUser(emu, 'no-such-user', before)).status).toBe(404);
    expect((await postToken(emu, withKey(next.apiKey))).status).toBe(200);
  });

  it('takes a given key, refuses one it knows and checks what it is given', () => {
    const apiKey = generateApiKey();
    expect(emu.addApiKey({ apiKey }).apiKey).toBe(apiKey);
    expect(() => emu.addApiKey({ apiKey })).toThrow(/already known/);
    expect(() => emu.addApiKey({ apiKey: 'has space' })).toThrow(TypeError);
    expect(() => emu.addApiKey({ applicationId: '' })).toThrow(TypeError);
    expect(() => emu.revokeApiKey(generateApiKey())).toThrow(/Unknown API key/);
  });

  it('does the same over the control API', async () => {
    const added = await call(`${emu.url}${CONTROL_PREFIX}/api-keys`, { method: 'POST', body: '{}' });
    expect(added.status).toBe(200);
    expect(added.body.applicationId).toMatch(UUID);
    expect((await postToken(emu, withKey(added.body.apiKey))).status).toBe(200);
    const revoked = await call(`${emu.url}${CONTROL_PREFIX}/api-keys/revoke`, {
      method: 'POST',
      body: JSON.stringify({ apiKey: added.body.apiKey }),
    });
    expect(revoked.status).toBe(200);
    expect((await postToken(emu, withKey(added.body.apiKey))).status).toBe(404);
    const bad = await call(`${emu.url}${CONTROL_PREFIX}/api-keys/revoke`, { method: 'POST', body: '{}' });
    expect(bad.status).toBe(400);
    const info = await call(`${emu.url}${CONTROL_PREFIX}/info`);
    expect(info.body.applicationId).toBe(emu.applicationId);
  });
});
