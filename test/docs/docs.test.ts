// Guards the user documentation against drift from the code: the options and errors tables of
// the root README against core's sources and behaviour, core's README against the client's API
// and events, import lines in snippets against the packages' exports, and every relative link
// and npm script named against the repository.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as core from '@basiq-token/core';
import { OPTION_DEFAULTS, resolveOptions } from '../../packages/core/src/options.js';
import { isRetryableTokenError } from '../../packages/core/src/token-endpoint.js';
import { codeBlocks, codeSpans, headingAnchors, linkTargets, section, tables } from './markdown.js';
import type { Table } from './markdown.js';
import { ROOT, errorCodes, eventNames, optionPaths, packageExports } from './source-model.js';

const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');
const README = read('README.md');
const CORE_README = read('packages/core/README.md');

/** The rows of the tables in `text` whose first cell is one code span, keyed by it. */
function keyedRows(text: string): Map<string, { table: Table; row: string[] }> {
  const rows = new Map<string, { table: Table; row: string[] }>();
  for (const table of tables(text)) {
    for (const row of table.rows) {
      const m = /^`([^`]+)`$/.exec(row[0] ?? '');
      if (!m) continue;
      if (rows.has(m[1]!)) throw new Error(`\`${m[1]}\` is listed twice`);
      rows.set(m[1]!, { table, row });
    }
  }
  return rows;
}

function cell(entry: { table: Table; row: string[] }, column: string): string {
  const index = entry.table.header.findIndex((h) => h.toLowerCase().includes(column));
  if (index < 0) throw new Error(`no "${column}" column in a table with ${entry.table.header.join(', ')}`);
  return entry.row[index] ?? '';
}

function valueAt(object: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], object);
}

/** Paths of the primitive values in `object` (functions and empty values left out). */
function primitiveLeaves(object: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(object).flatMap(([key, value]) => {
    if (value !== null && typeof value === 'object') {
      return primitiveLeaves(value as Record<string, unknown>, `${prefix}${key}.`);
    }
    return ['string', 'number', 'boolean'].includes(typeof value) ? [`${prefix}${key}`] : [];
  });
}

describe('README options reference', () => {
  const documented = keyedRows(section(README, 'Options'));
  const declared = optionPaths();

  it('lists exactly the option paths of BasiqOptions', () => {
    expect(declared.length).toBeGreaterThan(10);
    expect([...documented.keys()].sort()).toEqual(declared.map((o) => o.path).sort());
  });

  it('gives each option its declared type, a default (or "required") and a meaning', () => {
    for (const option of declared) {
      const entry = documented.get(option.path)!;
      expect(codeSpans(cell(entry, 'type'))[0], `type of ${option.path}`).toBe(option.type);
      const defaultCell = cell(entry, 'default');
      if (option.optional) expect(defaultCell, `default of ${option.path}`).not.toMatch(/^required$|^$/);
      else expect(defaultCell, `default of ${option.path}`).toBe('required');
      expect(cell(entry, 'meaning').length, `meaning of ${option.path}`).toBeGreaterThan(20);
    }
  });

  it('states the defaults resolveOptions() fills in', () => {
    const resolved = resolveOptions({ apiKey: 'docs-test-key' }) as unknown as Record<string, unknown>;
    const leaves = primitiveLeaves(resolved).filter((path) => path !== 'apiKey');
    expect(leaves.length).toBeGreaterThan(10);
    for (const path of leaves) {
      const entry = documented.get(path);
      expect(entry, `${path} has a default but is not documented`).toBeDefined();
      const stated = codeSpans(cell(entry!, 'default'))[0];
      const actual = valueAt(resolved, path);
      const shown = typeof actual === 'number' ? stated?.replace(/_/g, '') : stated;
      expect(shown, `default of ${path}`).toBe(String(actual));
    }
  });
});

describe("options' doc comments (types.ts)", () => {
  const declared = new Map(optionPaths().map((o) => [o.path, o]));
  const defaults = primitiveLeaves(OPTION_DEFAULTS as unknown as Record<string, unknown>);

  it('state the default of OPTION_DEFAULTS, the table resolveOptions() fills in from', () => {
    expect(defaults.length).toBeGreaterThan(10);
    for (const path of defaults) {
      const doc = declared.get(path)?.doc ?? '';
      // "(default 5,000)", "(default 300,000 = 5 min)", "(default `3.0`)", "(default off)".
      const stated = /\bdefault `?([^`\s)=]+)/.exec(doc)?.[1]?.replace(/[,.;:]$/, '');
      expect(stated, `${path}'s doc comment states no default`).toBeDefined();
      const actual = valueAt(OPTION_DEFAULTS, path);
      const shown =
        typeof actual === 'number' ? stated!.replace(/,/g, '') : stated === 'off' ? 'false' : stated;
      expect(shown, `default of ${path} in its doc comment`).toBe(String(actual));
    }
  });

  it('are what resolveOptions() fills in', () => {
    const resolved = resolveOptions({ apiKey: 'docs-test-key' });
    for (const path of defaults) {
      expect(valueAt(resolved, path), path).toBe(valueAt(OPTION_DEFAULTS, path));
    }
  });
});

/** An instance of the documented class carrying `code`, as the library would throw it. */
function instanceOf(className: string, code: string, retryAfterMs?: number): core.BasiqError {
  const init = retryAfterMs === undefined ? {} : { retryAfterMs };
  switch (className) {
    case 'BasiqConfigError':
      return new core.BasiqConfigError('docs test', { ...init, code: code as 'invalid_options' });
    case 'BasiqInputError':
      return new core.BasiqInputError('docs test', code as 'invalid_user_id');
    case 'BasiqRateLimitError':
      return new core.BasiqRateLimitError('docs test', { ...init, code: code as 'basiq_rate_limited' });
    case 'BasiqApiError':
      return new core.BasiqApiError(500, { data: [{ code: 'internal-server-error' }] }, init);
    case 'BasiqTokenError':
      return new core.BasiqTokenError(code as core.BasiqErrorCode, 'docs test', init);
    case 'BasiqError':
      return new core.BasiqError(code as core.BasiqErrorCode, 'docs test', init);
    default:
      throw new Error(`unknown error class ${className}`);
  }
}

describe('README errors reference', () => {
  const documented = keyedRows(section(README, 'Errors'));
  const codes = errorCodes();

  it('lists every BasiqErrorCode, and nothing else', () => {
    expect(codes.length).toBeGreaterThan(10);
    expect([...documented.keys()].sort()).toEqual([...codes].sort());
  });

  it.each(codes)('%s: class, route status, Retry-After and retries as the code behaves', (code) => {
    const entry = documented.get(code)!;
    const className = codeSpans(cell(entry, 'class'))[0]!;
    const error = instanceOf(className, code);
    expect(error.code, `${className} carries ${code}`).toBe(code);
    expect(error).toBeInstanceOf(core.BasiqError);

    const answer = core.errorResponse(error);
    const routeCell = cell(entry, 'route');
    expect(Number(/\b([1-5]\d\d)\b/.exec(routeCell)?.[1]), `status for ${code}`).toBe(answer.status);
    const bodyCode = (answer.body as core.ErrorBody).error.code;
    if (bodyCode !== code) expect(routeCell, `public code for ${code}`).toContain(`\`${bodyCode}\``);

    // "+ `Retry-After`" means always; "(+ `Retry-After` when …)" only when the wait is known.
    const mentioned = routeCell.includes('Retry-After');
    const conditional = /\(\s*\+\s*`Retry-After`/.test(routeCell);
    const known = core.errorResponse(instanceOf(className, code, 5_000));
    expect('Retry-After' in known.headers, `Retry-After for ${code} when known`).toBe(mentioned);
    expect('Retry-After' in answer.headers, `Retry-After for ${code} when unknown`).toBe(
      mentioned && !conditional,
    );

    expect(cell(entry, 'retried').startsWith('yes'), `retried for ${code}`).toBe(
      isRetryableTokenError(error),
    );
  });
});

describe('core README', () => {
  it('documents every event of BasiqEvents, and nothing else', () => {
    const documented = keyedRows(section(CORE_README, 'API'));
    const events = [...documented.keys()].filter((key) => key.includes(':'));
    expect(events.sort()).toEqual(eventNames().sort());
  });

  it('names only real client members and core exports in its API headings', async () => {
    const client = core.createBasiqClient({ apiKey: 'docs-test-key', logger: false });
    try {
      const api = section(CORE_README, 'API');
      const headings = api.split('\n').filter((line) => line.startsWith('### '));
      expect(headings.length).toBeGreaterThan(8);
      let members = 0;
      for (const heading of headings) {
        const spans = codeSpans(heading);
        const onClient = spans.some((s) => s.startsWith('basiq.'));
        // A heading may name the subpath entry its export comes from: (`@basiq-token/core/axios`).
        const entry = spans.map((s) => /^@basiq-token\/(core\/[\w-]+)$/.exec(s)?.[1]).find(Boolean);
        const exports = packageExports(entry ?? 'core');
        for (const span of spans) {
          const name = /^(?:basiq\.)?([A-Za-z_$][\w$]*)/.exec(span)?.[1];
          if (!name || (span.includes('.') && !span.startsWith('basiq.'))) continue; // util.inspect(basiq)
          if (onClient) {
            expect(name in client, `BasiqClient has ${name} (${heading})`).toBe(true);
            members++;
          } else {
            expect(exports.has(name), `core exports ${name} (${heading})`).toBe(true);
          }
        }
      }
      expect(members).toBeGreaterThan(8);
    } finally {
      await client.close();
    }
  });
});

const MARKDOWN_FILES = ['README.md', 'packages/core/README.md', 'packages/redis/README.md', 'CHANGELOG.md'];

describe('snippets', () => {
  it.each(MARKDOWN_FILES)('%s imports only names the packages export', (file) => {
    const blocks = codeBlocks(read(file), ['ts', 'typescript', 'js']);
    let checked = 0;
    for (const block of blocks) {
      for (const m of block.matchAll(
        /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@basiq-token\/([\w-]+(?:\/[\w-]+)?)'/g,
      )) {
        const exports = packageExports(m[2]!);
        for (const raw of m[1]!.split(',')) {
          const name = raw
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]!;
          if (!name) continue;
          expect(exports.has(name), `${file}: @basiq-token/${m[2]} exports ${name}`).toBe(true);
          checked++;
        }
      }
    }
    if (file !== 'CHANGELOG.md') expect(checked, `${file} has import lines to check`).toBeGreaterThan(0);
  });

  it('names only npm scripts that exist', () => {
    const scriptsOf = (dir: string) =>
      (JSON.parse(read(`${dir}/package.json`)) as { scripts?: Record<string, string> }).scripts ?? {};
    let checked = 0;
    for (const file of MARKDOWN_FILES) {
      for (const m of read(file).matchAll(/npm (?:run ([\w:-]+)|(start|test))(?: -w ([\w/.-]+))?/g)) {
        const script = m[1] ?? m[2]!;
        const workspace = m[3] ?? '.';
        expect(scriptsOf(workspace), `${file}: script "${script}" in ${workspace}`).toHaveProperty([script]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});

describe('links', () => {
  it.each(MARKDOWN_FILES)('every relative link in %s points at something that exists', (file) => {
    const from = dirname(resolve(ROOT, file));
    const targets = linkTargets(read(file)).filter((t) => !/^[a-z][a-z+.-]*:/i.test(t));
    if (file === 'README.md') expect(targets.length).toBeGreaterThan(15);
    for (const target of targets) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file2 = path === '' ? resolve(ROOT, file) : resolve(from, decodeURIComponent(path));
      const shown = relative(ROOT, file2) || '.';
      expect(existsSync(file2), `${file} links to ${target}: ${shown} does not exist`).toBe(true);
      if (anchor && file2.endsWith('.md')) {
        expect(
          headingAnchors(readFileSync(file2, 'utf8')).has(anchor),
          `${file} links to ${target}: no such heading`,
        ).toBe(true);
      }
    }
  });
});
