import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { installLocalClock, uninstallLocalClock } from '../../shared/adapters/local-clock.js';
import { directorySnapshotSchema } from '../../shared/directory/directory.js';
import { fleetSchema } from '../../shared/fleet/fleet.js';
import { loadDirectory } from '../../shared/store/dynamodb-directory.js';
import { loadFleet } from '../../shared/store/dynamodb-fleet-store.js';
import { buildApp } from '../build-app.js';
import { projectRoot } from '../constructs/app-function.js';
import { makeApiGateway } from './api-gateway.js';
import { readClockStart, saveClockState } from './clock-state.js';
import { ensureTable, startDynamoDbLocal } from './dynamodb-local.js';
import { LOCAL_JWT, makeVerifier } from './jwt-issuer.js';
import { LambdaHost } from './lambda-host.js';
import { makeLocalControl } from './local-control.js';
import { startScheduleRunner } from './schedule-runner.js';
import { SEED_DIRECTORY, SEED_FLEET } from './seed.js';
import { localSlackSigningSecret } from './slack-local.js';
import { LocalStepFunctions } from './step-functions-local.js';
import { LOCAL_REGION, readTemplate } from './template.js';
import { installDynamoDbMeter } from './usage-meter.js';

export interface LocalRuntimeOptions {
  dataDir: string;
  /** API port; 0 picks a free one. */
  port: number;
  /** Local milliseconds per real millisecond (1440: a day per real minute); default 1. */
  clockSpeed?: number;
  /** Tally DynamoDB capacity (ReturnConsumedCapacity) and time per call, for benchmarks. */
  meterUsage?: boolean;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface LocalRuntime {
  apiUrl: string;
  dataDir: string;
  outbox: { email: string; slack: string };
  people: number;
  vehicles: number;
  clockSpeed: number;
  stop(): Promise<void>;
}

const consoleLog: NonNullable<LocalRuntimeOptions['log']> = (level, message, fields) =>
  (level === 'error' ? console.error : console.log)(JSON.stringify({ level, message, ...fields }));

/** The CDK context the local runtime synthesizes the app with: the `local` stage, links pointing at `publicBaseUrl`. */
export function localStageContext(publicBaseUrl: string): Record<string, unknown> {
  return {
    // The CLI sets this; without it the template does not say which asset directory holds each bundle.
    'aws:cdk:enable-asset-metadata': true,
    stage: 'local',
    stages: {
      local: {
        mailFrom: 'no-reply@guchung.example.kr',
        jwtIssuer: LOCAL_JWT.issuer,
        jwtAudience: [LOCAL_JWT.audience],
        publicBaseUrl,
        retainData: false,
      },
    },
  };
}

/**
 * The whole backend on one machine: the CDK app synthesized in-process, DynamoDB Local, the
 * bundled functions, the state machines in-process, and the HTTP API with its JWT authorizer.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = options.log ?? consoleLog;
  const dataDir = resolve(options.dataDir);
  const outbox = { email: join(dataDir, 'outbox', 'email'), slack: join(dataDir, 'outbox', 'slack') };
  await Promise.all([mkdir(outbox.email, { recursive: true }), mkdir(outbox.slack, { recursive: true })]);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log('warn', 'cleanup failed', { error: String(error) }));
  };

  try {
    // The HTTP server listens first: its port is part of the links the functions write.
    let handle: (request: IncomingMessage, response: import('node:http').ServerResponse, body: Buffer) => Promise<void> = async (_, response) => {
      response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'starting' }));
    };
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        handle(request, response, Buffer.concat(chunks)).catch((error: unknown) => {
          log('error', 'request failed', { error: String(error) });
          if (!response.headersSent) response.writeHead(500).end();
        });
      });
    });
    const apiUrl = await listen(server, options.port);
    cleanups.push(
      () =>
        new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    );

    // Synthesize the real app for the local stage into the project (bundles resolve node_modules from there).
    const started = Date.now();
    const outdir = join(projectRoot, '.synth', `${process.pid}-${Date.now()}`);
    cleanups.push(() => rm(outdir, { recursive: true, force: true }));
    const { app, stack } = buildApp({ outdir, context: localStageContext(apiUrl) });
    const assembly = app.synth();
    const template = readTemplate(assembly.getStackByName(stack.stackName).template);
    log('info', 'synthesized', {
      ms: Date.now() - started,
      functions: template.functions.length,
      routes: template.routes.length,
      schedules: template.schedules.length,
    });

    const dynamo = await startDynamoDbLocal({ dataDir, port: await freePort() });
    cleanups.push(dynamo.stop);
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    cleanups.push(async () => client.destroy());
    await ensureTable(client, template.table);
    const snapshot = directorySnapshotSchema.parse(JSON.parse(await readFile(SEED_DIRECTORY, 'utf8')));
    // Reapplied at every start; people an admin has edited since are left as the admin left them.
    const loaded = await loadDirectory(DynamoDBDocumentClient.from(client), template.table.logicalId, snapshot);
    log('info', 'directory loaded', { ...loaded });
    const fleet = await loadFleet(
      DynamoDBDocumentClient.from(client),
      template.table.logicalId,
      fleetSchema.parse(JSON.parse(await readFile(SEED_FLEET, 'utf8'))),
    );
    log('info', 'fleet loaded', fleet);

    // The Step Functions API, served where the functions' SFN client will look for it.
    const sfnServer = createServer((request, response) => stepFunctions.handle(request, response));
    const sfnEndpoint = await listen(sfnServer, 0);
    cleanups.push(() => new Promise((done) => sfnServer.close(() => done())));

    // One clock for the runtime and every function it hosts (CLOCK=local below), resumed from DATA_DIR.
    // Installed this late so an accelerated clock does not run through the slow part of startup.
    const clock = installLocalClock({ speed: options.clockSpeed ?? 1, startAt: await readClockStart(dataDir) });
    cleanups.push(async () => {
      try {
        await saveClockState(dataDir, clock.now());
      } finally {
        uninstallLocalClock(clock);
      }
    });
    log('info', 'local clock', { now: clock.now().toISOString(), speed: clock.speed });

    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
    });
    const slackSigningSecret = await localSlackSigningSecret(dataDir);
    if (options.meterUsage) installDynamoDbMeter(); // before the bundles load: their client reads the hook then
    const lambdas = await LambdaHost.load(outdir, template.functions, () => ({
      // What differs from AWS, and only this: mail and Slack go to the outbox, time is the local clock.
      MAIL_TRANSPORT: 'outbox',
      OUTBOX_DIR: outbox.email,
      CHAT_TRANSPORT: 'outbox',
      CHAT_OUTBOX_DIR: outbox.slack,
      SLACK_SIGNING_SECRET: slackSigningSecret,
      REPORT_STORE: 'files',
      REPORTS_DIR: join(dataDir, 'reports'),
      CLOCK: 'local',
    }));
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
    const resumed = await stepFunctions.resumeWaiting();

    const gateway = makeApiGateway({
      routes: template.routes,
      invoke: (arn, event) => lambdas.invoke(arn, event),
      verify: await makeVerifier(dataDir),
      now: () => clock.now(),
      log,
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
      JSON.stringify({ apiUrl, pid: process.pid, dynamoDbEndpoint: dynamo.endpoint, tableName: template.table.logicalId }),
    );
    log('info', 'ready', { apiUrl, resumedExecutions: resumed, startupMs: Date.now() - started });
    return { apiUrl, dataDir, outbox, people: snapshot.people.length, vehicles: fleet.vehicles, clockSpeed: clock.speed, stop };
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

async function freePort(): Promise<number> {
  const probe = createServer();
  const url = await listen(probe, 0);
  await new Promise((done) => probe.close(done));
  return Number(new URL(url).port);
}
