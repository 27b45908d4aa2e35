/**
 * The tables of docs/faults.md, rendered from the matrix's data, and a reader for the Markdown
 * tables in the document: `doc.test.ts` compares the two.
 */
import { MATRIX_OPTIONS, MATRIX_TOKEN_LIFETIME_SEC } from './matrix.js';
import type { AppResult, FaultRow, RouteAnswer } from './matrix.js';

/** The fault table's header. */
export const FAULT_HEADER = [
  'Row',
  'Fault',
  'Where',
  'Client-token route answers',
  'App route (`http`) gets',
  'Upstream calls',
  'Retry, cool-down',
  'Valid token still served',
];

const code = (text: string) => `\`${text}\``;

function routeAnswer(answer: RouteAnswer): string {
  if (answer.status === 200) return '200 with a client token';
  const retryAfter = answer.retryAfter === undefined ? '' : `, Retry-After: ${answer.retryAfter}`;
  return `${answer.status} ${code(answer.code ?? '')}${retryAfter}`;
}

function appResult(result: AppResult): string {
  if (result.ok) return '200';
  const thrown = result.upstream
    ? `${code('BasiqApiError')} ${result.upstream.status} ${code(result.upstream.basiqCode)}`
    : code(result.error);
  return `rejects: ${thrown}; errorResponse: ${result.answer.status} ${code(result.answer.code)}`;
}

function same(a: RouteAnswer, b: RouteAnswer): boolean {
  return a.status === b.status && a.code === b.code && a.retryAfter === b.retryAfter;
}

/** One row of the fault table, cell by cell. */
export function faultCells(row: FaultRow): string[] {
  const { clientRoute, appRoute } = row;
  const client =
    routeAnswer(clientRoute.first) +
    (same(clientRoute.first, clientRoute.next) ? '' : `; next request: ${routeAnswer(clientRoute.next)}`);
  const upstream =
    `client-token: ${clientRoute.calls} /token (next request: ${clientRoute.nextCalls}); ` +
    `app route: ${appRoute.calls.token} /token + ${appRoute.calls.users} /users`;
  const lasts = row.inject.times === Number.POSITIVE_INFINITY;
  const served = row.servedWhileValid
    ? lasts
      ? 'yes: soft and hard window'
      : 'yes: soft window'
    : 'n/a: no refresh involved';
  return [
    code(row.id),
    row.fault,
    row.where === 'token' ? code('POST /token') : code('GET /users/{userId}'),
    client,
    appResult(appRoute.result),
    upstream,
    row.recovery,
    served,
  ];
}

/** The options table: what every row runs with. */
export function optionCells(): string[][] {
  const { retry, refresh } = MATRIX_OPTIONS;
  return [
    ['Option', 'Value'],
    [code('tokenTimeoutMs'), `${MATRIX_OPTIONS.tokenTimeoutMs} (rows may shorten it)`],
    [code('requestTimeoutMs'), `${MATRIX_OPTIONS.requestTimeoutMs} (rows may shorten it)`],
    [code('retry.retries'), String(retry.retries)],
    [code('retry.minDelayMs'), String(retry.minDelayMs)],
    [code('retry.maxDelayMs'), String(retry.maxDelayMs)],
    [code('retry.maxRetryAfterMs'), String(retry.maxRetryAfterMs)],
    [code('refresh.softWindowMs'), String(refresh.softWindowMs)],
    [code('refresh.hardWindowMs'), String(refresh.hardWindowMs)],
    [code('refresh.cooldownMs'), String(refresh.cooldownMs)],
    ['token lifetime (emulator)', `${MATRIX_TOKEN_LIFETIME_SEC} s`],
  ];
}

/**
 * The table between `<!-- name:start -->` and `<!-- name:end -->` in `markdown`, as rows of
 * trimmed cells (the header first, the `---` line dropped).
 */
export function readTable(markdown: string, name: string): string[][] {
  const start = markdown.indexOf(`<!-- ${name}:start -->`);
  const end = markdown.indexOf(`<!-- ${name}:end -->`);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`docs/faults.md has no ${name} table markers`);
  return markdown
    .slice(start, end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|'))
    .filter((line) => !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

/** Renders rows of cells as a Markdown table (to write the doc; the test only compares cells). */
export function renderTable(rows: string[][]): string {
  const [header = [], ...body] = rows;
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}
