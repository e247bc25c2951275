/**
 * EventBridge schedule expressions, evaluated locally: `rate(N unit)` and the 6-field AWS
 * `cron(minutes hours day-of-month month day-of-week year)` in UTC.
 *
 * Written here rather than taken from npm: the general cron libraries (cron-parser, croner) number
 * days of the week from 0 = Sunday and OR day-of-month with day-of-week, where AWS numbers 1 = SUN
 * and requires `?` in one of the two; aws-cron-parser silently misreads unsorted lists. Anything this
 * evaluator does not support (`L`, `W`, `#`, wrap-around ranges) is rejected when the runtime starts,
 * never guessed at.
 */
export type ScheduleExpression = { kind: 'rate'; expression: string; periodMs: number } | { kind: 'cron'; expression: string; fields: CronFields };

export interface CronFields {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  /** undefined: `?` (the day is chosen by day-of-week). */
  daysOfMonth: ReadonlySet<number> | undefined;
  months: ReadonlySet<number>;
  /** 1 = SUN … 7 = SAT, as AWS numbers them; undefined: `?`. */
  daysOfWeek: ReadonlySet<number> | undefined;
  years: ReadonlySet<number>;
}

export class ScheduleExpressionError extends Error {
  override name = 'ScheduleExpressionError';
  constructor(expression: string, problem: string) {
    super(`schedule expression "${expression}": ${problem}`);
  }
}

const MINUTE = 60_000;
const RATE_UNITS = { minute: MINUTE, hour: 60 * MINUTE, day: 24 * 60 * MINUTE } as const;

export function parseScheduleExpression(expression: string): ScheduleExpression {
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return { kind: 'rate', expression, periodMs: parseRate(expression, rate[1] ?? '') };
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return { kind: 'cron', expression, fields: parseCron(expression, cron[1] ?? '') };
  throw new ScheduleExpressionError(expression, 'expected rate(...) or cron(...)');
}

function parseRate(expression: string, body: string): number {
  const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!match) throw new ScheduleExpressionError(expression, 'expected rate(N minute|minutes|hour|hours|day|days)');
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  if (!Number.isSafeInteger(value) || value < 1) throw new ScheduleExpressionError(expression, 'the rate must be a positive whole number');
  // AWS refuses `rate(1 minutes)` and `rate(5 minute)`; so does this, so nothing passes locally that fails to deploy.
  const singular = !unit.endsWith('s');
  if (singular !== (value === 1))
    throw new ScheduleExpressionError(expression, value === 1 ? 'use the singular unit for 1' : 'use the plural unit for more than 1');
  const base = singular ? unit : unit.slice(0, -1);
  return value * RATE_UNITS[base as keyof typeof RATE_UNITS];
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  daysOfMonth: { name: 'day-of-month', min: 1, max: 31 },
  months: { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  daysOfWeek: { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
  years: { name: 'year', min: 1970, max: 2199 },
} satisfies Record<keyof CronFields, FieldSpec>;

function parseCron(expression: string, body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6)
    throw new ScheduleExpressionError(expression, `expected 6 fields (minutes hours day-of-month month day-of-week year), found ${parts.length}`);
  const [minutes = '', hours = '', daysOfMonth = '', months = '', daysOfWeek = '', years = ''] = parts;
  // AWS: exactly one of day-of-month and day-of-week is `?`.
  if ((daysOfMonth === '?') === (daysOfWeek === '?')) {
    throw new ScheduleExpressionError(expression, 'exactly one of day-of-month and day-of-week must be ?');
  }
  const field = (spec: FieldSpec, source: string) => parseField(expression, spec, source);
  return {
    minutes: field(FIELDS.minutes, minutes),
    hours: field(FIELDS.hours, hours),
    daysOfMonth: daysOfMonth === '?' ? undefined : field(FIELDS.daysOfMonth, daysOfMonth),
    months: field(FIELDS.months, months),
    daysOfWeek: daysOfWeek === '?' ? undefined : field(FIELDS.daysOfWeek, daysOfWeek),
    years: field(FIELDS.years, years),
  };
}

/** `*`, `a`, `a-b`, `*` or `a` or `a-b` followed by `/step`, and comma-separated lists of those. */
function parseField(expression: string, spec: FieldSpec, source: string): Set<number> {
  const fail = (problem: string): never => {
    throw new ScheduleExpressionError(expression, `${spec.name} "${source}": ${problem}`);
  };
  const value = (token: string): number => {
    const byName = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    if (byName < 0 && /[LW#]/i.test(token)) fail('L, W and # are not supported by the local runtime');
    const number = byName >= 0 ? byName + spec.min : /^\d+$/.test(token) ? Number(token) : fail(`"${token}" is not a ${spec.name} value`);
    if (number < spec.min || number > spec.max) fail(`${token} is outside ${spec.min}-${spec.max}`);
    return number;
  };
  const values = new Set<number>();
  for (const item of source.split(',')) {
    const match = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    const range = match?.[1];
    if (!match || !range) return fail(`"${item}" is not supported syntax`);
    const step = match[2] === undefined ? 1 : Number(match[2]);
    if (step < 1) fail('a step must be at least 1');
    let from: number;
    let to: number;
    if (range === '*') {
      [from, to] = [spec.min, spec.max];
    } else if (range.includes('-')) {
      const [start = '', end = '', ...rest] = range.split('-');
      if (rest.length > 0) fail(`"${range}" is not a range`);
      [from, to] = [value(start), value(end)];
      if (from > to) fail(`the range ${range} wraps around, which the local runtime does not support`);
    } else {
      // Quartz semantics: `5/15` means from 5 to the end of the field, every 15.
      from = value(range);
      to = match[2] === undefined ? from : spec.max;
    }
    for (let current = from; current <= to; current += step) values.add(current);
  }
  return values;
}

/**
 * The first fire time strictly after `after`, or undefined if the expression never fires again.
 * `anchor` is when a rate schedule started counting (EventBridge counts rates from the rule's creation).
 */
export function nextFireTime(schedule: ScheduleExpression, after: Date, anchor: Date): Date | undefined {
  if (schedule.kind === 'rate') {
    const elapsed = after.getTime() - anchor.getTime();
    const periods = elapsed < 0 ? 0 : Math.floor(elapsed / schedule.periodMs) + 1;
    return new Date(anchor.getTime() + periods * schedule.periodMs);
  }
  return nextCronTime(schedule.fields, after);
}

function nextCronTime(fields: CronFields, after: Date): Date | undefined {
  // Cron fires on whole minutes: start at the first whole minute strictly after `after`.
  let time = new Date(Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE);
  const lastYear = Math.max(...fields.years);
  for (;;) {
    const year = time.getUTCFullYear();
    if (year > lastYear) return undefined;
    if (!fields.years.has(year)) {
      time = new Date(Date.UTC(year + 1, 0, 1));
      continue;
    }
    const month = time.getUTCMonth();
    if (!fields.months.has(month + 1)) {
      time = new Date(Date.UTC(year, month + 1, 1));
      continue;
    }
    const day = time.getUTCDate();
    const dayMatches = fields.daysOfMonth ? fields.daysOfMonth.has(day) : (fields.daysOfWeek?.has(time.getUTCDay() + 1) ?? false);
    if (!dayMatches) {
      time = new Date(Date.UTC(year, month, day + 1));
      continue;
    }
    const hour = time.getUTCHours();
    if (!fields.hours.has(hour)) {
      time = new Date(Date.UTC(year, month, day, hour + 1));
      continue;
    }
    if (!fields.minutes.has(time.getUTCMinutes())) {
      time = new Date(time.getTime() + MINUTE);
      continue;
    }
    return time;
  }
}
