import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessDaysBetween, isBusinessDay } from '../../shared/calendar/business-days.js';
import { coveredHolidayYears, koreanHolidays } from '../../shared/calendar/korean-holidays.js';

const at = (seoulLocal: string) => new Date(`${seoulLocal}+09:00`);
const add = (start: string, duration: Parameters<typeof addBusinessTime>[1]) => addBusinessTime(at(start), duration, koreanHolidays, 9).toISOString();

describe('business days in Asia/Seoul', () => {
  it('knows weekends, 추석, substitute holidays and election days from the holiday data', () => {
    expect(isBusinessDay('2026-11-24', koreanHolidays)).toBe(true); // a Tuesday
    expect(isBusinessDay('2026-11-28', koreanHolidays)).toBe(false); // Saturday
    expect(isBusinessDay('2026-09-25', koreanHolidays)).toBe(false); // 추석
    expect(isBusinessDay('2026-10-05', koreanHolidays)).toBe(false); // 대체공휴일(개천절)
    expect(isBusinessDay('2026-06-03', koreanHolidays)).toBe(false); // 전국동시지방선거
    expect(coveredHolidayYears()).toEqual(expect.arrayContaining([2026, 2027]));
  });

  it('counts business days at the same time of day, skipping weekends', () => {
    expect(add('2026-11-24T10:30:00', { businessDays: 2 })).toBe(at('2026-11-26T10:30:00').toISOString());
    expect(add('2026-11-26T10:30:00', { businessDays: 2 })).toBe(at('2026-11-30T10:30:00').toISOString()); // Thu → Mon
  });

  it("skips a holiday week: two business days from the eve of 추석 2026 land after 개천절's substitute day", () => {
    // 9/23 (Wed) → 9/24–26 추석 연휴, 9/27 Sun, 9/28 Mon (1), 9/29 Tue (2)
    expect(add('2026-09-23T15:00:00', { businessDays: 2 })).toBe(at('2026-09-29T15:00:00').toISOString());
    // 10/2 (Fri) → 10/3 Sat 개천절, 10/4 Sun, 10/5 substitute holiday, 10/6 Tue (1), 10/7 Wed (2)
    expect(add('2026-10-02T11:00:00', { businessDays: 2 })).toBe(at('2026-10-07T11:00:00').toISOString());
  });

  it('a wait that starts outside business days counts from the start of the next working day', () => {
    expect(add('2026-11-28T22:00:00', { businessDays: 1 })).toBe(at('2026-12-01T09:00:00').toISOString()); // Sat night → Mon 09:00 + 1
  });

  it('hours are plain hours, round the clock (urgent matters)', () => {
    expect(add('2026-11-28T22:00:00', { hours: 4 })).toBe(at('2026-11-29T02:00:00').toISOString());
  });

  it('counts the business days between two dates', () => {
    expect(businessDaysBetween('2026-09-23', '2026-09-30', koreanHolidays)).toBe(3);
  });

  it('fails loudly for a year the holiday data does not cover, rather than guessing', () => {
    expect(() => isBusinessDay('2031-03-03', koreanHolidays)).toThrow(/no Korean holiday data for 2031/);
  });
});
