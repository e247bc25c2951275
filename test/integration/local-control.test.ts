import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { advanceClock, api, eventually, newDataDir, removeDataDir, runSchedules, suiteBackend } from './harness.js';

const DAY = 86_400_000;

describe('local clock and schedules through the local runtime', () => {
  const backend = suiteBackend();

  it('runs in real time by default and moves forward on request', async () => {
    const before = Date.now();
    const clock = await api(backend, 'GET', '/_local/clock');
    expect(clock.status).toBe(200);
    expect(clock.body.speed).toBe(1);
    expect(Math.abs(Date.parse(clock.body.now) - before)).toBeLessThan(60_000);

    const advanced = await advanceClock(backend, 'P2DT3H');
    expect(advanced.getTime() - Date.parse(clock.body.now)).toBeGreaterThanOrEqual(2 * DAY + 3 * 3_600_000);
    expect(advanced.getTime() - Date.now()).toBeLessThan(2 * DAY + 3 * 3_600_000 + 60_000);

    // The functions read the same clock: a request submitted now is stamped two days ahead.
    const submitted = await api(backend, 'POST', '/requests', {
      as: 'E1034',
      json: { kind: 'health-checkup', checkupDate: `${new Date().getFullYear()}-01-15`, amountPaid: 420_000, clinic: '한빛종합검진센터' },
    });
    expect(submitted.status, submitted.text).toBe(201);
    expect(Date.parse(submitted.body.createdAt)).toBeGreaterThanOrEqual(advanced.getTime());

    const back = await api(backend, 'POST', '/_local/clock', { json: { set: new Date(before).toISOString() } });
    expect(back.status).toBe(400);
    expect(back.body.message).toMatch(/시계를 뒤로 돌릴 수 없습니다/);
    const bad = await api(backend, 'POST', '/_local/clock', { json: { advance: '3 days' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/ISO-8601/);
  });

  it('runs the template’s scheduled rules on request, each target succeeding', async () => {
    const ran = await runSchedules(backend);
    // The stack declares at least the approval timers sweep; every target ran, none failed.
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.filter((run) => !run.ok)).toEqual([]);
    for (const rule of new Set(ran.map((run) => run.rule))) {
      expect((await runSchedules(backend, rule)).map((run) => run.rule)).toEqual(ran.filter((run) => run.rule === rule).map((run) => run.rule));
    }
    const unknown = await api(backend, 'POST', '/_local/schedules/run', { json: { rule: 'NoSuchRule' } });
    expect(unknown.status).toBe(404);
  });

  it('leaves the API untouched: its routes still need a token', async () => {
    expect((await api(backend, 'GET', '/requests')).status).toBe(401);
  });
});

describe('CLOCK_SPEED', () => {
  it('stops npm start with the variable named when it is not a positive number', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: { ...process.env, CLOCK_SPEED: 'fast', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).not.toBe(0);
    expect(output).toMatch(/Invalid configuration: CLOCK_SPEED/);
  });
});

describe('npm start stopped while it starts', () => {
  it('ends, and its DynamoDB Local with it, on a SIGTERM that comes before it is ready', { timeout: 120_000 }, async () => {
    // Before the fix the signal handlers were installed after the banner: a signal sent before them (a
    // script that stops npm start the moment it reads "ready") ended the process outright and orphaned the JVM.
    const dataDir = await newDataDir();
    const alive = async (pid: number) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes('DynamoDBLocal');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
        cwd: fileURLToPath(new URL('../../', import.meta.url)),
        env: { ...process.env, DATA_DIR: dataDir, PORT: '0' },
        stdio: 'ignore',
      });
      const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
        child.once('exit', (code, signal) => done({ code, signal })),
      );
      // The JVM has been spawned once its pid file is there; the runtime is still starting.
      const jvm = await eventually(async () => Number(await readFile(join(dataDir, 'dynamodb-local.pid'), 'utf8')), 60_000);
      child.kill('SIGTERM');

      expect(await exited).toEqual({ code: 0, signal: null });
      await eventually(async () => {
        if (await alive(jvm)) throw new Error(`DynamoDB Local (pid ${jvm}) outlived npm start`);
      }, 10_000);
    } finally {
      await removeDataDir(dataDir);
    }
  });
});
