import * as holidaysByYear from '@hyunbinseo/holidays-kr/all';
import { HolidayDataMissingError, type HolidaySource } from './business-days.js';

/**
 * Korean public holidays (관공서의 공휴일에 관한 규정, substitute holidays and election days included)
 * from `@hyunbinseo/holidays-kr`, which publishes the 월력요항 the government announces each year.
 * Keeping it current is a dependency update (`npm install -E @hyunbinseo/holidays-kr@latest`), not a code change.
 */
const presets: Record<string, Readonly<Record<string, readonly string[]>> | undefined> = { ...holidaysByYear };

export const koreanHolidays: HolidaySource = {
  holidayOn(date) {
    const preset = presets[`y${date.slice(0, 4)}`];
    if (!preset) {
      throw new HolidayDataMissingError(
        `no Korean holiday data for ${date.slice(0, 4)}: update @hyunbinseo/holidays-kr (the year's 월력요항 is announced the June before)`,
      );
    }
    return preset[date];
  },
};

/** The years the installed holiday data covers (for the startup check and the README). */
export const coveredHolidayYears = (): number[] =>
  Object.keys(presets)
    .filter((name) => /^y\d{4}$/.test(name))
    .map((name) => Number(name.slice(1)))
    .sort((a, b) => a - b);
