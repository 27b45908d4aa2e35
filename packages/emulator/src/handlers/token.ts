import { randomUUID } from 'node:crypto';
import { basiqErrors } from '../errors.js';
import { json, mediaType, type Reply } from '../http.js';
import { isScope } from '../jwt.js';
import type { HandlerRequest, World } from '../world.js';

/** Token lifetime by default, in seconds: Basiq's 60 minutes. */
export const DEFAULT_TOKEN_LIFETIME_SEC = 3600;
/** `basiq-version` values `/token` accepts. */
export const SUPPORTED_BASIQ_VERSIONS: readonly string[] = ['2.0', '2.1', '3.0'];

const FORM = 'application/x-www-form-urlencoded';

/** A fresh API key shaped like Basiq's: base64 of `<uuid>:<uuid>`. */
export function generateApiKey(): string {
  return Buffer.from(`${randomUUID()}:${randomUUID()}`, 'utf8').toString('base64');
}

/** A credential "looks like" a Basiq key when it is base64 of `something:something`. */
function looksLikeApiKey(credential: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credential)) return false;
  return Buffer.from(credential, 'base64').toString('utf8').includes(':');
}

/** `POST /token`, checked in the order of the README's table (the rate limit sits in front of all). */
export async function postToken(request: HandlerRequest, world: World): Promise<Reply> {
  const wait = world.rate.admit();
  if (wait !== undefined) {
    world.counters.rateLimited++;
    const error = basiqErrors.tooManyRequests();
    if (world.rateRetryAfter) error.headers = { 'retry-after': String(Math.ceil(wait / 1000)) };
    return error;
  }

  const { authorization } = request.headers;
  if (authorization === undefined || authorization.trim() === '') return basiqErrors.authorizationMissing();
  const basic = /^Basic +(\S+) *$/i.exec(authorization);
  if (!basic) return basiqErrors.authorizationInvalid();

  const version = request.headers['basiq-version'];
  const versionText = (Array.isArray(version) ? version.join(', ') : (version ?? '')).trim();
  if (versionText === '') return basiqErrors.versionMissing();
  if (!SUPPORTED_BASIQ_VERSIONS.includes(versionText)) return basiqErrors.versionInvalid();

  const credential = basic[1] ?? '';
  const applicationId = world.apiKeys.applicationOf(credential);
  if (applicationId === undefined) {
    // A re-encoded key no longer decodes to `id:secret`: Basiq's docs say that gives a 400.
    return looksLikeApiKey(credential) ? basiqErrors.apiKeyNotFound() : basiqErrors.authorizationInvalid();
  }

  if (mediaType(request.headers['content-type']) !== FORM) return basiqErrors.tokenContentType();
  const form = new URLSearchParams(request.body.toString('utf8'));
  const scope = form.get('scope');
  if (scope === null || scope === '') return basiqErrors.scopeMissing();
  if (!isScope(scope)) return basiqErrors.scopeInvalid();
  const userId = form.get('userId') ?? '';
  if (scope === 'CLIENT_ACCESS' && userId === '') return basiqErrors.userIdMissing();

  const lifetime = world.tokenLifetimeSec;
  const token = await world.tokens.issue(
    scope,
    scope === 'CLIENT_ACCESS' ? userId : undefined,
    versionText,
    lifetime,
    applicationId,
  );
  if (scope === 'SERVER_ACCESS') world.counters.serverTokens++;
  else world.counters.clientTokens++;
  return json(
    200,
    { access_token: token, expires_in: lifetime, token_type: 'Bearer' },
    { 'cache-control': 'no-store' },
  );
}
