import { transactionBody } from '../bank-bodies.js';
import { refuse } from '../bearer.js';
import { basiqErrors } from '../errors.js';
import { applyFilter, type FilterFields } from '../filter.js';
import { json, type Reply } from '../http.js';
import { SEED_INSTITUTION_ID, type SeedTransaction } from '../seed.js';
import type { HandlerRequest, World } from '../world.js';

/** data.yml: at most 500 per page, and 500 when `limit` is not given. */
export const MAX_TRANSACTIONS_PAGE = 500;

/** data.yml: "account.id, transaction.postDate, transaction.status, institution.id, transaction.direction, transaction.class". */
const TRANSACTION_FILTERS: FilterFields<SeedTransaction> = {
  'account.id': { ops: ['eq', 'ne', 'in'], get: (t) => t.accountId },
  'institution.id': { ops: ['eq', 'ne', 'in'], get: () => SEED_INSTITUTION_ID },
  'transaction.postDate': {
    ops: ['eq', 'gt', 'gteq', 'lt', 'lteq', 'bt'],
    get: (t) => (t.status === 'pending' ? '' : t.date),
  },
  'transaction.status': { ops: ['eq', 'ne', 'in'], get: (t) => t.status },
  'transaction.direction': { ops: ['eq', 'ne'], get: (t) => t.direction },
  'transaction.class': { ops: ['eq', 'ne', 'in'], get: (t) => t.class },
};

/** The `next` cursor: where the next page starts, opaque to clients as Basiq's is. */
const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): number | undefined {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** `GET /users/{userId}/transactions` (SERVER_ACCESS only): newest first, `limit`, `filter`, `links.next`. */
export async function listTransactions(request: HandlerRequest, world: World): Promise<Reply> {
  const userId = request.params.userId ?? '';
  const denied = await refuse(request, world, { userId });
  if (denied) return denied;
  if (!world.users.get(userId)) return basiqErrors.userNotFound();

  const { query } = request;
  const limitText = query.get('limit');
  const limit = limitText === null ? MAX_TRANSACTIONS_PAGE : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '500') || limit < 1 || limit > MAX_TRANSACTIONS_PAGE) {
    return basiqErrors.queryParameterNotValid(
      'limit',
      `limit must be a whole number from 1 to ${MAX_TRANSACTIONS_PAGE}`,
    );
  }
  const cursor = query.get('next');
  const offset = cursor === null ? 0 : decodeCursor(cursor);
  if (offset === undefined)
    return basiqErrors.queryParameterNotValid('next', 'next is not a valid page cursor');
  const filter = query.get('filter');
  const matching = applyFilter(world.bank.transactionsOf(userId), filter, TRANSACTION_FILTERS);
  if (!matching) return basiqErrors.invalidFilter();

  const page = matching.slice(offset, offset + limit);
  const link = (from: number) => {
    const url = new URL(`${world.url}/users/${encodeURIComponent(userId)}/transactions`);
    if (limitText !== null) url.searchParams.set('limit', String(limit));
    if (filter) url.searchParams.set('filter', filter);
    if (from > 0) url.searchParams.set('next', encodeCursor(from));
    return url.href;
  };
  const links: Record<string, string> = { self: link(offset) };
  if (offset + limit < matching.length) links.next = link(offset + limit);
  return json(200, {
    type: 'list',
    count: page.length,
    size: matching.length,
    data: page.map((t) => transactionBody(userId, t, world.url)),
    links,
  });
}
