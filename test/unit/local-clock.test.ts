import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readClockStart, saveClockState } from '../../infra/local/clock-state.js';
import { installLocalClock, type LocalClockControl, sharedLocalClock, uninstallLocalClock } from '../../shared/adapters/local-clock.js';
import { systemClock } from '../../shared/adapters/system.js';

const START = new Date('2026-03-02T00:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A real-time source the test moves by hand: no sleeping. */
function manualRealTime() {
  let ms = 1_000;
  return { realTime: () => ms, pass: (elapsed: number) => (ms += elapsed) };
}

let installed: LocalClockControl | undefined;
function install(options: Parameters<typeof installLocalClock>[0]): LocalClockControl {
  installed = installLocalClock(options);
  return installed;
}
afterEach(() => {
  if (installed) uninstallLocalClock(installed);
  installed = undefined;
  vi.unstubAllEnvs();
});

describe('local clock', () => {
  it('runs from its start at `speed` times real time', () => {
    const real = manualRealTime();
    const clock = install({ speed: 1440, startAt: START, realTime: real.realTime });

    expect(clock.now().toISOString()).toBe(START.toISOString());
    real.pass(60_000); // one real minute
    expect(clock.now().toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(clock.speed).toBe(1440);
  });

  it('advances by hand on top of the running time, and keeps running afterwards', () => {
    const real = manualRealTime();
    const clock = install({ speed: 2, startAt: START, realTime: real.realTime });

    real.pass(500);
    expect(clock.advance(3 * DAY).toISOString()).toBe('2026-03-05T00:00:01.000Z');
    real.pass(1_000);
    expect(clock.now().toISOString()).toBe('2026-03-05T00:00:03.000Z');
    expect(clock.advance(0).toISOString()).toBe('2026-03-05T00:00:03.000Z');
  });

  it('is set forward to an exact date and refuses to go backwards', () => {
    const real = manualRealTime();
    const clock = install({ speed: 1, startAt: START, realTime: real.realTime });

    expect(clock.set(new Date('2026-04-01T09:00:00+09:00')).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    real.pass(HOUR);
    expect(clock.now().toISOString()).toBe('2026-04-01T01:00:00.000Z');

    expect(() => clock.set(new Date('2026-03-31T00:00:00Z'))).toThrow(/cannot move backwards/);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(new Date('not a date'))).toThrow(RangeError);
    expect(clock.now().toISOString()).toBe('2026-04-01T01:00:00.000Z');
  });

  it('refuses a speed that is not a positive finite number', () => {
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => installLocalClock({ speed })).toThrow(/speed must be a positive finite number/);
    }
  });

  it('starts at the real now by default', () => {
    const before = Date.now();
    const clock = install({ speed: 1 });
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(clock.now().getTime()).toBeLessThan(before + 5_000);
  });

  it('is installed once per process until it is uninstalled', () => {
    const first = install({ speed: 1, startAt: START });
    expect(() => installLocalClock({ speed: 1 })).toThrow(/already installed/);
    uninstallLocalClock(first);
    installed = undefined;
    const second = install({ speed: 1, startAt: new Date('2030-01-01T00:00:00Z') });
    // A stale cleanup of the first clock must not remove the second.
    uninstallLocalClock(first);
    expect(sharedLocalClock().now().getUTCFullYear()).toBe(2030);
    expect(second.speed).toBe(1);
  });
});

describe('sharedLocalClock', () => {
  it('throws a clear error when no clock is installed', () => {
    expect(() => sharedLocalClock().now()).toThrow(/CLOCK=local but no local clock is installed/);
  });

  it('reads the installed clock on every call, including one installed after it was created', () => {
    const shared = sharedLocalClock();
    const real = manualRealTime();
    const clock = install({ speed: 60, startAt: START, realTime: real.realTime });

    expect(shared.now().toISOString()).toBe(START.toISOString());
    clock.advance(2 * HOUR);
    real.pass(1_000);
    expect(shared.now().toISOString()).toBe('2026-03-02T02:01:00.000Z');
  });

  it('is shared with a separate module instance, as the hosted bundles are', async () => {
    // Built and imported the way the runtime imports a function: esbuild output, by file URL.
    const dir = await mkdtemp(join(tmpdir(), 'clock-bundle-'));
    let other: typeof import('../../shared/adapters/local-clock.js');
    try {
      const bundle = join(dir, 'local-clock.mjs');
      await build({
        entryPoints: [fileURLToPath(new URL('../../shared/adapters/local-clock.ts', import.meta.url))],
        bundle: true,
        format: 'esm',
        outfile: bundle,
        logLevel: 'silent',
      });
      other = (await import(/* @vite-ignore */ pathToFileURL(bundle).href)) as typeof import('../../shared/adapters/local-clock.js');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(other.sharedLocalClock).not.toBe(sharedLocalClock);
    const clock = install({ speed: 1, startAt: START, realTime: manualRealTime().realTime });

    clock.advance(DAY);
    expect(other.sharedLocalClock().now().toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });
});

describe('clockFromEnv', () => {
  it('is the system clock unless CLOCK=local, and fails naming CLOCK for anything else', async () => {
    const { clockFromEnv } = await import('../../functions/wiring.js');
    expect(clockFromEnv()).toBe(systemClock);
    vi.stubEnv('CLOCK', 'system');
    expect(clockFromEnv()).toBe(systemClock);

    vi.stubEnv('CLOCK', 'local');
    install({ speed: 1, startAt: START, realTime: manualRealTime().realTime });
    expect(clockFromEnv().now().toISOString()).toBe(START.toISOString());

    vi.stubEnv('CLOCK', 'fast');
    expect(() => clockFromEnv()).toThrow(/Invalid configuration: CLOCK/);
  });
});

describe('clock state in DATA_DIR', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'clock-state-'));
    dirs.push(dir);
    return dir;
  };

  it('resumes from a saved clock ahead of the real date, never from one behind it', async () => {
    const dir = await dataDir();
    const realNow = new Date('2026-03-02T00:00:00Z');
    expect(await readClockStart(dir, realNow)).toEqual(realNow);

    await saveClockState(dir, new Date('2026-05-01T00:00:00Z'));
    expect(JSON.parse(await readFile(join(dir, 'clock.json'), 'utf8'))).toEqual({ now: '2026-05-01T00:00:00.000Z' });
    expect(await readClockStart(dir, realNow)).toEqual(new Date('2026-05-01T00:00:00Z'));

    await saveClockState(dir, new Date('2026-01-01T00:00:00Z'));
    expect(await readClockStart(dir, realNow)).toEqual(realNow);
  });

  it('refuses a damaged state file, naming it', async () => {
    const dir = await dataDir();
    await writeFile(join(dir, 'clock.json'), '{"now": "yesterday"}');
    await expect(readClockStart(dir)).rejects.toThrow(/clock\.json is not a saved local clock/);
  });
});
