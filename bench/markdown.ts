import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BundlesAndColdStarts } from './bundles-and-cold-start.js';
import type { DocumentRoundTrip, KindCost, PRICES, RouteLatency } from './flows.js';
import type { MonthlyTotalsResult, VehicleContentionResult } from './scale.js';

/** What one `npm run bench` writes to bench/results/<time>.json. */
export interface BenchResults {
  machine: { cores: number; cpu?: string; memoryGb: number; node: string };
  date: string;
  quick: boolean;
  prices: typeof PRICES;
  bundlesAndColdStarts: BundlesAndColdStarts;
  routes: RouteLatency[];
  /** Absent in runs before documents existed. */
  documents?: DocumentRoundTrip;
  kinds: KindCost[];
  monthlyTotals: MonthlyTotalsResult[];
  vehicleContention: VehicleContentionResult;
  developerLoop: Record<string, number | null>;
  /** The output of each developer-loop command that failed (its time is then null). */
  developerLoopFailures?: Record<string, string>;
  benchSeconds: number;
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const kb = (bytes: number) => fixed(bytes / 1024);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

const servedLabel = (served: BundlesAndColdStarts['functions'][number]['served']) =>
  served.kind === 'response' ? String(served.statusCode) : served.kind === 'returned' ? 'returned' : `threw ${served.error.split(':')[0] ?? ''}`;

function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The results as the README's "Benchmarks" tables. Written beside the JSON by `npm run bench`, and
 * `npm run bench:markdown -- bench/results/<file>.json` renders an earlier run again, so the
 * README's table is always a run's output, never typed in by hand.
 */
export function renderMarkdown(results: BenchResults, previous?: PreviousRun): string {
  const { machine, bundlesAndColdStarts: cold, routes, documents, kinds, monthlyTotals, vehicleContention: race, developerLoop, prices } = results;
  const ratios = cold.functions.map((fn) => fn.coldStartRatio);
  const sections: string[] = [];

  sections.push(
    `Run of ${results.date.slice(0, 10)} on ${machine.cores} cores (${machine.cpu ?? 'unknown CPU'}), ${machine.memoryGb} GiB, Node ${machine.node}` +
      `${results.quick ? ', **quick mode** (fewer samples, smaller scales)' : ''}; the whole run took ${Math.round(results.benchSeconds / 60)} min.`,
  );

  const alike = cold.functions.map((fn) => fn.coldStartRatioToAlike);
  sections.push(
    `**1–2. Bundles and cold starts.** Reference handler (zod + one GetItem): ${kb(cold.reference.bundleBytes)} KB minified, ` +
      `${kb(cold.reference.gzipBytes)} KB gzip, cold start ${fixed(cold.reference.coldStartMedianMs, 0)} ms ` +
      `(${fixed(cold.reference.rejectedColdStartMedianMs, 0)} ms when zod rejects the event and no GetItem is made). ` +
      `Across the ${cold.functions.length} functions the cold-start ratio to it is ${fixed(Math.min(...ratios), 2)}–${fixed(Math.max(...ratios), 2)} ` +
      `(median ${fixed(median(ratios), 2)}); to the reference that did alike (a DynamoDB call or none), ${fixed(Math.min(...alike), 2)}–${fixed(Math.max(...alike), 2)} ` +
      `(median ${fixed(median(alike), 2)}).\n\n<details><summary>Every function</summary>\n\n` +
      table(
        [
          'function',
          'index.mjs KB',
          'gzip KB',
          'chunks KB',
          'first answer',
          'DynamoDB calls',
          'cold ms (median)',
          '× reference',
          '× reference alike',
        ],
        [...cold.functions]
          .sort((a, b) => b.coldStartRatio - a.coldStartRatio)
          .map((fn) => [
            fn.description.replaceAll('|', '\\|'),
            kb(fn.bundleBytes),
            kb(fn.gzipBytes),
            kb(fn.chunkBytes),
            servedLabel(fn.served),
            fn.dynamoCalls,
            fixed(fn.coldStartMedianMs, 0),
            fixed(fn.coldStartRatio, 2),
            fixed(fn.coldStartRatioToAlike, 2),
          ]),
      ) +
      '\n\n</details>',
  );

  sections.push(
    '**3. Warm latency through the local runtime.**\n\n' +
      table(
        ['route', 'samples', 'p50 ms', 'p99 ms', 'DynamoDB share'],
        routes.map((row) => [`\`${row.route}\``, row.samples, fixed(row.p50Ms), fixed(row.p99Ms), `${Math.round(row.dynamoShare * 100)} %`]),
      ),
  );

  if (documents) {
    sections.push(
      '**3b. A document’s round trip** (p50 ms, local runtime and its S3 server): declared, uploaded with the presigned URL, bound by a submission, opened.\n\n' +
        table(
          ['samples', 'POST /attachments', 'PUT (presigned)', 'POST /requests binding it', 'GET …/attachments/{id} (303)', 'GET (presigned)'],
          [
            [
              documents.samples,
              fixed(documents.declareP50Ms),
              fixed(documents.putP50Ms),
              fixed(documents.submitP50Ms),
              fixed(documents.redirectP50Ms),
              fixed(documents.downloadP50Ms),
            ],
          ],
        ),
    );
  }

  sections.push(
    '**4. One request over its whole line** (real state machine definitions; floor = one transition per human decision).\n\n' +
      table(
        [
          'kind',
          'decisions',
          'transitions',
          '× floor',
          'Lambda invocations',
          'RRU',
          'WRU (Local reports)',
          'WRU (AWS bills)',
          'USD / 1,000 requests',
          'of which Step Functions',
          'of which DynamoDB',
        ],
        kinds.map((row) => [
          row.kind,
          fixed(row.decisionsPerRequest),
          fixed(row.transitionsPerRequest),
          fixed(row.transitionsPerRequest / row.transitionFloor, 2),
          fixed(row.lambdaInvocationsPerRequest),
          fixed(row.readUnitsPerRequest),
          fixed(row.writeUnitsPerRequest),
          row.awsWriteUnitsPerRequest === undefined ? '-' : fixed(row.awsWriteUnitsPerRequest),
          fixed(row.usdPer1000Requests.total, 3),
          fixed(row.usdPer1000Requests.stepFunctions, 3),
          fixed(row.usdPer1000Requests.dynamoDb, 3),
        ]),
      ) +
      `\n\nPrices (USD, Seoul): Step Functions Standard ${prices.stepFunctionsPer1000Transitions} per 1,000 transitions; Lambda ` +
      `${prices.lambdaPerMillionRequests} per million requests and ${prices.lambdaPerGbSecondArm64} per GB-second (arm64, ${prices.lambdaMemoryGb * 1024} MB); ` +
      `DynamoDB on-demand ${prices.dynamoPerMillionWriteUnits} per million WRU (AWS's count) and ${prices.dynamoPerMillionReadUnits} per million RRU (${prices.source}).`,
  );

  const first = monthlyTotals[0];
  const last = monthlyTotals.at(-1);
  sections.push(
    "**5. Reading a month's totals** with N requests in that month (each size in its own month of one growing table).\n\n" +
      table(
        [
          'requests',
          'filled via save / bulk',
          'maintained RRU',
          'maintained p50 ms',
          'naive scan RRU',
          'naive p50 ms',
          'audit page RRU (items)',
          'audit p50 ms',
        ],
        monthlyTotals.map((row) => [
          row.size.toLocaleString('en'),
          row.fill ? `${row.fill.viaSave.toLocaleString('en')} / ${row.fill.bulkLoaded.toLocaleString('en')}` : '-',
          fixed(row.maintained.readUnits),
          fixed(row.maintained.p50Ms),
          fixed(row.naive.readUnits),
          fixed(row.naive.p50Ms),
          row.audit ? `${fixed(row.audit.readUnits)} (${row.audit.items})` : '-',
          row.audit ? fixed(row.audit.p50Ms) : '-',
        ]),
      ) +
      "\n\nThe audit page is an auditor's first page (50) of one day's decisions, through the month-keyed index of numbered requests." +
      (first && last && last !== first
        ? `\n\nRatio ${last.size.toLocaleString('en')} / ${first.size.toLocaleString('en')}: maintained read units ×${fixed(last.maintained.readUnits / first.maintained.readUnits, 2)}, ` +
          `latency ×${fixed(last.maintained.p50Ms / first.maintained.p50Ms, 2)}; naive scan read units ×${fixed(last.naive.readUnits / first.naive.readUnits, 2)}, ` +
          `latency ×${fixed(last.naive.p50Ms / first.naive.p50Ms, 2)}` +
          (last.audit && first.audit ? `; audit page read units ×${fixed(last.audit.readUnits / first.audit.readUnits, 2)}.` : '.')
        : ''),
  );

  const calm = race.uncontended;
  sections.push(
    '**6. Vehicle contention** (concurrent dispatch decisions for the same hours, only a few vehicles free; the baseline is the same decisions at once, each naming a vehicle of its own).\n\n' +
      table(
        ['run', 'racers', 'free vehicles', 'successes', 'overlaps found', 'p50 ms', 'p99 ms', 'conflicts retried'],
        [
          ['contended', race.racers, race.vehicles, race.successes, race.overlaps, fixed(race.p50Ms, 0), fixed(race.p99Ms, 0), race.conflictsRetried],
          ...(calm
            ? [
                [
                  'uncontended (baseline)',
                  race.racers,
                  race.racers,
                  calm.successes,
                  '-',
                  fixed(calm.p50Ms, 0),
                  fixed(calm.p99Ms, 0),
                  calm.conflictsRetried,
                ],
              ]
            : []),
        ],
      ) +
      (calm ? `\n\nContended / uncontended: p50 ×${fixed(race.p50Ms / calm.p50Ms, 2)}, p99 ×${fixed(race.p99Ms / calm.p99Ms, 2)}.` : ''),
  );

  // Beside the run before it, so a change's effect on the loop reads off one table.
  const loopNames = [...new Set([...Object.keys(developerLoop), ...Object.keys(previous?.results.developerLoop ?? {})])];
  const loopRow = (run: BenchResults, label: string) => [
    label,
    ...loopNames.map((name) => {
      const value = run.developerLoop[name];
      if (value === undefined) return '-';
      return value !== null ? fixed(value) : run.developerLoopFailures?.[name] ? 'failed' : 'not timed';
    }),
  ];
  sections.push(
    '**7. Developer loop.**\n\n' +
      table(['run', ...loopNames], [loopRow(results, 'this run'), ...(previous ? [loopRow(previous.results, `before: ${previous.name}`)] : [])]),
  );
  return `${sections.join('\n\n')}\n`;
}

export interface PreviousRun {
  /** Its file name without `.json`: the time it started. */
  name: string;
  results: BenchResults;
}

/** The run kept in `dir` just before the one named `name` (results are named by the time they started), if any. */
export async function previousRun(dir: string, name: string): Promise<PreviousRun | undefined> {
  const earlier = (await readdir(dir).catch(() => []))
    .filter((file) => file.endsWith('.json') && file.slice(0, -'.json'.length) < name)
    .sort()
    .at(-1);
  if (earlier === undefined) return undefined;
  return { name: earlier.slice(0, -'.json'.length), results: JSON.parse(await readFile(join(dir, earlier), 'utf8')) as BenchResults };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run bench:markdown -- bench/results/<file>.json');
    process.exit(2);
  }
  const previous = await previousRun(dirname(file), basename(file, '.json'));
  process.stdout.write(renderMarkdown(JSON.parse(await readFile(file, 'utf8')) as BenchResults, previous));
}
