import { consentBody } from '../bank-bodies.js';
import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { json, type Reply } from '../http.js';
import type { HandlerRequest, World } from '../world.js';

/** `GET /users/{userId}/consents`: a CLIENT_ACCESS token may read its own user's. */
export async function listConsents(request: HandlerRequest, world: World): Promise<Reply> {
  const userId = request.params.userId ?? '';
  const denied = await refuse(request, world, { userId, client: true });
  if (denied) return denied;
  if (!world.users.get(userId)) return basiqErrors.userNotFound();
  const consents = world.bank.consentsOf(userId);
  return json(200, {
    type: 'list',
    size: consents.length,
    data: consents.map((c) => consentBody(c, world.url)),
    links: { self: `${world.url}/users/${encodeURIComponent(userId)}/consents` },
  });
}
