/**
 * Renders the tables of docs/faults.md from the matrix's data. After changing a row:
 * `npx tsx test/faults/print-doc-tables.ts --write` rewrites them in place between their markers
 * (without `--write` it prints them).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FAULT_HEADER, faultCells, optionCells, renderTable } from './doc-table.js';
import { FAULT_ROWS } from './matrix.js';

const tables: Record<string, string> = {
  'matrix-options': renderTable(optionCells()),
  'fault-matrix': renderTable([FAULT_HEADER, ...FAULT_ROWS.map(faultCells)]),
};

if (process.argv.includes('--write')) {
  const file = new URL('../../docs/faults.md', import.meta.url);
  let doc = readFileSync(file, 'utf8');
  for (const [name, table] of Object.entries(tables)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = doc.indexOf(start);
    const to = doc.indexOf(end);
    if (from === -1 || to < from) throw new Error(`docs/faults.md has no ${name} markers`);
    doc = `${doc.slice(0, from)}${start}\n\n${table}\n\n${doc.slice(to)}`;
  }
  writeFileSync(file, doc);
} else {
  for (const [name, table] of Object.entries(tables))
    console.log(`<!-- ${name}:start -->\n\n${table}\n\n<!-- ${name}:end -->\n`);
}
