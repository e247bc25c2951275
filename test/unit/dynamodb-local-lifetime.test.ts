import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnDynamoDbLocal } from '../../infra/local/dynamodb-local.js';

/**
 * DynamoDB Local is a JVM the runtime starts as a child process: it must not outlive the runtime,
 * and a second one must never open the same database file. (Linux: liveness is read from /proc.)
 */
const MODULE = new URL('../../infra/local/dynamodb-local.ts', import.meta.url).pathname;
const SCRIPT = `
const { spawnDynamoDbLocal } = await import(process.env.MODULE);
const dynamo = spawnDynamoDbLocal({ dataDir: process.env.DATA_DIR, port: Number(process.env.PORT) });
await dynamo.ready;
console.log('ready');
if (process.env.THEN === 'exit') process.exit(0);
setInterval(() => undefined, 1000);
`;

const alive = async (pid: number) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).length > 0;
const pidIn = async (dataDir: string) => Number(await readFile(join(dataDir, 'dynamodb-local.pid'), 'utf8'));

let work: string;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  if (work) await rm(work, { recursive: true, force: true });
});

/** A process that starts DynamoDB Local on `dataDir`, then exits (`exit`) or stays (`stay`); resolves once it answers. */
async function runtimeLike(dataDir: string, port: number, then: 'exit' | 'stay'): Promise<ChildProcess> {
  const script = join(work, 'runtime-like.mjs');
  await writeFile(script, SCRIPT);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, MODULE, DATA_DIR: dataDir, PORT: String(port), THEN: then },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => (then === 'exit' ? resolve() : reject(new Error(`exited early (${code})`))));
  });
  return child;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

async function until(condition: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('DynamoDB Local lives no longer than its runtime', () => {
  it('goes when the runtime exits without stopping it (process.exit)', async () => {
    work = await mkdtemp(join(tmpdir(), 'ddb-life-'));
    const dataDir = join(work, 'data');
    const runtime = await runtimeLike(dataDir, await freePort(), 'exit');
    if (runtime.exitCode === null) await new Promise((done) => runtime.once('exit', done));
    const jvm = await pidIn(dataDir);
    await until(async () => !(await alive(jvm)));
  }, 60_000);

  it('left running by a runtime killed outright, it is stopped by the next start on the same data before a new one opens it', async () => {
    work = await mkdtemp(join(tmpdir(), 'ddb-life-'));
    const dataDir = join(work, 'data');
    const runtime = await runtimeLike(dataDir, await freePort(), 'stay');
    const leftover = await pidIn(dataDir);
    runtime.kill('SIGKILL'); // no cleanup runs: the JVM is orphaned
    await new Promise((done) => runtime.once('exit', done));
    expect(await alive(leftover)).toBe(true);

    const next = spawnDynamoDbLocal({ dataDir, port: await freePort() });
    try {
      expect(await alive(leftover)).toBe(false);
      await next.ready;
      expect(await pidIn(dataDir)).not.toBe(leftover);
    } finally {
      await next.stop();
    }
  }, 60_000);
});
