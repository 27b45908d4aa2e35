import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { json, type Reply } from '../http.js';
import { getUserBody } from '../users.js';
import type { HandlerRequest, World } from '../world.js';

/** `GET /users/{userId}` (SERVER_ACCESS only). */
export async function getUser(request: HandlerRequest, world: World): Promise<Reply> {
  const userId = request.params.userId ?? '';
  const denied = await refuse(request, world, { userId });
  if (denied) return denied;
  const user = world.users.get(userId);
  if (!user) return basiqErrors.userNotFound();
  return json(200, getUserBody(user, world.url));
}
