import { type IsoDate, seoulDate } from '../kernel/seoul-time.js';

/**
 * Business time in Asia/Seoul. Weekends and public holidays are not business days; the
 * holidays come from a data source that is updated yearly (see korean-holidays.ts), never a guess.
 */
export interface HolidaySource {
  /** Holiday names on a Seoul date, or undefined. Throws `HolidayDataMissingError` for a year it has no data for. */
  holidayOn(date: IsoDate): readonly string[] | undefined;
}

export class HolidayDataMissingError extends Error {
  override name = 'HolidayDataMissingError';
}

/** A waiting time: business days (counted on the Seoul calendar) or plain hours (urgent matters, round the clock). */
export type BusinessDuration = { businessDays: number } | { hours: number };

const SEOUL_OFFSET_MS = 9 * 3_600_000; // Korea has no daylight saving time.
const DAY_MS = 86_400_000;

export function isBusinessDay(date: IsoDate, holidays: HolidaySource): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return holidays.holidayOn(date) === undefined;
}

const nextDate = (date: IsoDate): IsoDate => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The instant `hour`:00 Seoul time on a Seoul date. */
const seoulInstant = (date: IsoDate, hour: number): Date => new Date(Date.parse(`${date}T00:00:00Z`) - SEOUL_OFFSET_MS + hour * 3_600_000);

/**
 * When a waiting time that starts at `start` runs out.
 * - `hours`: exactly that many hours later.
 * - `businessDays`: the same Seoul time of day, that many business days later. A start outside
 *   business days (a Saturday, 추석) counts from `workdayStartHour` on the next business day, so a
 *   request filed on Friday night gives its approver the whole of Monday and Tuesday.
 */
export function addBusinessTime(start: Date, duration: BusinessDuration, holidays: HolidaySource, workdayStartHour: number): Date {
  if ('hours' in duration) return new Date(start.getTime() + duration.hours * 3_600_000);
  let date = seoulDate(start);
  let timeOfDayMs = (start.getTime() + SEOUL_OFFSET_MS) % DAY_MS;
  if (!isBusinessDay(date, holidays)) {
    while (!isBusinessDay(date, holidays)) date = nextDate(date);
    timeOfDayMs = workdayStartHour * 3_600_000;
  }
  for (let remaining = duration.businessDays; remaining > 0; ) {
    date = nextDate(date);
    if (isBusinessDay(date, holidays)) remaining -= 1;
  }
  return new Date(seoulInstant(date, 0).getTime() + timeOfDayMs);
}

/** Business days from `from` up to `to` (both Seoul dates; `from` excluded, `to` included). */
export function businessDaysBetween(from: IsoDate, to: IsoDate, holidays: HolidaySource): number {
  let count = 0;
  for (let date = from; date < to; ) {
    date = nextDate(date);
    if (isBusinessDay(date, holidays)) count += 1;
  }
  return count;
}
