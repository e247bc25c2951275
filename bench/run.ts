import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime } from '../infra/local/runtime.js';
import { benchBundlesAndColdStarts } from './bundles-and-cold-start.js';
import { benchDocuments, benchKinds, benchRoutes, type DocumentRoundTrip, type KindCost, PRICES, type RouteLatency } from './flows.js';
import { type BenchResults, previousRun, renderMarkdown } from './markdown.js';
import { benchMonthlyTotals, benchVehicleContention } from './scale.js';

/**
 * `npm run bench`: the product's speed and cost, measured on this machine in one run, each figure
 * beside a baseline measured in the same run. Prints tables and writes them as JSON under
 * bench/results/. Settings: BENCH_QUICK=1 (fewer samples, smaller scales) and BENCH_SKIP_TESTS=1
 * (skip timing `npm test`, which takes minutes).
 */
const quick = process.env['BENCH_QUICK'] === '1';
const log = (line: string) => console.log(line);
const started = Date.now();
const date = new Date().toISOString();

const table = (title: string, rows: Record<string, string | number>[]) => {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const headers = Object.keys(rows[0] ?? {});
  const widths = headers.map((header) => Math.max(header.length, ...rows.map((row) => String(row[header]).length)));
  console.log(headers.map((header, i) => header.padEnd(widths[i] ?? 0)).join('  '));
  for (const row of rows) console.log(headers.map((header, i) => String(row[header]).padEnd(widths[i] ?? 0)).join('  '));
};
const fixed = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Wall time of a command (the developer loop), in seconds. */
function timeCommand(command: string, args: string[], until?: (output: string) => boolean, env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const begun = Date.now();
    const child = spawn(command, args, {
      env: { ...process.env, DATA_DIR: join(tmpdir(), `bench-start-${process.pid}`), PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let seconds: number | undefined;
    const done = (ok: boolean) => {
      if (ok) resolve((Date.now() - begun) / 1000);
      else reject(new Error(`${command} ${args.join(' ')} failed:\n${output.slice(-8000)}`));
    };
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.(output) && seconds === undefined) {
        seconds = (Date.now() - begun) / 1000;
        child.kill('SIGTERM'); // resolved once it has stopped: the next start may use the same DATA_DIR
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('exit', (code) => {
      if (!until) done(code === 0);
      else if (seconds !== undefined) resolve(seconds);
      else done(false);
    });
  });
}

// 1–2. Bundles and cold starts, against a reference handler bundled the same way.
log('1–2. bundles and cold starts');
const cold = await benchBundlesAndColdStarts({ runs: quick ? 3 : 10, log });
table(
  `Per function (cold start: median of ${quick ? 3 : 10}; reference ${fixed(cold.reference.coldStartMedianMs)} ms, ${fixed(cold.reference.rejectedColdStartMedianMs)} ms rejected before its GetItem, ${fixed(cold.reference.bundleBytes / 1024)} KB)`,
  cold.functions.map((fn) => ({
    function: fn.description,
    'min KB': fixed(fn.bundleBytes / 1024),
    'gzip KB': fixed(fn.gzipBytes / 1024),
    'chunks KB': fixed(fn.chunkBytes / 1024),
    'DynamoDB calls': fn.dynamoCalls,
    'cold ms': fixed(fn.coldStartMedianMs),
    '× ref': fixed(fn.coldStartRatio, 2),
    '× alike': fixed(fn.coldStartRatioToAlike, 2),
  })),
);

// 3–4. Through the local runtime: warm latency, and each kind's whole line metered.
log('\n3–4. local runtime: warm latency, and what each kind uses');
const dataDir = await mkdtemp(join(tmpdir(), 'bench-runtime-'));
let routes: RouteLatency[];
let kinds: KindCost[];
let documents: DocumentRoundTrip;
const runtime = await startLocalRuntime({ dataDir, port: 0, meterUsage: true, log: () => undefined });
try {
  routes = await benchRoutes(runtime, { samples: quick ? 20 : 100, log });
  table(
    'Warm latency through the local runtime',
    routes.map((row) => ({
      route: row.route,
      n: row.samples,
      'p50 ms': fixed(row.p50Ms),
      'p99 ms': fixed(row.p99Ms),
      'DynamoDB share': `${Math.round(row.dynamoShare * 100)}%`,
    })),
  );
  documents = await benchDocuments(runtime, { samples: quick ? 10 : 50, log });
  table('A document through the local runtime and its S3 (p50 ms)', [
    {
      n: documents.samples,
      'POST /attachments': fixed(documents.declareP50Ms),
      'PUT (presigned)': fixed(documents.putP50Ms),
      'POST /requests binding it': fixed(documents.submitP50Ms),
      'GET …/attachments/{id} (303)': fixed(documents.redirectP50Ms),
      'GET (presigned)': fixed(documents.downloadP50Ms),
    },
  ]);
  kinds = await benchKinds(runtime, { perKind: quick ? 2 : 5, log });
  table(
    'Per request, over its whole line (floor: one transition per human decision)',
    kinds.map((row) => ({
      kind: row.kind,
      decisions: fixed(row.decisionsPerRequest),
      transitions: fixed(row.transitionsPerRequest),
      '× floor': fixed(row.transitionsPerRequest / row.transitionFloor, 2),
      invocations: fixed(row.lambdaInvocationsPerRequest),
      RRU: fixed(row.readUnitsPerRequest),
      'WRU Local': fixed(row.writeUnitsPerRequest),
      'WRU AWS': fixed(row.awsWriteUnitsPerRequest),
      'USD/1000': fixed(row.usdPer1000Requests.total, 4),
      'SFN USD': fixed(row.usdPer1000Requests.stepFunctions, 4),
    })),
  );
} finally {
  await runtime.stop();
  await rm(dataDir, { recursive: true, force: true });
}

// 5–6. At scale, against DynamoDB Local.
log('\n5. monthly totals at scale');
const totals = await benchMonthlyTotals({ sizes: quick ? [1_000, 10_000] : [1_000, 10_000, 100_000], log });
const first = totals[0];
table(
  'Reading a month (maintained aggregates vs a naive scan-and-sum)',
  totals.map((row) => ({
    requests: row.size,
    'via save / bulk': `${row.fill.viaSave} / ${row.fill.bulkLoaded}`,
    'maintained RRU': fixed(row.maintained.readUnits),
    'maintained p50 ms': fixed(row.maintained.p50Ms),
    'naive RRU': fixed(row.naive.readUnits),
    'naive p50 ms': fixed(row.naive.p50Ms),
    'maintained ×first': first ? fixed(row.maintained.readUnits / first.maintained.readUnits, 2) : '-',
    'naive ×first': first ? fixed(row.naive.readUnits / first.naive.readUnits, 2) : '-',
    'audit page RRU': row.audit ? fixed(row.audit.readUnits) : '-',
    'audit ×first': first?.audit && row.audit ? fixed(row.audit.readUnits / first.audit.readUnits, 2) : '-',
  })),
);
log('\n6. vehicle contention');
const contention = await benchVehicleContention({ racers: quick ? 50 : 200, vehicles: quick ? 5 : 10, log });
table('Assignments racing for the last free vehicles, and the same decisions each naming its own vehicle (baseline)', [
  {
    run: 'contended',
    racers: contention.racers,
    vehicles: contention.vehicles,
    successes: contention.successes,
    overlaps: contention.overlaps,
    'p50 ms': fixed(contention.p50Ms),
    'p99 ms': fixed(contention.p99Ms),
    retried: contention.conflictsRetried,
  },
  ...(contention.uncontended
    ? [
        {
          run: 'uncontended',
          racers: contention.racers,
          vehicles: contention.racers,
          successes: contention.uncontended.successes,
          overlaps: '-',
          'p50 ms': fixed(contention.uncontended.p50Ms),
          'p99 ms': fixed(contention.uncontended.p99Ms),
          retried: contention.uncontended.conflictsRetried,
        },
      ]
    : []),
]);

// 7. The developer loop.
log('\n7. developer loop');
const loop: Record<string, number | null> = {};
// A failing command is recorded with its output, not allowed to throw away the half hour measured above.
const loopFailures: Record<string, string> = {};
const timed = async (name: string, run: () => Promise<number>) => {
  try {
    loop[name] = fixed(await run());
  } catch (error) {
    loop[name] = null;
    loopFailures[name] = (error instanceof Error ? error.message : String(error)).slice(-8000);
    log(`${name}: FAILED\n${loopFailures[name]}`);
  }
};
// npm start three ways: nothing cached (a fresh clone's first start), the synthesized app and the
// bundles cached but a new DATA_DIR (a reset), and again on the same DATA_DIR.
const startUntilReady = (env: Record<string, string>) =>
  timeCommand(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], (output) => output.includes('local runtime ready'), env);
const startDir = (name: string) => join(tmpdir(), `bench-start-${process.pid}-${name}`);
await timed('npm start, nothing cached (s)', () =>
  startUntilReady({ DATA_DIR: startDir('cold'), LOCAL_ASSEMBLY_CACHE_DIR: 'off', BUNDLE_CACHE_DIR: 'off' }),
);
await timed('npm start, new DATA_DIR (s)', async () => {
  await startUntilReady({ DATA_DIR: startDir('warm-up') }); // fills the caches if nothing did yet
  return startUntilReady({ DATA_DIR: startDir('new') });
});
await timed('npm start again on its DATA_DIR (s)', () => startUntilReady({ DATA_DIR: startDir('new') }));
for (const name of ['cold', 'warm-up', 'new']) await rm(startDir(name), { recursive: true, force: true });
await timed('cdk synth (s)', () => timeCommand('npx', ['cdk', 'synth', '--quiet']));
// The fuzz test at eight times its npm test size (FUZZ_RUNS 250): a wider net than the test budget allows.
await timed('API fuzz, 2,000 requests (s)', () =>
  timeCommand('npx', ['vitest', 'run', 'test/integration/api-fuzz.test.ts'], undefined, { FUZZ_RUNS: '2000', FUZZ_SEED: '20261127' }),
);
if (process.env['BENCH_SKIP_TESTS'] === '1') loop['npm test (s)'] = null;
else await timed('npm test (s)', () => timeCommand('npx', ['vitest', 'run']));
table('Developer loop', [Object.fromEntries(Object.entries(loop).map(([key, value]) => [key, value ?? (loopFailures[key] ? 'FAILED' : 'skipped')]))]);

const results: BenchResults = {
  machine: { cores: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  date,
  quick,
  prices: PRICES,
  bundlesAndColdStarts: cold,
  routes,
  documents,
  kinds,
  monthlyTotals: totals,
  vehicleContention: contention,
  developerLoop: loop,
  developerLoopFailures: loopFailures,
  benchSeconds: Math.round((Date.now() - started) / 1000),
};
await mkdir('bench/results', { recursive: true });
const name = date.replace(/[:.]/g, '-');
const base = join('bench/results', name);
await writeFile(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
await writeFile(`${base}.md`, renderMarkdown(results, await previousRun('bench/results', name)));
log(`\nwritten ${base}.json and .md (${results.benchSeconds} s)`);
process.exit(Object.keys(loopFailures).length > 0 ? 1 : 0);
