// Just enough GitHub-flavoured Markdown reading for the docs tests: sections, tables, code
// spans, code blocks, links and heading anchors. Fenced code is never mistaken for prose.

/** A Markdown table: its header cells and its body rows, cells trimmed and `\|` unescaped. */
export interface Table {
  header: string[];
  rows: string[][];
}

const FENCE = /^\s*(```|~~~)/;

/** The lines of `markdown`, with every line inside (and of) a fenced code block emptied. */
export function proseLines(markdown: string): string[] {
  let inFence = false;
  return markdown.split('\n').map((line) => {
    if (FENCE.test(line)) {
      inFence = !inFence;
      return '';
    }
    return inFence ? '' : line;
  });
}

function headingOf(line: string): { level: number; text: string } | undefined {
  const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
  return m ? { level: m[1]!.length, text: m[2]! } : undefined;
}

/**
 * The prose under the heading whose text is exactly `title` (any level), up to the next
 * heading of the same or a higher level. Throws when there is no such heading, so a renamed
 * section fails the test instead of making it check nothing.
 */
export function section(markdown: string, title: string): string {
  const lines = proseLines(markdown);
  const start = lines.findIndex((line) => headingOf(line)?.text === title);
  if (start < 0) throw new Error(`no heading "${title}"`);
  const level = headingOf(lines[start]!)!.level;
  const end = lines.findIndex((line, i) => {
    if (i <= start) return false;
    const h = headingOf(line);
    return h !== undefined && h.level <= level;
  });
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The cells of one table row; a pipe inside a cell must be escaped (`\|`), as GFM requires. */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && line[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (ch === '|') {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  // A row starts and ends with a pipe: drop the empty edges.
  if (line.trim().startsWith('|')) cells.shift();
  if (line.trim().endsWith('|') && !line.trim().endsWith('\\|')) cells.pop();
  return cells.map((c) => c.trim());
}

/** Every table in `text` (prose only). */
export function tables(text: string): Table[] {
  const lines = proseLines(text);
  const found: Table[] = [];
  for (let i = 0; i < lines.length; i++) {
    const isRow = (l: string | undefined) => l !== undefined && l.trim().startsWith('|');
    const separator = lines[i + 1];
    if (!isRow(lines[i]) || separator === undefined || !/^\s*\|?\s*:?-{3,}/.test(separator)) continue;
    const header = splitRow(lines[i]!);
    const rows: string[][] = [];
    let j = i + 2;
    for (; isRow(lines[j]); j++) rows.push(splitRow(lines[j]!));
    found.push({ header, rows });
    i = j - 1;
  }
  return found;
}

/** The contents of the code spans in `text`, in order. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The bodies of the fenced code blocks whose info string starts with one of `langs`. */
export function codeBlocks(markdown: string, langs: readonly string[]): string[] {
  const blocks: string[] = [];
  let current: string[] | undefined;
  let collecting = false;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*(?:```|~~~)\s*([\w-]*)/.exec(line);
    if (current === undefined) {
      if (fence) {
        current = [];
        collecting = langs.includes(fence[1]!);
      }
    } else if (fence) {
      if (collecting) blocks.push(current.join('\n'));
      current = undefined;
    } else {
      current.push(line);
    }
  }
  return blocks;
}

/** Targets of inline links and images in prose (code spans and code blocks excluded). */
export function linkTargets(markdown: string): string[] {
  const prose = proseLines(markdown)
    .join('\n')
    .replace(/`[^`\n]*`/g, (span) => span.replace(/[[\]()]/g, ' '));
  return [...prose.matchAll(/!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** The anchors GitHub gives the headings of `markdown` (`## Redis: many instances` → `redis-many-instances`). */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(markdown)) {
    const h = headingOf(line);
    if (!h) continue;
    const base = h.text
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}
