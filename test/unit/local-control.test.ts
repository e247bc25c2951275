import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeLocalControl, parseIsoDuration } from '../../infra/local/local-control.js';
import { ephemeralRange, freePort } from '../../infra/local/process-environment.js';
import { type ScheduleRunResult, UnknownRuleError } from '../../infra/local/schedule-runner.js';
import { installLocalClock, type LocalClockControl, uninstallLocalClock } from '../../shared/adapters/local-clock.js';

const START = new Date('2026-03-02T00:00:00.000Z');

let clock: LocalClockControl | undefined;
afterEach(() => {
  if (clock) uninstallLocalClock(clock);
  clock = undefined;
});

function setup(ran: ScheduleRunResult[] = []) {
  let realMs = 0;
  clock = installLocalClock({ speed: 1440, startAt: START, realTime: () => realMs });
  const runs: (string | undefined)[] = [];
  const moved: string[] = [];
  let checks = 0;
  const control = makeLocalControl({
    clock,
    schedules: {
      async runNow(rule) {
        if (rule === 'Nope') throw new UnknownRuleError('Nope', ['TimersRule']);
        runs.push(rule);
        return ran;
      },
      check: () => {
        checks += 1;
      },
      upcoming: () => [{ rule: 'TimersRule', expression: 'rate(15 minutes)', next: new Date('2026-11-24T01:15:00Z') }],
    },
    onClockMoved: async (now) => void moved.push(now.toISOString()),
  });
  const call = (method: string, path: string, body?: unknown) =>
    control({ method, path, body: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)) });
  return { call, runs, moved, checks: () => checks, passReal: (ms: number) => (realMs += ms) };
}

describe('ISO-8601 durations', () => {
  it.each([
    ['PT3H', 3 * 3_600_000],
    ['P2D', 2 * 86_400_000],
    ['P1DT2H', 86_400_000 + 2 * 3_600_000],
    ['PT15M', 15 * 60_000],
    ['PT0.5S', 500],
    ['P1W', 7 * 86_400_000],
    ['PT0S', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each([
    ['P1M', /연·월 단위/],
    ['P1Y2D', /연·월 단위/],
    ['P', /ISO-8601 기간이 아닙니다/],
    ['PT', /ISO-8601 기간이 아닙니다/],
    ['P1DT', /ISO-8601 기간이 아닙니다/],
    ['-P1D', /ISO-8601 기간이 아닙니다/],
    ['3 hours', /ISO-8601 기간이 아닙니다/],
    ['p1d', /ISO-8601 기간이 아닙니다/],
  ])('refuses %s', (text, problem) => {
    expect(() => parseIsoDuration(text)).toThrow(problem);
  });
});

describe('/_local control endpoints', () => {
  it('GET /_local/clock tells the local time and speed', async () => {
    const { call, passReal } = setup();
    passReal(60_000);
    expect(await call('GET', '/_local/clock')).toEqual({ status: 200, body: { now: '2026-03-03T00:00:00.000Z', speed: 1440 } });
  });

  it('advances the clock by a duration, saves it and checks the schedules at once', async () => {
    const { call, moved, checks } = setup();
    expect(await call('POST', '/_local/clock', { advance: 'P1DT2H' })).toEqual({ status: 200, body: { now: '2026-03-03T02:00:00.000Z' } });
    expect(await call('GET', '/_local/clock')).toMatchObject({ body: { now: '2026-03-03T02:00:00.000Z' } });
    expect(moved).toEqual(['2026-03-03T02:00:00.000Z']);
    expect(checks()).toBe(1);
  });

  it('sets the clock to a date-time with an offset, never backwards', async () => {
    const { call, moved } = setup();
    expect(await call('POST', '/_local/clock', { set: '2026-04-01T09:00:00+09:00' })).toEqual({
      status: 200,
      body: { now: '2026-04-01T00:00:00.000Z' },
    });

    const back = await call('POST', '/_local/clock', { set: '2026-03-15T00:00:00Z' });
    expect(back).toEqual({ status: 400, body: { message: expect.stringContaining('시계를 뒤로 돌릴 수 없습니다') } });
    expect(moved).toEqual(['2026-04-01T00:00:00.000Z']);
  });

  it.each([
    ['no JSON', 'advance=P1D', /올바른 JSON이 아닙니다/],
    ['an empty body', undefined, /"advance"/],
    ['both fields', { advance: 'P1D', set: '2026-04-01T00:00:00Z' }, /"advance"/],
    ['an unknown field', { forward: 'P1D' }, /"advance"/],
    ['a date without offset', { set: '2026-04-01T09:00:00' }, /시간대가 있는 ISO 날짜·시각/],
    ['a duration in months', { advance: 'P1M' }, /연·월 단위/],
    ['a number of ms', { advance: 3600000 }, /"advance"/],
    ['a duration beyond the last date', { advance: 'P999999999D' }, /기간이 너무 깁니다/],
  ])('answers 400 to a clock change with %s, and the clock stays', async (_, body, problem) => {
    const { call, moved } = setup();
    const response = await call('POST', '/_local/clock', body);
    expect(response?.status).toBe(400);
    expect(response?.body).toEqual({ message: expect.stringMatching(problem) });
    expect(moved).toEqual([]);
    expect(await call('GET', '/_local/clock')).toMatchObject({ body: { now: START.toISOString() } });
  });

  it('runs all schedules, or the named rule, and answers what ran', async () => {
    const ran = [{ rule: 'TimersRule', target: 'Target0', ok: false, error: 'boom' }];
    const { call, runs } = setup(ran);
    expect(await call('POST', '/_local/schedules/run')).toEqual({ status: 200, body: { ran } });
    expect(await call('POST', '/_local/schedules/run', {})).toEqual({ status: 200, body: { ran } });
    expect(await call('POST', '/_local/schedules/run', { rule: 'TimersRule' })).toEqual({ status: 200, body: { ran } });
    expect(runs).toEqual([undefined, undefined, 'TimersRule']);

    expect(await call('POST', '/_local/schedules/run', { rule: 'Nope' })).toEqual({
      status: 404,
      body: { message: '켜져 있는 예약 규칙 Nope이(가) 없습니다 (있는 규칙: TimersRule)' },
    });
    expect(await call('POST', '/_local/schedules/run', { rule: 7 })).toMatchObject({ status: 400 });
  });

  it('leaves other paths to the API, and answers unknown local paths and methods', async () => {
    const { call } = setup();
    expect(await call('GET', '/requests')).toBeUndefined();
    expect(await call('GET', '/_local/schedules/run')).toMatchObject({ status: 405 });
    expect(await call('DELETE', '/_local/clock')).toMatchObject({ status: 405 });
    expect(await call('GET', '/_local/nothing')).toMatchObject({ status: 404 });
  });
});

describe('a port for a server that binds it later', () => {
  it('is free, and outside the range listeners on port 0 take theirs from (the local S3 once took DynamoDB Local’s)', async () => {
    const [low, high] = ephemeralRange();
    const taken = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of taken) expect(port < low || port > high, `${port} in ${low}-${high}`).toBe(true);
    const server = createServer();
    await new Promise<void>((done) => server.listen(taken[0], '127.0.0.1', () => done()));
    expect((server.address() as AddressInfo).port).toBe(taken[0]);
    await new Promise((done) => server.close(done));
  });
});
