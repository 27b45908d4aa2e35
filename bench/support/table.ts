/** Whole numbers with thousands separators. */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Milliseconds with one decimal. */
export const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '-');

/**
 * Prints `rows` under `headers` as a Markdown table (so the output pastes into docs as is),
 * columns padded to their widest cell; numeric-looking cells are right-aligned.
 */
export function printTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+[%x]?$|^-$/.test(r[i] ?? '')),
  );
  const cell = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  console.log(line(headers));
  console.log(
    `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
  );
  for (const row of rows) console.log(line(row));
}
