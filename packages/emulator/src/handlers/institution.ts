import { institutionBody } from '../bank-bodies.js';
import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { json, type Reply } from '../http.js';
import { SEED_INSTITUTIONS } from '../seed.js';
import type { HandlerRequest, World } from '../world.js';

/** `GET /institutions/{institutionId}` (SERVER_ACCESS only): where accounts' and transactions' `links.institution` point. */
export async function getInstitution(request: HandlerRequest, world: World): Promise<Reply> {
  const denied = await refuse(request, world);
  if (denied) return denied;
  const institution = SEED_INSTITUTIONS.find((i) => i.id === request.params.institutionId);
  if (!institution) return basiqErrors.institutionNotFound();
  return json(200, institutionBody(institution, world.url));
}
