import { accountBody } from '../bank-bodies.js';
import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { json, type Reply } from '../http.js';
import type { HandlerRequest, World } from '../world.js';

/** `GET /users/{userId}/accounts/{accountId}` (SERVER_ACCESS only). */
export async function getAccount(request: HandlerRequest, world: World): Promise<Reply> {
  const userId = request.params.userId ?? '';
  const denied = await refuse(request, world, { userId });
  if (denied) return denied;
  if (!world.users.get(userId)) return basiqErrors.userNotFound();
  const account = world.bank.accountsOf(userId).find((a) => a.id === request.params.accountId);
  if (!account) return basiqErrors.accountNotFound();
  return json(200, accountBody(userId, account, world.url));
}
