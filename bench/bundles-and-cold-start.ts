import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { buildApp } from '../infra/build-app.js';
import { BUNDLING_CONTEXT } from '../infra/bundling.js';
import { bundleHandler, projectRoot } from '../infra/constructs/app-function.js';
import { ensureTable, startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { localStageContext } from '../infra/local/local-assembly.js';
import { SEED_DIRECTORY } from '../infra/local/seed.js';
import { LOCAL_REGION, type LocalTemplate, readTemplate } from '../infra/local/template.js';
import { directorySnapshotSchema } from '../shared/directory/directory.js';
import { loadDirectory } from '../shared/store/dynamodb-directory.js';
import { httpEvent } from '../test/fixtures/http-events.js';

/**
 * Issue 8, items 1–2: how big each Lambda bundle is, and how long a cold start takes to serve a
 * first invocation, against a reference handler bundled the same way (bench/reference-handler.ts).
 *
 * A cold start is a fresh Node process (no shared module cache, no compile cache) that imports
 * the bundle CDK produced, with the function's template environment, and invokes it once against
 * DynamoDB Local; it is timed from spawn to the invocation's result. Runs go round-robin over the
 * functions, one process at a time, so drift on a busy machine spreads over every function alike.
 */

/** How a function's first invocation was served: an HTTP response, or a task that returned or threw (not at load). */
export type ServedAs = { kind: 'response'; statusCode: number } | { kind: 'returned' } | { kind: 'threw'; error: string };

export interface FunctionBench {
  logicalId: string;
  description: string;
  /** What every cold start loads: `index.mjs` of the asset and the chunks it imports statically (minified; source maps not counted). */
  bundleBytes: number;
  gzipBytes: number;
  /** The asset's other chunks: code loaded only when the handler first imports it (exceljs, nodemailer, SDK clients). */
  chunkBytes: number;
  coldStartMedianMs: number;
  /** `coldStartMedianMs` over the reference handler's (which makes one DynamoDB call). */
  coldStartRatio: number;
  /** How many requests the first invocation sent to DynamoDB (0: it answered before reaching the table, e.g. a 400). */
  dynamoCalls: number;
  /**
   * `coldStartMedianMs` over the reference that did alike: the GetItem one if this function called
   * DynamoDB, the one rejected by zod before any call if it did not. The fairer of the two ratios.
   */
  coldStartRatioToAlike: number;
  /** What the first cold invocation did, so a 500 or a task failing on the minimal event is visible. */
  served: ServedAs;
}

export interface BundlesAndColdStarts {
  reference: { bundleBytes: number; gzipBytes: number; chunkBytes: number; coldStartMedianMs: number; rejectedColdStartMedianMs: number };
  functions: FunctionBench[];
}

/**
 * Measures every function of the synthesized template. Throws, after cleaning up and after every
 * function was tried, if any bundle fails to load cold, crashes, times out, or (HTTP functions)
 * answers with something that is not an HTTP response — naming each such function.
 */
export async function benchBundlesAndColdStarts(options: { runs: number; log: (line: string) => void }): Promise<BundlesAndColdStarts> {
  const { runs, log } = options;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, got ${runs}`);

  const workDir = await mkdtemp(join(tmpdir(), 'bench-cold-start-'));
  // Inside the project, as the local runtime does: the bundles leave @aws-sdk/* to node_modules.
  const outdir = join(projectRoot, '.synth', `bench-${process.pid}-${Date.now()}`);
  const children = new Set<ChildProcess>();
  const cleanups: (() => Promise<void>)[] = [() => rm(workDir, { recursive: true, force: true }), () => rm(outdir, { recursive: true, force: true })];
  try {
    let started = performance.now();
    const { template, descriptions } = synthesize(outdir);
    log(`synthesized ${template.functions.length} functions in ${seconds(started)}`);

    const referenceBundle = bundleReference(join(outdir, 'bench-reference'));
    const subjects: Subject[] = [
      {
        logicalId: 'Reference',
        description: 'bench/reference-handler.ts: zod + one GetItem',
        bundleFile: referenceBundle,
        exportName: 'handler',
        // What AppFunction gives every function, and the table it reads.
        environment: { NODE_OPTIONS: '--enable-source-maps', TABLE_NAME: template.table.logicalId },
        timeoutMs: 10_000,
        event: httpEvent({ routeKey: 'GET /requests/{id}', sub: BENCH_CALLER, pathParameters: { id: 'bench-missing' } }),
        http: true,
      },
      {
        logicalId: 'ReferenceRejected',
        description: 'bench/reference-handler.ts: rejected by zod, no DynamoDB call',
        bundleFile: referenceBundle,
        exportName: 'handler',
        environment: { NODE_OPTIONS: '--enable-source-maps', TABLE_NAME: template.table.logicalId },
        timeoutMs: 10_000,
        event: httpEvent({ routeKey: 'GET /requests/{id}', sub: BENCH_CALLER, pathParameters: {} }),
        http: true,
      },
      ...functionSubjects(template, outdir, descriptions),
    ];
    const sized = await Promise.all(subjects.map(async (subject) => ({ subject, ...(await bundleSize(subject.bundleFile)) })));
    log(`measured ${subjects.length} bundles`);

    started = performance.now();
    const dynamo = await startDynamoDbLocal({ dataDir: workDir, port: await freePort() });
    cleanups.push(dynamo.stop);
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanups.push(async () => client.destroy());
    await ensureTable(client, template.table);
    const snapshot = directorySnapshotSchema.parse(JSON.parse(await readFile(SEED_DIRECTORY, 'utf8')));
    await loadDirectory(DynamoDBDocumentClient.from(client), template.table.logicalId, snapshot);
    log(`DynamoDB Local ready with ${snapshot.people.length} people in ${seconds(started)}`);

    const local = { email: join(workDir, 'outbox', 'email'), slack: join(workDir, 'outbox', 'slack'), reports: join(workDir, 'reports') };
    await Promise.all(Object.values(local).map((dir) => mkdir(dir, { recursive: true })));
    const overrides: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // Nothing a benchmark runs may reach AWS: the other clients the functions build are pointed at a closed port.
      ...Object.fromEntries(['SFN', 'S3', 'SESV2', 'SECRETS_MANAGER'].map((service) => [`AWS_ENDPOINT_URL_${service}`, 'http://127.0.0.1:9'])),
      MAIL_TRANSPORT: 'outbox',
      OUTBOX_DIR: local.email,
      CHAT_TRANSPORT: 'outbox',
      CHAT_OUTBOX_DIR: local.slack,
      REPORT_STORE: 'files',
      REPORTS_DIR: local.reports,
      SLACK_SIGNING_SECRET: 'x',
      CLOCK: 'system',
    };

    const timings = new Map<string, number[]>(subjects.map((subject) => [subject.logicalId, []]));
    const served = new Map<string, ServedAs>();
    const dynamoCalls = new Map<string, number>();
    const failures = new Map<string, string>();
    for (let run = 1; run <= runs; run++) {
      started = performance.now();
      for (const subject of subjects) {
        if (failures.has(subject.logicalId)) continue;
        const result = await coldStart(subject, overrides, children);
        const outcome = 'failure' in result ? result.failure : servedAs(subject, result.report);
        if ('failure' in result || typeof outcome === 'string') {
          failures.set(subject.logicalId, `run ${run}: ${String(outcome)}`);
          log(`${subject.logicalId} FAILED (run ${run}): ${String(outcome)}`);
          continue;
        }
        timings.get(subject.logicalId)?.push(result.ms);
        if (!served.has(subject.logicalId)) served.set(subject.logicalId, outcome);
        if (!dynamoCalls.has(subject.logicalId)) dynamoCalls.set(subject.logicalId, result.report.dynamoCalls);
      }
      log(`run ${run}/${runs}: ${subjects.length} cold starts in ${seconds(started)}`);
    }
    if (failures.size > 0) {
      throw new Error(
        `cold start failed for ${failures.size} of ${subjects.length} bundles:\n${[...failures].map(([id, why]) => `  ${id}: ${why}`).join('\n')}`,
      );
    }

    const medianOf = (logicalId: string) => median(timings.get(logicalId) ?? []);
    const [reference, rejected, ...functions] = sized.map((entry) => ({ ...entry, coldStartMedianMs: medianOf(entry.subject.logicalId) }));
    if (!reference || !rejected) throw new Error('no reference handler');
    const servedOf = (logicalId: string): ServedAs => {
      const outcome = served.get(logicalId);
      if (!outcome) throw new Error(`${logicalId}: no cold start recorded`);
      return outcome;
    };
    const callsOf = (logicalId: string) => dynamoCalls.get(logicalId) ?? 0;
    // The two baselines must have done what they stand for, or every "alike" ratio is wrong.
    if (callsOf(reference.subject.logicalId) !== 1 || callsOf(rejected.subject.logicalId) !== 0) {
      throw new Error(
        `reference handlers made ${callsOf(reference.subject.logicalId)} and ${callsOf(rejected.subject.logicalId)} DynamoDB calls (expected 1 and 0)`,
      );
    }
    return {
      reference: {
        bundleBytes: reference.bundleBytes,
        gzipBytes: reference.gzipBytes,
        chunkBytes: reference.chunkBytes,
        coldStartMedianMs: reference.coldStartMedianMs,
        rejectedColdStartMedianMs: rejected.coldStartMedianMs,
      },
      functions: functions.map(({ subject, ...measured }) => {
        const calls = callsOf(subject.logicalId);
        return {
          logicalId: subject.logicalId,
          description: subject.description,
          ...measured,
          coldStartRatio: measured.coldStartMedianMs / reference.coldStartMedianMs,
          dynamoCalls: calls,
          coldStartRatioToAlike: measured.coldStartMedianMs / (calls > 0 ? reference.coldStartMedianMs : rejected.coldStartMedianMs),
          served: servedOf(subject.logicalId),
        };
      }),
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}

/** The employee the HTTP events act as (in the seed directory). */
const BENCH_CALLER = 'E1034';

/** Path parameter values for the routes' first invocations: well-formed, naming nothing that exists. */
const PATH_VALUES: Record<string, string> = { from: '2026-11-24', month: '2026-10', file: 'totals.csv' };
const MISSING = 'bench-missing';

const HANDLER = /^(?<file>[^.]+)\.(?<exportName>.+)$/;

interface Subject {
  logicalId: string;
  description: string;
  bundleFile: string;
  exportName: string;
  environment: Record<string, string>;
  timeoutMs: number;
  event: unknown;
  /** Invoked through an HTTP API route: only an HTTP response counts as served. */
  http: boolean;
}

const descriptionsSchema = z.object({
  Resources: z.record(
    z.string(),
    // Only functions' descriptions are read; another resource's may be an intrinsic (the event archive's).
    z.object({ Type: z.string(), Properties: z.object({ Description: z.unknown().optional() }).loose().optional() }).loose(),
  ),
});

/** The app as `npm start` synthesizes it (runtime.ts), with its functions' descriptions, which readTemplate leaves out. */
function synthesize(outdir: string): { template: LocalTemplate; descriptions: Map<string, string> } {
  // Bundled as `cdk deploy` bundles them (each function alone), not as the local runtime does (shared chunks).
  const { app, stack } = buildApp({ outdir, context: { ...localStageContext('http://127.0.0.1:3000'), [BUNDLING_CONTEXT]: 'per-function' } });
  const raw: unknown = app.synth().getStackByName(stack.stackName).template;
  const descriptions = new Map(
    Object.entries(descriptionsSchema.parse(raw).Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([logicalId, resource]) => [logicalId, String(resource.Properties?.Description ?? '')] as const),
  );
  return { template: readTemplate(raw), descriptions };
}

function functionSubjects(template: LocalTemplate, outdir: string, descriptions: Map<string, string>): Subject[] {
  return template.functions.map((fn): Subject => {
    const handler = HANDLER.exec(fn.handler)?.groups;
    if (!handler?.['file'] || !handler['exportName']) throw new Error(`${fn.logicalId}: unsupported handler ${fn.handler}`);
    const route = template.routes.find((candidate) => candidate.functionArn === fn.arn);
    const input = template.schedules.flatMap((schedule) => schedule.targets).find((target) => target.functionArn === fn.arn)?.input;
    return {
      logicalId: fn.logicalId,
      description: descriptions.get(fn.logicalId) ?? '',
      bundleFile: join(outdir, fn.assetPath, `${handler['file']}.mjs`),
      exportName: handler['exportName'],
      environment: fn.environment,
      timeoutMs: fn.timeoutSeconds * 1000,
      event: route ? routeEvent(route.method, route.path) : (input ?? {}),
      http: route !== undefined,
    };
  });
}

function routeEvent(method: string, path: string): unknown {
  const names = [...path.matchAll(/\{(?<name>[^}+]+)\+?\}/g)].map((match) => match.groups?.['name'] ?? '');
  return httpEvent({
    routeKey: `${method} ${path}`,
    sub: BENCH_CALLER,
    pathParameters: Object.fromEntries(names.map((name) => [name, PATH_VALUES[name] ?? MISSING])),
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
  });
}

/** Bundles bench/reference-handler.ts exactly as every function is bundled, so its cold start is comparable. */
function bundleReference(dir: string): string {
  bundleHandler('bench/reference-handler.ts', dir);
  return join(dir, 'index.mjs');
}

async function bundleSize(bundleFile: string): Promise<{ bundleBytes: number; gzipBytes: number; chunkBytes: number }> {
  // What a cold start loads: `index.mjs` and the chunks it imports statically, transitively (the
  // handlers are built together, so shared code sits in chunks); the rest is imported on first use.
  const dir = dirname(bundleFile);
  const loaded = new Map<string, Buffer>();
  const visit = async (file: string) => {
    if (loaded.has(file)) return;
    const bytes = await readFile(join(dir, file));
    loaded.set(file, bytes);
    const from = dirname(join(dir, file));
    for (const match of bytes.toString('utf8').matchAll(/(?:from|import)\s*["'](\.\.?\/[^"'\s]+\.mjs)["']/g)) {
      await visit(relative(dir, join(from, match[1] ?? '')));
    }
  };
  await visit('index.mjs');
  const all = (await readdir(dir, { recursive: true })).filter((name) => name.endsWith('.mjs'));
  const onFirstUse = await Promise.all(all.filter((name) => !loaded.has(name)).map(async (name) => (await stat(join(dir, name))).size));
  const atStart = Buffer.concat([...loaded.values()]);
  return { bundleBytes: atStart.length, gzipBytes: gzipSync(atStart).length, chunkBytes: onFirstUse.reduce((sum, size) => sum + size, 0) };
}

/**
 * The child: imports the bundle, invokes its handler once, and answers on fd 3 (stdout and stderr
 * are the function's logs). A failure to import or a missing export is a load failure, told apart
 * from an invocation that threw. It exits at once: open keep-alive sockets must not hold it.
 */
const CHILD = `
import { writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
const [url, exportName, eventJson, timeoutMs] = process.argv.slice(1);
// Requests the invocation sent to DynamoDB: a first call's cost (SDK set-up, connection) is part of a cold start.
const dynamoHost = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB).host;
let dynamoCalls = 0;
diagnostics.subscribe('http.client.request.start', ({ request }) => { if (request.getHeader('host') === dynamoHost) dynamoCalls += 1; });
const answer = (report) => { writeSync(3, JSON.stringify({ ...report, dynamoCalls }) + '\\n'); process.exit(0); };
const describe = (error) => (error instanceof Error ? error.name + ': ' + error.message : String(error)).replace(/\\s+/g, ' ').slice(0, 300);
let handler;
try {
  handler = (await import(url))[exportName];
} catch (error) {
  answer({ outcome: 'load-failed', error: describe(error) });
}
if (typeof handler !== 'function') answer({ outcome: 'load-failed', error: exportName + ' is not an exported function' });
const deadline = Date.now() + Number(timeoutMs);
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
const context = {
  awsRequestId: randomUUID(),
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:' + functionName,
  memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/' + functionName,
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
try {
  const result = await handler(JSON.parse(eventJson), context);
  const statusCode = result !== null && typeof result === 'object' && typeof result.statusCode === 'number' ? result.statusCode : undefined;
  answer({ outcome: 'returned', statusCode });
} catch (error) {
  answer({ outcome: 'threw', error: describe(error) });
}
`;

const childReportSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('load-failed'), error: z.string(), dynamoCalls: z.number() }),
  z.object({ outcome: z.literal('returned'), statusCode: z.number().optional(), dynamoCalls: z.number() }),
  z.object({ outcome: z.literal('threw'), error: z.string(), dynamoCalls: z.number() }),
]);
type ChildReport = z.infer<typeof childReportSchema>;

/** Served, or why not (a string). */
function servedAs(subject: Subject, report: ChildReport): ServedAs | string {
  if (report.outcome === 'load-failed') return `module load failed: ${report.error}`;
  if (subject.http) {
    if (report.outcome === 'returned' && report.statusCode !== undefined) return { kind: 'response', statusCode: report.statusCode };
    return `not an HTTP response: ${report.outcome === 'threw' ? `threw ${report.error}` : 'returned no statusCode'}`;
  }
  return report.outcome === 'threw' ? { kind: 'threw', error: report.error } : { kind: 'returned' };
}

/** Grace beyond the function's own timeout for process start-up and module load. */
const SPAWN_GRACE_MS = 15_000;

async function coldStart(
  subject: Subject,
  overrides: Record<string, string>,
  children: Set<ChildProcess>,
): Promise<{ ms: number; report: ChildReport } | { failure: string }> {
  const started = performance.now();
  // Only the function's environment: nothing of this process's (NODE_OPTIONS, NODE_COMPILE_CACHE) leaks in.
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '--eval',
      CHILD,
      pathToFileURL(subject.bundleFile).href,
      subject.exportName,
      JSON.stringify(subject.event),
      String(subject.timeoutMs),
    ],
    {
      cwd: projectRoot,
      env: { ...subject.environment, ...overrides, AWS_LAMBDA_FUNCTION_NAME: subject.logicalId },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let answer = '';
  let answeredMs: number | undefined;
  child.stdio[3]?.on('data', (chunk: Buffer) => {
    answer += chunk.toString();
    if (answeredMs === undefined && answer.includes('\n')) answeredMs = performance.now() - started;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), subject.timeoutMs + SPAWN_GRACE_MS);
  const exit = await new Promise<string>((done) => {
    child.once('error', (error) => done(`spawn failed: ${error.message}`));
    child.once('close', (code, signal) =>
      done(signal === 'SIGKILL' ? `no answer within ${subject.timeoutMs + SPAWN_GRACE_MS} ms` : `exited with ${signal ?? code}`),
    );
  });
  clearTimeout(timer);
  children.delete(child);
  if (answeredMs === undefined) return { failure: `${exit} before answering; output: ${output.trim().slice(-600) || '(none)'}` };
  const report = childReportSchema.safeParse(parseJson(answer));
  if (!report.success) return { failure: `unreadable answer ${answer.trim()}` };
  return { ms: answeredMs, report: report.data };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', done);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}
