import { basiqErrors } from './errors.js';
import type { Reply } from './http.js';
import type { TokenCheck } from './jwt.js';
import type { HandlerRequest, World } from './world.js';

/** The data endpoints' `Authorization: Bearer <token>` check. */
export function bearer(request: HandlerRequest, world: World): Promise<TokenCheck> | TokenCheck {
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization.trim() === '') {
    return { ok: false, reason: 'invalid', error: basiqErrors.missingAuthenticationToken() };
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) return { ok: false, reason: 'invalid', error: basiqErrors.invalidToken() };
  return world.tokens.check(match[1] ?? '');
}

/**
 * Who may call an endpoint besides a SERVER_ACCESS token. `userId`: the user the resource belongs to.
 * `client`: whether Basiq accepts a CLIENT_ACCESS token there at all (job status, a user's consents).
 */
export interface Access {
  userId?: string;
  client?: boolean;
}

/**
 * Checks the bearer token; answers the refusal, or undefined when the call may go on. A client token
 * is bound to one user: another user's resource is "not authorized" (401), and its own user's resource
 * on an endpoint that needs SERVER_ACCESS is the wrong scope (403).
 */
export async function refuse(
  request: HandlerRequest,
  world: World,
  access: Access = {},
): Promise<Reply | undefined> {
  const auth = await bearer(request, world);
  if (!auth.ok) return auth.error;
  if (auth.scope === 'SERVER_ACCESS') return undefined;
  if (access.userId !== undefined && auth.userId !== access.userId) return basiqErrors.unauthorizedAccess();
  return access.client ? undefined : basiqErrors.forbiddenAccess();
}
