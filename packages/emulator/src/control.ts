import { json, MAX_BODY_BYTES, type ReadBody, type Reply } from './http.js';
import { validateFault } from './faults.js';
import type { AddApiKeyOptions } from './api-keys.js';
import type { BasiqEmulator, CreateUserFields, RevocationKind } from './types.js';

/** Path prefix of the control API. */
export const CONTROL_PREFIX = '/__emulator';

type ControlHandler = (emulator: BasiqEmulator, parse: () => unknown) => Reply;

const OK: Reply = { status: 200, body: { ok: true } };

/** The control API: the library's controls over HTTP, for code under test in another process. */
const CONTROL_ROUTES: Record<string, ControlHandler> = {
  'GET /counters': (emu) => json(200, emu.counters),
  'POST /faults': (emu, parse) => {
    const input = parse();
    const checked = (Array.isArray(input) ? input : [input]).map(validateFault);
    // Validated first, so a bad fault in a list queues none of them.
    for (const fault of checked) emu.injectFault(fault);
    return json(200, { ok: true, queued: checked.length });
  },
  'DELETE /faults': (emu) => {
    emu.clearFaults();
    return OK;
  },
  'POST /revoke': (emu, parse) => {
    const input = parse() as { token?: unknown; all?: unknown; as?: unknown };
    if (input.all === true) emu.revokeAll(input.as as RevocationKind | undefined);
    else if (typeof input.token === 'string') emu.revoke(input.token, input.as as RevocationKind | undefined);
    else throw new TypeError('Send {"token": "…", "as"?: …} or {"all": true, "as"?: …}');
    return OK;
  },
  'POST /reset': (emu) => {
    emu.resetCounters();
    return OK;
  },
  'POST /token-lifetime': (emu, parse) => {
    emu.setTokenLifetime((parse() as { seconds?: unknown }).seconds as number);
    return OK;
  },
  'GET /tokens': (emu) => json(200, emu.issuedTokens()),
  'POST /users': (emu, parse) => {
    const input = parse();
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new TypeError('Send a JSON object of user fields');
    }
    return json(200, emu.createUser(input as CreateUserFields));
  },
  'POST /consent-redirect-url': (emu, parse) => {
    const { url } = parse() as { url?: unknown };
    if (url !== null && typeof url !== 'string') throw new TypeError('Send {"url": "…"} or {"url": null}');
    emu.setConsentRedirectUrl(url ?? undefined);
    return OK;
  },
  'POST /job-pending-reads': (emu, parse) => {
    emu.setJobPendingReads((parse() as { reads?: unknown }).reads as number);
    return OK;
  },
  'GET /info': (emu) =>
    json(200, { url: emu.url, port: emu.port, apiKey: emu.apiKey, applicationId: emu.applicationId }),
  'POST /api-keys': (emu, parse) => json(200, emu.addApiKey(parse() as AddApiKeyOptions)),
  'POST /api-keys/revoke': (emu, parse) => {
    emu.revokeApiKey((parse() as { apiKey?: unknown }).apiKey as string);
    return OK;
  },
};

export function handleControl(emulator: BasiqEmulator, method: string, path: string, body: ReadBody): Reply {
  const key = `${method} ${path.slice(CONTROL_PREFIX.length)}`;
  const handler = Object.hasOwn(CONTROL_ROUTES, key) ? CONTROL_ROUTES[key] : undefined;
  const parse = (): unknown => {
    const text = body.buffer.toString('utf8').trim();
    return text === '' ? {} : JSON.parse(text);
  };
  try {
    if (body.tooLarge) throw new TypeError(`Control request body over ${MAX_BODY_BYTES} bytes`);
    if (!handler) return json(404, { error: `No control route ${method} ${path}` });
    return handler(emulator, parse);
  } catch (err) {
    return json(400, { error: err instanceof Error ? err.message : String(err) });
  }
}
