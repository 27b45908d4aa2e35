import { institutionBody } from '../bank-bodies.js';
import { refuse } from '../bearer.js';
import { json, type Reply } from '../http.js';
import { SEED_INSTITUTIONS } from '../seed.js';
import type { HandlerRequest, World } from '../world.js';

/** `GET /institutions` (SERVER_ACCESS only). */
export async function listInstitutions(request: HandlerRequest, world: World): Promise<Reply> {
  const denied = await refuse(request, world);
  if (denied) return denied;
  return json(200, {
    type: 'list',
    totalCount: SEED_INSTITUTIONS.length,
    data: SEED_INSTITUTIONS.map((i) => institutionBody(i, world.url)),
    links: { self: `${world.url}/institutions` },
  });
}
