/**
 * docs/faults.md states what each fault does; the matrix tests check exactly the rows in
 * matrix.ts. This file makes sure the two are the same rows, cell for cell.
 * To update the doc after changing the data: `npx tsx test/faults/print-doc-tables.ts --write`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULT_HEADER, faultCells, optionCells, readTable } from './doc-table.js';
import { FAULT_ROWS } from './matrix.js';

const doc = readFileSync(new URL('../../docs/faults.md', import.meta.url), 'utf8');

describe('docs/faults.md', () => {
  it('has the fault table the matrix runs, row for row', () => {
    const [header, ...rows] = readTable(doc, 'fault-matrix');
    expect(header).toEqual(FAULT_HEADER);
    expect(rows.map((cells) => cells[0])).toEqual(FAULT_ROWS.map((row) => `\`${row.id}\``));
    for (const [i, row] of FAULT_ROWS.entries()) expect(rows[i], row.id).toEqual(faultCells(row));
  });

  it('states the options the matrix runs with', () => {
    expect(readTable(doc, 'matrix-options')).toEqual(optionCells());
  });

  it('has row ids that are unique', () => {
    expect(new Set(FAULT_ROWS.map((row) => row.id)).size).toBe(FAULT_ROWS.length);
  });
});
