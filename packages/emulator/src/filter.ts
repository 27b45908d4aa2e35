/**
 * Basiq's `filter` query parameter: comma-separated statements such as `account.id.eq('abc')` or
 * `transaction.postDate.bt('2024-01-01','2024-03-31')`, all of which must hold.
 */
export interface FilterStatement {
  field: string;
  op: string;
  values: string[];
}

const STATEMENT = /^([a-zA-Z]+(?:\.[a-zA-Z]+)+)\.([a-z]+)\((.*)\)$/;
const VALUE = /^\s*(?:'([^']*)'|"([^"]*)")\s*$/;

/** Splits at commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** Parses a filter; undefined when it is malformed. */
export function parseFilter(text: string): FilterStatement[] | undefined {
  const statements: FilterStatement[] = [];
  for (const part of splitTopLevel(text)) {
    const match = STATEMENT.exec(part);
    if (!match) return undefined;
    const values: string[] = [];
    for (const raw of splitTopLevel(match[3] ?? '')) {
      const value = VALUE.exec(raw);
      if (!value) return undefined;
      values.push(value[1] ?? value[2] ?? '');
    }
    statements.push({ field: match[1]!, op: match[2]!, values });
  }
  return statements;
}

/** For each field an endpoint filters on: the operators it allows and how to read the field. */
export type FilterFields<T> = Record<string, { ops: readonly string[]; get: (item: T) => string }>;

function holds(value: string, op: string, args: string[]): boolean {
  const [a = '', b = ''] = args;
  switch (op) {
    case 'eq':
      return value === a;
    case 'ne':
      return value !== a;
    case 'in':
      return args.includes(value);
    case 'gt':
      return value > a;
    case 'gteq':
      return value >= a;
    case 'lt':
      return value < a;
    case 'lteq':
      return value <= a;
    case 'bt':
      return value >= a && value <= b;
    default:
      return false;
  }
}

const ARITY: Record<string, (n: number) => boolean> = {
  in: (n) => n >= 1,
  bt: (n) => n === 2,
};

/**
 * Applies a filter; `undefined` when it is malformed or uses a field or operator the endpoint does
 * not support (Basiq answers those with a 400).
 */
export function applyFilter<T>(
  items: readonly T[],
  text: string | null,
  fields: FilterFields<T>,
): T[] | undefined {
  if (text === null || text.trim() === '') return [...items];
  const statements = parseFilter(text);
  if (!statements) return undefined;
  for (const s of statements) {
    const field = Object.hasOwn(fields, s.field) ? fields[s.field] : undefined;
    if (!field || !field.ops.includes(s.op)) return undefined;
    if (!(ARITY[s.op] ?? ((n: number) => n === 1))(s.values.length)) return undefined;
  }
  return items.filter((item) => statements.every((s) => holds(fields[s.field]!.get(item), s.op, s.values)));
}
