/**
 * Prints the tables of docs/faults.md from the matrix's data, to paste between the markers after
 * changing a row: `npx tsx test/faults/print-doc-tables.ts` (then `npx prettier --write docs/faults.md`).
 */
import { FAULT_HEADER, faultCells, optionCells, renderTable } from './doc-table.js';
import { FAULT_ROWS } from './matrix.js';

console.log('<!-- matrix-options:start -->\n');
console.log(renderTable(optionCells()));
console.log('\n<!-- matrix-options:end -->\n');
console.log('<!-- fault-matrix:start -->\n');
console.log(renderTable([FAULT_HEADER, ...FAULT_ROWS.map(faultCells)]));
console.log('\n<!-- fault-matrix:end -->');
