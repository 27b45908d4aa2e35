import { transactionBody } from '../bank-bodies.js';
import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { json, type Reply } from '../http.js';
import type { HandlerRequest, World } from '../world.js';

/** `GET /users/{userId}/transactions/{transactionId}` (SERVER_ACCESS only): where each transaction's `links.self` points. */
export async function getTransaction(request: HandlerRequest, world: World): Promise<Reply> {
  const userId = request.params.userId ?? '';
  const denied = await refuse(request, world, { userId });
  if (denied) return denied;
  if (!world.users.get(userId)) return basiqErrors.userNotFound();
  const transaction = world.bank.transactionsOf(userId).find((t) => t.id === request.params.transactionId);
  if (!transaction) return basiqErrors.transactionNotFound();
  return json(200, transactionBody(userId, transaction, world.url));
}
