import { performance } from 'node:perf_hooks';
import * as z from 'zod';
import { benchMonthlyTotals, benchVehicleContention } from './scale.js';

/**
 * Runs both scale benchmarks and prints what they found.
 *
 *   npx tsx bench/scale.run.ts                          # a quick trial: 1,000 and 5,000 requests; 40 racers for 4 vehicles
 *   npx tsx bench/scale.run.ts 1000,10000,100000 200 10 # issue 8's sizes
 */
const args = z
  .tuple([
    z
      .string()
      .regex(/^\d+(,\d+)*$/, { error: 'sizes: comma-separated counts, e.g. 1000,10000,100000' })
      .default('1000,5000'),
    z.coerce.number().int().positive().default(40),
    z.coerce.number().int().positive().max(999).default(4),
  ])
  .parse([process.argv[2], process.argv[3], process.argv[4]]);
const [sizes, racers, vehicles] = [args[0].split(',').map(Number), args[1], args[2]];

const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);

const totals = await benchMonthlyTotals({ sizes, log });
console.table(
  totals.map(({ size, maintained, naive, audit }) => ({
    requests: size,
    'maintained RU': maintained.readUnits,
    'maintained p50 ms': Number(maintained.p50Ms.toFixed(1)),
    'naive RU': naive.readUnits,
    'naive p50 ms': Number(naive.p50Ms.toFixed(1)),
    'audit page RU': audit?.readUnits,
    'audit items': audit?.items,
  })),
);
const contentionStarted = performance.now();
const contention = await benchVehicleContention({ racers, vehicles, log });
console.table([{ ...contention, p50Ms: Number(contention.p50Ms.toFixed(1)), p99Ms: Number(contention.p99Ms.toFixed(1)) }]);
log(
  `monthly totals took ${((contentionStarted - started) / 1000).toFixed(1)} s, vehicle contention ${((performance.now() - contentionStarted) / 1000).toFixed(1)} s`,
);
