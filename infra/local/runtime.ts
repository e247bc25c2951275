import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { installLocalClock, uninstallLocalClock } from '../../shared/adapters/local-clock.js';
import { directorySnapshotSchema } from '../../shared/directory/directory.js';
import { fleetSchema } from '../../shared/fleet/fleet.js';
import { loadDirectory } from '../../shared/store/dynamodb-directory.js';
import { loadFleet } from '../../shared/store/dynamodb-fleet-store.js';
import { bufferingBodies, makeApiGateway, NODE_MAX_HEADER_BYTES } from './api-gateway.js';
import { readClockStart, saveClockState } from './clock-state.js';
import {
  dynamoDbLocalDir,
  ensureTable,
  type SharedDynamoDbLocal,
  sharedAccessKeyOf,
  spawnDynamoDbLocal,
  waitForDynamoDbLocal,
} from './dynamodb-local.js';
import { dynamoDbFaultPlugin, faults } from './faults.js';
import { captureFunctionOutput, prettyLine } from './function-output.js';
import { makeVerifier } from './jwt-issuer.js';
import { LambdaHost } from './lambda-host.js';
import { localAssembly, localAssemblyCacheDir, localAssemblyKey, projectRoot, removeAbandonedOutdirs } from './local-assembly.js';
import { makeLocalControl } from './local-control.js';
import { freePort, setEnvironment } from './process-environment.js';
import { startLocalS3 } from './s3-local.js';
import { startScheduleRunner } from './schedule-runner.js';
import { SEED_DIRECTORY, SEED_FLEET } from './seed.js';
import { databaseFileFor, prepareSeededDatabase, seededDatabaseCacheDir } from './seeded-database.js';
import { localSlackSigningSecret } from './slack-local.js';
import { LocalStepFunctions } from './step-functions-local.js';
import { startStreamPoller } from './stream-poller.js';
import { LOCAL_REGION, readTemplate } from './template.js';
import { dynamoDbMeterPlugin } from './usage-meter.js';

export interface LocalRuntimeOptions {
  dataDir: string;
  /** API port; 0 picks a free one. */
  port: number;
  /** Local milliseconds per real millisecond (1440: a day per real minute); default 1. */
  clockSpeed?: number;
  /** Tally DynamoDB capacity (ReturnConsumedCapacity) and time per call, for benchmarks. */
  meterUsage?: boolean;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /**
   * What to print for each line the functions log (Powertools JSON, EMF metrics), all of which are
   * also kept in `$DATA_DIR/logs/functions.jsonl`; undefined prints nothing. Default: the line as
   * it is, or readable (prettyLine) when stdout is a terminal.
   */
  functionLog?: (line: string) => string | undefined;
  /** A DynamoDB Local already running for several runtimes (the integration tests'); default: one of its own in DATA_DIR. */
  dynamoDb?: SharedDynamoDbLocal;
}

export interface LocalRuntime {
  apiUrl: string;
  dataDir: string;
  /** Where emails, Slack messages and domain events go (one file each). */
  outbox: { email: string; slack: string; events: string };
  /** Resolves once every change committed so far has had its domain events published (the stream read to its end). */
  eventsPublished(): Promise<void>;
  /** The template's buckets, served by a local S3 (s3-local.ts) from `directory`. */
  s3: { endpoint: string; directory: string };
  people: number;
  vehicles: number;
  clockSpeed: number;
  stop(): Promise<void>;
}

const consoleLog: NonNullable<LocalRuntimeOptions['log']> = (level, message, fields) =>
  (level === 'error' ? console.error : console.log)(JSON.stringify({ level, message, ...fields }));

/**
 * The whole backend on one machine: the CDK app synthesized in-process, DynamoDB Local, the
 * bundled functions, the state machines in-process, and the HTTP API with its JWT authorizer.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? consoleLog;
  const dataDir = resolve(options.dataDir);
  const outbox = { email: join(dataDir, 'outbox', 'email'), slack: join(dataDir, 'outbox', 'slack'), events: join(dataDir, 'outbox', 'events') };
  await Promise.all(Object.values(outbox).map((directory) => mkdir(directory, { recursive: true })));
  const cleanups: (() => Promise<void>)[] = [];
  // The functions run in this process: their output is theirs to keep, as Lambda keeps it in CloudWatch Logs.
  await mkdir(join(dataDir, 'logs'), { recursive: true });
  const releaseOutput = captureFunctionOutput({
    file: join(dataDir, 'logs', 'functions.jsonl'),
    show: options.functionLog ?? (process.stdout.isTTY ? prettyLine : (line) => line),
  });
  cleanups.push(releaseOutput);
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log('warn', 'cleanup failed', { error: String(error) }));
  };

  try {
    // The HTTP server listens first: its port is part of the links the functions write.
    let handle: (request: IncomingMessage, response: import('node:http').ServerResponse, body: Buffer) => Promise<void> = async (_, response) => {
      response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'starting' }));
    };
    // Bodies over HTTP API's 10 MB payload quota are answered 413 and not buffered.
    const server = createServer(
      { maxHeaderSize: NODE_MAX_HEADER_BYTES },
      bufferingBodies((request, response, body) => handle(request, response, body), log),
    );
    const apiUrl = await listen(server, options.port);
    cleanups.push(
      () =>
        new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    );

    // The real app for the local stage, in the project (bundles resolve node_modules from there):
    // synthesized, or reused when nothing that shapes it changed since an earlier start (local-assembly.ts).
    const started = Date.now();
    const outdir = join(projectRoot, '.synth', `${process.pid}-${Date.now()}`);
    cleanups.push(() => rm(outdir, { recursive: true, force: true }));
    // What killed runtimes left there goes, meanwhile (not waited for: it can be gigabytes of links).
    removeAbandonedOutdirs(dirname(outdir)).then(
      (removed) => removed.length > 0 && log('info', 'removed the output of runtimes that were killed', { directories: removed.length }),
      (error: unknown) => log('warn', 'could not remove the output of killed runtimes', { error: String(error) }),
    );
    const cacheDir = localAssemblyCacheDir();
    const assemblyKey = await localAssemblyKey(outdir);
    // A new DATA_DIR starts from the database an earlier start had once it loaded the seeds (seeded-database.ts).
    const shared = options.dynamoDb;
    const accessKeyId = shared ? await sharedAccessKeyOf(dataDir) : 'local';
    const database = await prepareSeededDatabase({
      databaseDir: shared ? shared.databaseDir : dynamoDbLocalDir(dataDir),
      databaseFile: shared ? databaseFileFor(accessKeyId, LOCAL_REGION) : undefined,
      assemblyKey,
      cacheDir: seededDatabaseCacheDir(cacheDir),
    });
    // DynamoDB Local (a JVM: seconds before it answers) boots while the app is synthesized or read from the cache.
    const dynamo = shared
      ? { endpoint: shared.endpoint, ready: waitForDynamoDbLocal(shared.endpoint) }
      : spawnDynamoDbLocal({ dataDir, port: await freePort() });
    dynamo.ready.catch(() => undefined); // awaited by the seeding; a start that fails before it must not leave it unhandled
    if ('stop' in dynamo) cleanups.push(dynamo.stop);
    // The Step Functions API, served where the functions' SFN client will look for it.
    const sfnServer = createServer((request, response) => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
      const fault = faults.take('sfn', operation);
      if (!fault) return stepFunctions.handle(request, response);
      // An injected fault (faults.ts): Step Functions refuses the call, or cannot be reached at all.
      if (fault.kind === 'outage') request.socket.destroy();
      else
        response
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
    });
    const sfnEndpoint = await listen(sfnServer, 0);
    cleanups.push(() => new Promise((done) => sfnServer.close(() => done())));
    const assembly = await localAssembly({ apiUrl, outdir, cacheDir, key: assemblyKey });
    const template = readTemplate(assembly.template);
    log('info', assembly.cached ? 'synthesized app reused' : 'synthesized', {
      ms: Date.now() - started,
      functions: template.functions.length,
      routes: template.routes.length,
      schedules: template.schedules.length,
    });

    // S3 (s3rver, in this process) starts with the template's buckets while the JVM boots: its ≈ 0.4 s
    // of loading is this process's work, done while it would otherwise wait for DynamoDB Local.
    const s3Directory = join(dataDir, 's3');
    const s3Started = Date.now();
    // The functions sign presigned URLs on the local clock (`signingDate`): their expiry is checked
    // against it from the moment it is installed (below); before, nothing is signed.
    let s3Now = () => new Date();
    const s3Starting = startLocalS3({
      directory: s3Directory,
      // Every bucket takes uploads and downloads from pages of any origin: in AWS the allowed origins are
      // the office portal's (a deploy setting, which the local stage has none of); locally pages are served from anywhere.
      buckets: template.buckets.map((bucket) => ({ name: bucket.name, cors: true })),
      accessKeyIds: [accessKeyId],
      now: () => s3Now(),
    }).then((started) => {
      log('info', 'local S3', { endpoint: started.endpoint, buckets: template.buckets.map((bucket) => bucket.name), ms: Date.now() - s3Started });
      return started;
    });
    s3Starting.catch(() => undefined); // awaited below; a start that fails before then must not leave it unhandled
    cleanups.push(async () => (await s3Starting.catch(() => undefined))?.stop());

    // The state machines are checked and the persisted executions read (≈ 1 s of this process's work)
    // while the JVM boots; executions resume only once the clock is in place, below.
    const stepFunctions = new LocalStepFunctions({
      dataDir: join(dataDir, 'step-functions'),
      // The template's definition is CDK output: a valid States Language document by construction.
      stateMachines: template.stateMachines.map((machine) => ({
        arn: machine.arn,
        name: machine.logicalId,
        definition: machine.definition as unknown as StateMachineDefinition,
      })),
      invokeFunction: (arn, payload) => lambdas.invoke(arn, payload),
      log,
    });
    cleanups.push(() => stepFunctions.close());
    // Faults injected into this runtime end with it (another runtime may start in this process).
    cleanups.push(async () => void faults.clear());

    // The seeds load (DynamoDB Local's work) while the functions are registered.
    const seeding = async () => {
      await dynamo.ready;
      const client = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: LOCAL_REGION,
        credentials: { accessKeyId, secretAccessKey: 'local' },
      });
      cleanups.push(async () => client.destroy());
      await ensureTable(client, template.table);
      const db = DynamoDBDocumentClient.from(client);
      const [snapshot, vehicles] = await Promise.all([
        readFile(SEED_DIRECTORY, 'utf8').then((text) => directorySnapshotSchema.parse(JSON.parse(text))),
        readFile(SEED_FLEET, 'utf8').then((text) => fleetSchema.parse(JSON.parse(text))),
      ]);
      if (database.current) {
        log('info', database.restored ? 'directory and fleet restored' : 'directory and fleet as loaded before', {
          people: snapshot.people.length,
          vehicles: vehicles.length,
        });
        return { people: snapshot.people.length, vehicles: vehicles.length, client };
      }
      // Reapplied when they changed since they were loaded into this DATA_DIR (seeded-database.ts); people an
      // admin has edited since are left as the admin left them. One after
      // the other: DynamoDB Local commits writes one at a time, and the two at once took twice as long.
      const loaded = await loadDirectory(db, template.table.logicalId, snapshot);
      log('info', 'directory loaded', { ...loaded });
      const fleet = await loadFleet(db, template.table.logicalId, vehicles);
      log('info', 'fleet loaded', fleet);
      await database.keep();
      return { people: snapshot.people.length, vehicles: fleet.vehicles, client };
    };
    const restoreEnvironment = setEnvironment({
      // Invocations run concurrently in this process (lambda-host.ts): Powertools keeps their state apart.
      AWS_LAMBDA_MAX_CONCURRENCY: '64',
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
    });
    // A runtime started next in this process (the integration tests) finds the environment as it was.
    cleanups.push(async () => restoreEnvironment());
    const slackSigningSecret = await localSlackSigningSecret(dataDir);
    // Before the bundles load (their client reads the hook then): the faults tests inject, and the benchmark's meter.
    globalThis.__approvalDynamoDbPlugins = [dynamoDbFaultPlugin, ...(options.meterUsage ? [dynamoDbMeterPlugin] : [])];
    const loading = async () => {
      const loadStarted = Date.now();
      const host = await LambdaHost.load(outdir, template.functions, () => ({
        // What differs from AWS, and only this: mail and Slack go to the outbox, time is the local clock.
        MAIL_TRANSPORT: 'outbox',
        OUTBOX_DIR: outbox.email,
        CHAT_TRANSPORT: 'outbox',
        CHAT_OUTBOX_DIR: outbox.slack,
        EVENTS_TRANSPORT: 'outbox',
        EVENTS_OUTBOX_DIR: outbox.events,
        SLACK_SIGNING_SECRET: slackSigningSecret,
        REPORT_STORE: 'files',
        REPORTS_DIR: join(dataDir, 'reports'),
        CLOCK: 'local',
      }));
      // Imported on each function's first call, as Lambda initialises it (lambda-host.ts).
      log('info', 'functions registered', { ms: Date.now() - loadStarted, functions: template.functions.length });
      return host;
    };
    const [seeded, lambdas, s3] = await Promise.all([seeding(), loading(), s3Starting]);
    // Where the functions' S3 client looks (read on its first call, after startup). The SDK addresses an
    // IP endpoint path-style by itself: nothing else to configure.
    const restoreS3Environment = setEnvironment({ AWS_ENDPOINT_URL_S3: s3.endpoint });
    cleanups.push(async () => restoreS3Environment());

    // One clock for the runtime and every function it hosts (CLOCK=local above; the functions read it
    // per call, not at load), resumed from DATA_DIR. Installed this late so an accelerated clock does
    // not run through the slow part of startup.
    const clock = installLocalClock({ speed: options.clockSpeed ?? 1, startAt: await readClockStart(dataDir) });
    cleanups.push(async () => {
      try {
        await saveClockState(dataDir, clock.now());
      } finally {
        uninstallLocalClock(clock);
      }
    });
    s3Now = () => clock.now();
    log('info', 'local clock', { now: clock.now().toISOString(), speed: clock.speed });

    const resumed = await stepFunctions.resumeWaiting();

    const gateway = makeApiGateway({
      routes: template.routes,
      invoke: (arn, event) => lambdas.invoke(arn, event),
      verify: await makeVerifier(dataDir),
      now: () => clock.now(),
      log,
    });
    // On stop (cleanups run last first), after the schedules: no more workflow steps, then the
    // functions under way finish (at most 5 s) while the clock, environment and DynamoDB are theirs.
    cleanups.push(async () => {
      await stepFunctions.close();
      await lambdas.settle(5_000);
    });
    // The table's stream, read as Lambda's event source mappings would, into the publisher (domain events).
    const streamPollers = await Promise.all(
      template.streamSources.map((source) =>
        startStreamPoller({
          db: seeded.client,
          tableName: template.table.logicalId,
          source,
          invoke: (arn, event) => lambdas.invoke(arn, event),
          dataDir,
          log,
        }),
      ),
    );
    cleanups.push(async () => {
      await Promise.all(streamPollers.map((poller) => poller.stop()));
    });
    const schedules = startScheduleRunner({ schedules: template.schedules, clock, invoke: (arn, event) => lambdas.invoke(arn, event), log });
    cleanups.push(() => schedules.stop());
    const control = makeLocalControl({ clock, schedules, onClockMoved: (now) => saveClockState(dataDir, now) });
    handle = async (request, response, body) => {
      if (request.method === 'GET' && request.url === '/health') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
        return;
      }
      // Local-only controls (the clock, running schedules now): not in the template, absent in AWS.
      const controlled = await control({ method: request.method ?? 'GET', path: new URL(request.url ?? '/', 'http://local').pathname, body });
      if (controlled) {
        response.writeHead(controlled.status, { 'content-type': 'application/json' }).end(JSON.stringify(controlled.body));
        return;
      }
      await gateway(request, response, body);
    };
    // What local commands need to reach this runtime (tokens, Slack clicks, reconciliation).
    await writeFile(
      join(dataDir, 'runtime.json'),
      JSON.stringify({
        apiUrl,
        pid: process.pid,
        dynamoDbEndpoint: dynamo.endpoint,
        dynamoDbAccessKeyId: accessKeyId,
        tableName: template.table.logicalId,
        s3Endpoint: s3.endpoint,
      }),
    );
    log('info', 'ready', { apiUrl, resumedExecutions: resumed, startupMs: Date.now() - started });
    return {
      apiUrl,
      dataDir,
      outbox,
      eventsPublished: async () => {
        await Promise.all(streamPollers.map((poller) => poller.drained()));
      },
      s3: { endpoint: s3.endpoint, directory: s3Directory },
      people: seeded.people,
      vehicles: seeded.vehicles,
      clockSpeed: clock.speed,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}
