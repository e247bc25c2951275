import { type ChildProcess, spawn } from 'node:child_process';
import { Console } from 'node:console';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import * as z from 'zod';
import { issueToken } from '../../infra/local/jwt-issuer.js';
import { setEnvironment } from '../../infra/local/process-environment.js';
import { startLocalRuntime } from '../../infra/local/runtime.js';
import { officePolicy } from '../../shared/policies/office-policy.js';
import { files as documentFiles } from '../fixtures/documents.js';
import { contractViolations } from '../fixtures/openapi-contract.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningBackend {
  apiUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface InProcessBackend extends RunningBackend {
  /** Writes the last `lines` lines the runtime and its functions logged to the test runner's console (shown with a failed test). */
  showLogTail(lines: number): void;
}

/** A backend this test started itself: it can also be killed outright, as a crash or an OOM kill would. */
export interface OwnBackend extends RunningBackend {
  /** SIGKILL: no cleanup of any kind runs. */
  crash(): Promise<void>;
}

/**
 * Every answer a test receives from a backend it started is checked against openapi.json (status,
 * content type, body schema): the document cannot drift from what the code answers. The local
 * runtime's own endpoints (`/health`, `/_local/…`) are not part of the API.
 */
const backendOrigins = new Set<string>();
const untypedFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const response = await untypedFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : input);
  if (!backendOrigins.has(url.origin) || url.pathname === '/health' || url.pathname.startsWith('/_local/')) return response;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const body = Buffer.from(await response.clone().arrayBuffer());
  const contentType = response.headers.get('content-type');
  const violations = contractViolations({
    method,
    path: url.pathname,
    status: response.status,
    contentType,
    body: contentType?.includes('json') || contentType?.startsWith('text/') ? body.toString('utf8') : body.length ? '(binary)' : '',
  });
  if (violations.length) throw new Error(`the answer breaks openapi.json:\n  ${violations.join('\n  ')}`);
  return response;
};

export const newDataDir = () => mkdtemp(join(tmpdir(), 'approval-it-'));
export const removeDataDir = (dataDir: string) => rm(dataDir, { recursive: true, force: true, maxRetries: 3 });

/** Starts the backend exactly as `npm start` does, as a process of its own with its own DynamoDB Local, on a free port; `env` adds settings. */
export async function startBackend(dataDir: string, options: { env?: Record<string, string> } = {}): Promise<OwnBackend> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const apiUrl = await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`backend exited early:\n${output}`);
    const runtime = JSON.parse(await readFile(join(dataDir, 'runtime.json'), 'utf8')) as { apiUrl: string; pid: number };
    if (runtime.pid !== child.pid) throw new Error('runtime.json of an earlier process');
    const health = await fetch(`${runtime.apiUrl}/health`);
    if (health.status !== 200) throw new Error(`health ${health.status}`);
    backendOrigins.add(new URL(runtime.apiUrl).origin);
    return runtime.apiUrl;
  }, 150_000).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n--- backend output ---\n${output}`);
  });
  return {
    apiUrl,
    dataDir,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The backend running in this process, if any. */
let inProcess: InProcessBackend | undefined;

/**
 * Starts the backend in this test worker's process — the very runtime `npm start` runs — on the
 * run's one DynamoDB Local (global-setup.ts), with a database, clock, workflow state and outbox of
 * its own in `dataDir`. `env` adds settings such as OFFICE_POLICY_FILE for as long as it runs (the
 * functions read theirs when they load, on their first call). What it and its functions log is
 * kept: shown when it fails to start, and after a test of `suiteBackend` that fails.
 */
export async function startInProcess(dataDir: string, options: { env?: Record<string, string> } = {}): Promise<InProcessBackend> {
  // One at a time in a process (one clock, one environment). A backend an earlier file left running
  // (its test failed before stopping it) is stopped here, so that file's failure is not this one's too.
  if (inProcess) {
    await inProcess.stop();
    console.warn('a backend an earlier test started was still running in this worker: stopped it first');
  }
  const restoreEnvironment = setEnvironment(options.env ?? {});
  // The functions log to the console, as in Lambda. Here their lines join the runtime's in the backend's
  // log instead of going through the test runner (thousands of lines a file, sent to its main process).
  // While it runs, a test's own console output goes there too: it shows with a failed test.
  const logged: string[] = [];
  const keep = (line: string) => {
    logged.push(line);
    if (logged.length > 2000) logged.shift();
  };
  const runnerConsole = globalThis.console;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      keep(chunk.toString().trimEnd());
      done();
    },
  });
  globalThis.console = new Console({ stdout: sink, stderr: sink });
  const restore = () => {
    globalThis.console = runnerConsole;
    restoreEnvironment();
  };
  try {
    const runtime = await startLocalRuntime({
      dataDir,
      port: 0,
      dynamoDb: inject('sharedDynamoDb'),
      log: (level, message, fields) => keep(JSON.stringify({ level, message, ...fields })),
      functionLog: (line) => {
        keep(line);
        return undefined;
      },
    });
    backendOrigins.add(new URL(runtime.apiUrl).origin);
    let stopped: Promise<void> | undefined;
    const backend: InProcessBackend = {
      apiUrl: runtime.apiUrl,
      dataDir,
      showLogTail: (lines) => runnerConsole.error(`--- backend log (last ${lines} lines) ---\n${logged.slice(-lines).join('\n')}`),
      stop() {
        stopped ??= runtime.stop().finally(() => {
          restore();
          if (inProcess === backend) inProcess = undefined;
        });
        return stopped;
      },
    };
    inProcess = backend;
    return backend;
  } catch (error) {
    restore();
    throw new Error(`${String(error)}\n--- backend log ---\n${logged.join('\n')}`);
  }
}

/**
 * One backend for a whole test file: started before its tests, stopped (and its data removed)
 * after. The returned object stands in for the running backend once `beforeAll` has run.
 */
export function suiteBackend(options: { env?: Record<string, string> } = {}): RunningBackend {
  let running: InProcessBackend | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await newDataDir();
    running = await startInProcess(dataDir, options);
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') running?.showLogTail(200);
  });
  afterAll(async () => {
    await running?.stop();
    if (dataDir) await removeDataDir(dataDir);
  });
  const current = () => {
    if (!running) throw new Error('the suite backend is not running (used outside a test?)');
    return running;
  };
  return {
    get apiUrl() {
      return current().apiUrl;
    },
    get dataDir() {
      return current().dataDir;
    },
    stop: () => current().stop(),
  };
}

export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

/**
 * A token for `employeeId`, as the office's login would issue it (8 hours), kept for 10 minutes of
 * real time and used for every call in between, as a client keeps its token: tokens are checked
 * against real time, not the local clock a test moves.
 */
const tokens = new Map<string, { token: Promise<string>; until: number }>();
export const tokenFor = (backend: RunningBackend, employeeId: string): Promise<string> => {
  const key = `${backend.dataDir}|${employeeId}`;
  const kept = tokens.get(key);
  if (kept && kept.until > Date.now()) return kept.token;
  const token = issueToken({ dataDir: backend.dataDir, subject: employeeId });
  tokens.set(key, { token, until: Date.now() + 10 * 60_000 });
  token.catch(() => tokens.delete(key));
  return token;
};

export interface ApiResponse {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/**
 * Calls the API as `employeeId` (or anonymously), JSON in and out. A submission (`POST /requests`)
 * that does not say `attachments` is sent as a requester would send it: with the documents its kind
 * requires, uploaded first (see `requiredDocuments`). Tests about documents say `attachments` themselves.
 */
export async function api(
  backend: RunningBackend,
  method: string,
  path: string,
  options: { as?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  if (method === 'POST' && path === '/requests' && options.as && isSubmission(options.json) && !('attachments' in options.json)) {
    const attachments = await requiredDocuments(backend, options.as, options.json.kind, options.headers?.['idempotency-key']);
    options = { ...options, json: { ...options.json, attachments } };
  }
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers['authorization'] = `Bearer ${await tokenFor(backend, options.as)}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${backend.apiUrl}${path}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

/** Submits the decision form the way a browser does. */
export async function postForm(url: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * A message of the outbox, parsed by a standard MIME parser once: the mailer writes each file whole
 * (write, then rename) and never again, and waiting for an email re-reads the outbox every 100 ms,
 * which parsed every message again each time (seconds of a worker's CPU in a long file).
 */
const parsedMails = new Map<string, Promise<ParsedMail>>();
const parsedMail = (file: string): Promise<ParsedMail> => {
  let parsed = parsedMails.get(file);
  if (!parsed) {
    parsed = readFile(file).then((raw) => simpleParser(raw));
    parsedMails.set(file, parsed);
    parsed.catch(() => parsedMails.delete(file));
  }
  return parsed;
};

/** Every email so far to `address` whose subject contains `subjectPart`, oldest first. */
export async function emailsTo(backend: RunningBackend, address: string, subjectPart: string): Promise<ParsedMail[]> {
  const directory = join(backend.dataDir, 'outbox', 'email');
  const found: ParsedMail[] = [];
  for (const file of (await readdir(directory)).filter((name) => name.endsWith('.eml')).sort()) {
    const mail = await parsedMail(join(directory, file));
    const to = Array.isArray(mail.to) ? mail.to.flatMap((entry) => entry.value) : (mail.to?.value ?? []);
    if (to.some((entry) => entry.address === address) && mail.subject?.includes(subjectPart)) found.push(mail);
  }
  return found;
}

/** Waits for an email to `address` in the outbox whose subject contains `subjectPart`, parsed by a standard MIME parser. */
export async function waitForEmail(backend: RunningBackend, address: string, subjectPart: string, seen = new Set<string>()): Promise<ParsedMail> {
  const directory = join(backend.dataDir, 'outbox', 'email');
  return eventually(async () => {
    for (const file of (await readdir(directory)).filter((name) => name.endsWith('.eml')).sort()) {
      if (seen.has(file)) continue;
      const mail = await parsedMail(join(directory, file));
      const to = Array.isArray(mail.to) ? mail.to.flatMap((entry) => entry.value) : (mail.to?.value ?? []);
      if (to.some((entry) => entry.address === address) && mail.subject?.includes(subjectPart)) {
        seen.add(file);
        return mail;
      }
    }
    throw new Error(`no email to ${address} with "${subjectPart}" yet`);
  }, 30_000);
}

export function decisionLinkIn(mail: ParsedMail): string {
  const link = /http:\/\/127\.0\.0\.1:\d+\/decisions\/[A-Za-z0-9_-]{43}/.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no decision link in: ${mail.text}`);
  return link;
}

/** Moves the local runtime's clock forward by an ISO-8601 duration (`PT3H`, `P2D`, `P1DT2H`); returns the new now. */
export async function advanceClock(backend: RunningBackend, isoDuration: string): Promise<Date> {
  const response = await api(backend, 'POST', '/_local/clock', { json: { advance: isoDuration } });
  if (response.status !== 200) throw new Error(`advancing the clock by ${isoDuration} failed: ${response.status} ${response.text}`);
  return new Date(z.object({ now: z.iso.datetime() }).parse(response.body).now);
}

/** Sets the local runtime's clock to a later instant (it never goes back); returns the new now. */
export async function setClock(backend: RunningBackend, instant: Date): Promise<Date> {
  const response = await api(backend, 'POST', '/_local/clock', { json: { set: instant.toISOString() } });
  if (response.status !== 200) throw new Error(`setting the clock to ${instant.toISOString()} failed: ${response.status} ${response.text}`);
  return new Date(z.object({ now: z.iso.datetime() }).parse(response.body).now);
}

const scheduledRunsSchema = z.object({
  ran: z.array(z.object({ rule: z.string(), target: z.string(), ok: z.boolean(), error: z.string().optional() })),
});
export type ScheduledRun = z.infer<typeof scheduledRunsSchema>['ran'][number];

/** Fires the scheduled rules (all, or the one with logical id `rule`) now and waits for them. */
export async function runSchedules(backend: RunningBackend, rule?: string): Promise<ScheduledRun[]> {
  const response = await api(backend, 'POST', '/_local/schedules/run', { json: rule === undefined ? {} : { rule } });
  if (response.status !== 200) throw new Error(`running schedules${rule ? ` (${rule})` : ''} failed: ${response.status} ${response.text}`);
  return scheduledRunsSchema.parse(response.body).ran;
}

/** A request's step as the API shows it (what the tests look at). */
export interface StepView {
  index: number;
  stage: number;
  action: string;
  approverId: string;
  status: string;
  actingForId?: string;
  delegatedAuthority?: string;
  advisory?: boolean;
  mustConfirm?: string;
}

const isSubmission = (body: unknown): body is { kind: string } =>
  typeof body === 'object' && body !== null && typeof (body as { kind?: unknown }).kind === 'string';

/** A file uploaded the way a client does it: the upload declared (POST /attachments), then its bytes PUT to the presigned URL. */
export async function uploadDocument(
  backend: RunningBackend,
  as: string,
  file: { kind: string; documentType: string; fileName?: string; contentType?: string; bytes?: Uint8Array; declaredSize?: number },
): Promise<string> {
  const bytes = file.bytes ?? documentFiles.pdf;
  const ticket = await api(backend, 'POST', '/attachments', {
    as,
    json: {
      kind: file.kind,
      documentType: file.documentType,
      fileName: file.fileName ?? `${file.documentType}.pdf`,
      contentType: file.contentType ?? 'application/pdf',
      sizeBytes: file.declaredSize ?? bytes.length,
    },
  });
  if (ticket.status !== 201) throw new Error(`POST /attachments: ${ticket.status} ${ticket.text}`);
  const put = await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: bytes });
  if (!put.ok) throw new Error(`upload PUT: ${put.status} ${await put.text()}`);
  return ticket.body.attachmentId as string;
}

/** Uploads kept per Idempotency-Key: a retried submission sends the same body, documents included. */
const documentsByIdempotencyKey = new Map<string, string[]>();

/**
 * One PDF for each document the kind's policy requires in any case (the first type a requirement
 * accepts; conditional ones too, which a requester may always attach), uploaded as `as`.
 */
export async function requiredDocuments(backend: RunningBackend, as: string, kind: string, idempotencyKey?: string): Promise<string[]> {
  const remembered = idempotencyKey ? documentsByIdempotencyKey.get(`${backend.apiUrl}|${as}|${idempotencyKey}`) : undefined;
  if (remembered) return remembered;
  // A kind that does not exist has no documents: its submission is refused for its kind.
  const block = Object.hasOwn(officePolicy.kinds, kind) ? officePolicy.kinds[kind] : undefined;
  const types = block ? block.documents.required.flatMap((requirement) => requirement.anyOf.slice(0, 1)) : [];
  const ids = await Promise.all(types.map((documentType) => uploadDocument(backend, as, { kind, documentType })));
  if (idempotencyKey) documentsByIdempotencyKey.set(`${backend.apiUrl}|${as}|${idempotencyKey}`, ids);
  return ids;
}

/** A domain event the local bus wrote (`$DATA_DIR/outbox/events/`, one file each, in publishing order). */
export interface PublishedEvent {
  file: string;
  'detail-type': string;
  detail: { eventId: string; requestId: string; type: string } & Record<string, unknown>;
}

/** Waits until request `requestId` has published an event of type `type`, and answers the request's events so far. */
export async function eventsPublished(backend: RunningBackend, requestId: string, type: string): Promise<PublishedEvent[]> {
  const directory = join(backend.dataDir, 'outbox', 'events');
  return eventually(async () => {
    const names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
    const events = await Promise.all(
      names.map(async (file) => ({ file, ...(JSON.parse(await readFile(join(directory, file), 'utf8')) as Omit<PublishedEvent, 'file'>) })),
    );
    const own = events.filter((event) => event.detail.requestId === requestId);
    if (!own.some((event) => event['detail-type'] === type))
      throw new Error(`${requestId} has not published ${type}: ${own.map((e) => e['detail-type']).join(', ')}`);
    return own;
  });
}
