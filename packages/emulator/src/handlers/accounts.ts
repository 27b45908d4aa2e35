import { accountBody } from '../bank-bodies.js';
import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { applyFilter, type FilterFields } from '../filter.js';
import { json, type Reply } from '../http.js';
import { SEED_CONNECTION_ID, SEED_INSTITUTION_ID, type SeedAccount } from '../seed.js';
import type { HandlerRequest, World } from '../world.js';

/** data.yml: "account.id, connection.id, institution.id, only eq and ne". */
const ACCOUNT_FILTERS: FilterFields<SeedAccount> = {
  'account.id': { ops: ['eq', 'ne'], get: (a) => a.id },
  'connection.id': { ops: ['eq', 'ne'], get: () => SEED_CONNECTION_ID },
  'institution.id': { ops: ['eq', 'ne'], get: () => SEED_INSTITUTION_ID },
};

/** `GET /users/{userId}/accounts` (SERVER_ACCESS only). */
export async function listAccounts(request: HandlerRequest, world: World): Promise<Reply> {
  const userId = request.params.userId ?? '';
  const denied = await refuse(request, world, { userId });
  if (denied) return denied;
  if (!world.users.get(userId)) return basiqErrors.userNotFound();
  const filter = request.query.get('filter');
  const accounts = applyFilter(world.bank.accountsOf(userId), filter, ACCOUNT_FILTERS);
  if (!accounts) return basiqErrors.invalidFilter();
  const self = new URL(`${world.url}/users/${encodeURIComponent(userId)}/accounts`);
  if (filter) self.searchParams.set('filter', filter);
  return json(200, {
    type: 'list',
    count: accounts.length,
    data: accounts.map((a) => accountBody(userId, a, world.url)),
    links: { self: self.href },
  });
}
