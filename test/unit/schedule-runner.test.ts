import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ScheduleRunner, startScheduleRunner, UnknownRuleError } from '../../infra/local/schedule-runner.js';
import type { LocalSchedule } from '../../infra/local/template.js';

const FN = (name: string) => `arn:aws:lambda:ap-northeast-2:000000000000:function:${name}`;
const RULE_ARN = (id: string) => `arn:aws:events:ap-northeast-2:000000000000:rule/${id}`;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const timersRule: LocalSchedule = {
  logicalId: 'TimersRule',
  arn: RULE_ARN('TimersRule'),
  expression: 'rate(15 minutes)',
  targets: [{ id: 'Target0', functionArn: FN('Timers') }],
};
const reportRule: LocalSchedule = {
  logicalId: 'MonthlyReportRule',
  arn: RULE_ARN('MonthlyReportRule'),
  expression: 'cron(0 0 1 * ? *)',
  targets: [{ id: 'Target0', functionArn: FN('Report'), input: { report: 'monthly' } }],
};

/** A clock the test moves by hand. */
function manualClock(start = '2026-03-02T00:00:00.250Z', speed = 1) {
  let current = new Date(start).getTime();
  return { speed, now: () => new Date(current), advance: (ms: number) => (current += ms) };
}

interface Call {
  functionArn: string;
  event: unknown;
}

/** A fake Lambda host: records each call; `respond` decides the outcome. */
function fakeFunctions(respond: (call: Call) => Promise<unknown> = async () => ({})) {
  const calls: Call[] = [];
  let running = 0;
  let maxRunning = 0;
  return {
    calls,
    maxConcurrent: () => maxRunning,
    invoke: async (functionArn: string, event: unknown) => {
      const call = { functionArn, event };
      calls.push(call);
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        return await respond(call);
      } finally {
        running -= 1;
      }
    },
  };
}

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Lets queued runs progress (real setImmediate: only the interval timers are faked). */
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((done) => setImmediate(done));
};

const runners: ScheduleRunner[] = [];
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  vi.useRealTimers();
});

function start(options: {
  schedules: LocalSchedule[];
  clock: ReturnType<typeof manualClock>;
  functions: ReturnType<typeof fakeFunctions>;
  checkEveryMs?: number;
}) {
  const logs: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  const runner = startScheduleRunner({
    schedules: options.schedules,
    clock: options.clock,
    invoke: options.functions.invoke,
    log: (level, message, fields) => logs.push({ level, message, fields }),
    // Tests call check() themselves unless they exercise the interval.
    checkEveryMs: options.checkEveryMs ?? 3_600_000,
    stopGraceMs: 100,
  });
  runners.push(runner);
  return { runner, logs };
}

describe('schedule runner', () => {
  it('fires a rule when the clock passes its next fire time, with the EventBridge scheduled event', async () => {
    const clock = manualClock();
    const functions = fakeFunctions();
    const { runner, logs } = start({ schedules: [timersRule], clock, functions });

    runner.check();
    await flush();
    expect(functions.calls).toHaveLength(0);

    clock.advance(15 * MINUTE);
    runner.check();
    await flush();
    expect(functions.calls).toHaveLength(1);
    expect(functions.calls[0]).toEqual({
      functionArn: FN('Timers'),
      event: {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: '2026-03-02T00:15:00Z',
        region: 'ap-northeast-2',
        resources: [RULE_ARN('TimersRule')],
        detail: {},
      },
    });
    expect(logs).toContainEqual({
      level: 'info',
      message: 'scheduled run',
      fields: expect.objectContaining({ rule: 'TimersRule', target: 'Target0', function: 'Timers', trigger: 'schedule' }),
    });

    // Not again until the next period.
    clock.advance(14 * MINUTE);
    runner.check();
    await flush();
    expect(functions.calls).toHaveLength(1);
  });

  it('coalesces the occurrences a jump of the clock skipped into one run', async () => {
    const clock = manualClock();
    const functions = fakeFunctions();
    const { runner } = start({ schedules: [timersRule], clock, functions });

    clock.advance(3 * DAY);
    runner.check();
    await flush();
    runner.check();
    await flush();
    expect(functions.calls).toHaveLength(1);
    expect(runner.upcoming()).toEqual([{ rule: 'TimersRule', expression: 'rate(15 minutes)', next: new Date('2026-03-05T00:15:00.250Z') }]);
  });

  it('passes a target its constant input instead of the scheduled event', async () => {
    const clock = manualClock('2026-03-31T23:59:00Z');
    const functions = fakeFunctions();
    const { runner } = start({ schedules: [reportRule], clock, functions });

    clock.advance(MINUTE);
    runner.check();
    await flush();
    expect(functions.calls).toEqual([{ functionArn: FN('Report'), event: { report: 'monthly' } }]);
  });

  it('never overlaps runs of one rule: the timer waits, a manual run queues behind the one in flight', async () => {
    const clock = manualClock();
    const gates = [deferred(), deferred()];
    const functions = fakeFunctions(async () => gates[functions.calls.length - 1]?.promise);
    const { runner } = start({ schedules: [timersRule], clock, functions });

    clock.advance(15 * MINUTE);
    runner.check();
    await flush();
    expect(functions.calls).toHaveLength(1);

    clock.advance(15 * MINUTE);
    runner.check();
    const manual = runner.runNow('TimersRule');
    await flush();
    expect(functions.calls).toHaveLength(1);

    gates[0]?.resolve();
    await flush();
    expect(functions.calls).toHaveLength(2);
    gates[1]?.resolve();
    expect(await manual).toEqual([{ rule: 'TimersRule', target: 'Target0', ok: true }]);
    // The occurrence that came due during the first run was not queued again behind it.
    runner.check();
    await flush();
    expect(functions.calls).toHaveLength(2);
    expect(functions.maxConcurrent()).toBe(1);
  });

  it('a manual run of a due rule stands for the due occurrence', async () => {
    const clock = manualClock();
    const functions = fakeFunctions();
    const { runner } = start({ schedules: [timersRule, reportRule], clock, functions });

    clock.advance(20 * MINUTE);
    expect(await runner.runNow('TimersRule')).toEqual([{ rule: 'TimersRule', target: 'Target0', ok: true }]);
    runner.check();
    await flush();
    expect(functions.calls.map((call) => call.functionArn)).toEqual([FN('Timers')]);
  });

  it('runs every rule on request, reports a failing target, and keeps running', async () => {
    const clock = manualClock();
    const functions = fakeFunctions(async (call) => {
      if (call.functionArn === FN('Report')) throw new Error('report bucket missing');
      return {};
    });
    const { runner, logs } = start({ schedules: [timersRule, reportRule], clock, functions });

    expect(await runner.runNow()).toEqual([
      { rule: 'TimersRule', target: 'Target0', ok: true },
      { rule: 'MonthlyReportRule', target: 'Target0', ok: false, error: 'report bucket missing' },
    ]);
    expect(logs).toContainEqual({
      level: 'error',
      message: 'scheduled run failed',
      fields: expect.objectContaining({
        rule: 'MonthlyReportRule',
        function: 'Report',
        trigger: 'manual',
        error: expect.stringContaining('report bucket missing'),
      }),
    });

    // A failing run by the timer does not stop later runs either.
    clock.advance(31 * DAY);
    runner.check();
    await flush();
    expect(await runner.runNow('TimersRule')).toEqual([{ rule: 'TimersRule', target: 'Target0', ok: true }]);
    expect(functions.calls.filter((call) => call.functionArn === FN('Report'))).toHaveLength(2);
  });

  it('runs every target of a rule even when one fails', async () => {
    const clock = manualClock();
    const functions = fakeFunctions(async (call) => {
      if (call.functionArn === FN('Broken')) throw new Error('boom');
      return {};
    });
    const twoTargets: LocalSchedule = {
      ...timersRule,
      targets: [
        { id: 'A', functionArn: FN('Broken') },
        { id: 'B', functionArn: FN('Timers') },
      ],
    };
    const { runner } = start({ schedules: [twoTargets], clock, functions });

    expect(await runner.runNow()).toEqual([
      { rule: 'TimersRule', target: 'A', ok: false, error: 'boom' },
      { rule: 'TimersRule', target: 'B', ok: true },
    ]);
  });

  it('names the known rules when asked for an unknown one, and runs nothing without rules', async () => {
    const functions = fakeFunctions();
    const { runner } = start({ schedules: [timersRule], clock: manualClock(), functions });
    await expect(runner.runNow('Nope')).rejects.toThrow(UnknownRuleError);
    await expect(runner.runNow('Nope')).rejects.toThrow(/known: TimersRule/);

    const empty = start({ schedules: [], clock: manualClock(), functions: fakeFunctions() });
    expect(await empty.runner.runNow()).toEqual([]);
  });

  it('refuses an unsupported expression when it starts', () => {
    expect(() =>
      start({ schedules: [{ ...timersRule, expression: 'cron(0 0 L * ? *)' }], clock: manualClock(), functions: fakeFunctions() }),
    ).toThrow(/L, W and # are not supported/);
  });

  it('logs what it found, and checks on a real-time interval scaled to the clock speed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = manualClock('2026-03-02T00:00:00Z', 1440);
    const functions = fakeFunctions();
    const logs: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
    const runner = startScheduleRunner({
      schedules: [timersRule, reportRule],
      clock,
      invoke: functions.invoke,
      log: (level, message, fields) => logs.push({ level, message, fields }),
    });
    runners.push(runner);
    // One local minute is 41.7 real ms at ×1440: the check interval bottoms out at 250 ms.
    expect(logs[0]).toEqual({
      level: 'info',
      message: 'schedules',
      fields: {
        checkEveryMs: 250,
        rules: [
          { rule: 'TimersRule', expression: 'rate(15 minutes)', targets: ['Timers'], next: '2026-03-02T00:15:00.000Z' },
          { rule: 'MonthlyReportRule', expression: 'cron(0 0 1 * ? *)', targets: ['Report'], next: '2026-04-01T00:00:00.000Z' },
        ],
      },
    });
    expect(runner.upcoming().map((rule) => rule.next?.toISOString())).toEqual(['2026-03-02T00:15:00.000Z', '2026-04-01T00:00:00.000Z']);

    clock.advance(15 * MINUTE);
    vi.advanceTimersByTime(249);
    await flush();
    expect(functions.calls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    await flush();
    expect(functions.calls).toHaveLength(1);

    await runner.stop();
    clock.advance(DAY);
    vi.advanceTimersByTime(10_000);
    await flush();
    expect(functions.calls).toHaveLength(1);
    await expect(runner.runNow()).rejects.toThrow(/stopped/);
  });
});
