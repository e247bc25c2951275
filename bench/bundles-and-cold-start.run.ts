import { benchBundlesAndColdStarts, type ServedAs } from './bundles-and-cold-start.js';

/** A trial of the benchmark (`npx tsx bench/bundles-and-cold-start.run.ts [runs]`), printed as a table. */
const runs = Number(process.argv[2] ?? 3);
const started = performance.now();
const log = (line: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const { reference, functions } = await benchBundlesAndColdStarts({ runs, log });
const totalSeconds = (performance.now() - started) / 1000;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const servedText = (served: ServedAs) => (served.kind === 'response' ? String(served.statusCode) : served.kind === 'returned' ? 'returned' : `threw ${served.error.slice(0, 60)}`);
const rows = [
  ['function', 'bundle KB', 'gzip KB', 'cold ms', 'ratio', 'first invocation'],
  ['(reference)', kb(reference.bundleBytes), kb(reference.gzipBytes), reference.coldStartMedianMs.toFixed(0), '1.00', ''],
  ...[...functions]
    .sort((a, b) => b.coldStartRatio - a.coldStartRatio)
    .map((fn) => [fn.logicalId, kb(fn.bundleBytes), kb(fn.gzipBytes), fn.coldStartMedianMs.toFixed(0), fn.coldStartRatio.toFixed(2), servedText(fn.served)]),
];
const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
const line = (row: string[]) => `| ${row.map((cell, column) => (column === 0 || column === 5 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
console.log(rows.map((row, index) => (index === 1 ? `${line(widths.map((width) => '-'.repeat(width)))}\n${line(row)}` : line(row))).join('\n'));
console.log(`\n${functions.length} functions, runs=${runs}, ${totalSeconds.toFixed(1)} s in all`);
