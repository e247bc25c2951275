import { describe, expect, it } from 'vitest';
import { nextFireTime, parseScheduleExpression } from '../../infra/local/schedule-expression.js';

const at = (iso: string) => new Date(iso);
const ANCHOR = at('2026-03-02T00:00:00Z'); // a Monday

/** The next `count` fire times after `from`, each computed from the previous one. */
function fires(expression: string, from: string, count: number, anchor = ANCHOR): string[] {
  const schedule = parseScheduleExpression(expression);
  const times: string[] = [];
  let after = at(from);
  for (let i = 0; i < count; i++) {
    const next = nextFireTime(schedule, after, anchor);
    if (!next) break;
    times.push(next.toISOString());
    after = next;
  }
  return times;
}

describe('rate expressions', () => {
  it('rate(15 minutes) fires every 15 minutes counted from when the schedule started', () => {
    expect(fires('rate(15 minutes)', '2026-03-02T00:00:00Z', 3)).toEqual([
      '2026-03-02T00:15:00.000Z',
      '2026-03-02T00:30:00.000Z',
      '2026-03-02T00:45:00.000Z',
    ]);
    // Not aligned to the wall clock: a schedule that started at 00:07:30 fires at 00:22:30.
    expect(fires('rate(15 minutes)', '2026-03-02T00:07:30Z', 1, at('2026-03-02T00:07:30Z'))).toEqual(['2026-03-02T00:22:30.000Z']);
  });

  it('after a jump of the clock, the next fire is the first period boundary after it (missed ones are not replayed)', () => {
    const schedule = parseScheduleExpression('rate(15 minutes)');
    expect(nextFireTime(schedule, at('2026-03-05T10:14:59Z'), ANCHOR)?.toISOString()).toBe('2026-03-05T10:15:00.000Z');
    expect(nextFireTime(schedule, at('2026-03-05T10:15:00Z'), ANCHOR)?.toISOString()).toBe('2026-03-05T10:30:00.000Z');
  });

  it('reads minutes, hours and days, singular for 1 and plural otherwise', () => {
    expect(parseScheduleExpression('rate(1 minute)')).toMatchObject({ kind: 'rate', periodMs: 60_000 });
    expect(parseScheduleExpression('rate(1 hour)')).toMatchObject({ kind: 'rate', periodMs: 3_600_000 });
    expect(parseScheduleExpression('rate(2 hours)')).toMatchObject({ kind: 'rate', periodMs: 7_200_000 });
    expect(parseScheduleExpression('rate(1 day)')).toMatchObject({ kind: 'rate', periodMs: 86_400_000 });
    expect(parseScheduleExpression('rate(7 days)')).toMatchObject({ kind: 'rate', periodMs: 7 * 86_400_000 });
  });

  it.each([
    ['rate(1 minutes)', /singular/],
    ['rate(5 minute)', /plural/],
    ['rate(0 minutes)', /positive/],
    ['rate(30 seconds)', /expected rate\(N minute/],
    ['rate(1.5 hours)', /expected rate\(N minute/],
    ['rate(-5 minutes)', /expected rate\(N minute/],
    ['rate(5  minutes)', /expected rate\(N minute/],
    ['every 5 minutes', /expected rate\(\.\.\.\) or cron\(\.\.\.\)/],
  ])('refuses %s', (expression, problem) => {
    expect(() => parseScheduleExpression(expression)).toThrow(problem);
  });
});

describe('cron expressions (AWS 6 fields, UTC)', () => {
  it('cron(0 0 1 * ? *) fires at 00:00 UTC on the 1st of each month', () => {
    expect(fires('cron(0 0 1 * ? *)', '2026-03-02T00:00:00Z', 3)).toEqual([
      '2026-04-01T00:00:00.000Z',
      '2026-05-01T00:00:00.000Z',
      '2026-06-01T00:00:00.000Z',
    ]);
    expect(fires('cron(0 0 1 * ? *)', '2026-12-31T23:59:30Z', 1)).toEqual(['2027-01-01T00:00:00.000Z']);
    // Strictly after: at the fire time itself, the next one is a month later.
    expect(fires('cron(0 0 1 * ? *)', '2026-04-01T00:00:00Z', 1)).toEqual(['2026-05-01T00:00:00.000Z']);
  });

  it('numbers days of the week from 1 = SUN and accepts their names, ranges and steps', () => {
    // Every 15 minutes from 09:00 to 09:59, Monday to Friday: from Friday evening to Monday morning.
    expect(fires('cron(0/15 9 ? * MON-FRI *)', '2026-03-06T17:00:00Z', 5)).toEqual([
      '2026-03-09T09:00:00.000Z',
      '2026-03-09T09:15:00.000Z',
      '2026-03-09T09:30:00.000Z',
      '2026-03-09T09:45:00.000Z',
      '2026-03-10T09:00:00.000Z',
    ]);
    expect(fires('cron(0 12 ? * 1 *)', '2026-03-02T00:00:00Z', 2)).toEqual(['2026-03-08T12:00:00.000Z', '2026-03-15T12:00:00.000Z']);
    expect(fires('cron(0 12 ? * sun *)', '2026-03-02T00:00:00Z', 1)).toEqual(['2026-03-08T12:00:00.000Z']);
    expect(fires('cron(0 8 ? * 2,4,6 *)', '2026-03-02T09:00:00Z', 3)).toEqual([
      '2026-03-04T08:00:00.000Z',
      '2026-03-06T08:00:00.000Z',
      '2026-03-09T08:00:00.000Z',
    ]);
  });

  it('reads lists in any order, `a/b` as "from a every b", and a range with a step', () => {
    expect(fires('cron(12,6 0 ? * * *)', '2026-03-02T00:00:00Z', 3)).toEqual([
      '2026-03-02T00:06:00.000Z',
      '2026-03-02T00:12:00.000Z',
      '2026-03-03T00:06:00.000Z',
    ]);
    expect(fires('cron(5/20 10 * * ? *)', '2026-03-02T00:00:00Z', 4)).toEqual([
      '2026-03-02T10:05:00.000Z',
      '2026-03-02T10:25:00.000Z',
      '2026-03-02T10:45:00.000Z',
      '2026-03-03T10:05:00.000Z',
    ]);
    expect(fires('cron(0 0-6/3 * * ? *)', '2026-03-02T00:00:00Z', 3)).toEqual([
      '2026-03-02T03:00:00.000Z',
      '2026-03-02T06:00:00.000Z',
      '2026-03-03T00:00:00.000Z',
    ]);
  });

  it('fires on whole minutes, months by name, and a given year', () => {
    expect(fires('cron(30 23 31 DEC ? 2027)', '2026-03-02T00:00:00Z', 2)).toEqual(['2027-12-31T23:30:00.000Z']);
    expect(fires('cron(* * * * ? *)', '2026-03-02T10:00:30.500Z', 2)).toEqual(['2026-03-02T10:01:00.000Z', '2026-03-02T10:02:00.000Z']);
  });

  it('finds the next 29 February, and reports a date that never comes as no fire', () => {
    expect(fires('cron(0 0 29 2 ? *)', '2026-03-02T00:00:00Z', 1)).toEqual(['2028-02-29T00:00:00.000Z']);
    expect(nextFireTime(parseScheduleExpression('cron(0 0 30 2 ? *)'), ANCHOR, ANCHOR)).toBeUndefined();
    expect(nextFireTime(parseScheduleExpression('cron(0 0 1 1 ? 2020)'), ANCHOR, ANCHOR)).toBeUndefined();
  });

  it.each([
    ['cron(0 0 1 * ?)', /expected 6 fields/],
    ['cron(0 0 1 * * *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 0 ? * ? *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 0 L * ? *)', /L, W and # are not supported/],
    ['cron(0 0 15W * ? *)', /L, W and # are not supported/],
    ['cron(0 0 ? * 6#3 *)', /L, W and # are not supported/],
    ['cron(0 0 ? * 6L *)', /L, W and # are not supported/],
    ['cron(0 0 ? * FRI-MON *)', /wraps around/],
    ['cron(60 0 * * ? *)', /minutes "60": 60 is outside 0-59/],
    ['cron(0 24 * * ? *)', /hours "24": 24 is outside 0-23/],
    ['cron(0 0 ? * 0 *)', /day-of-week "0": 0 is outside 1-7/],
    ['cron(0 0 1 13 ? *)', /month "13"/],
    ['cron(*/0 0 * * ? *)', /step must be at least 1/],
    ['cron(0 0 1 FOO ? *)', /"FOO" is not a month value/],
    ['cron(0 0 1-2-3 * ? *)', /is not a range/],
    ['cron(0 0 1 * ? 1969)', /1969 is outside 1970-2199/],
  ])('refuses %s', (expression, problem) => {
    expect(() => parseScheduleExpression(expression)).toThrow(problem);
  });
});
