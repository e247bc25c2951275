/**
 * Calendar arithmetic in Asia/Seoul. Instants are ISO strings in UTC (`toISOString()`);
 * calendar dates are `YYYY-MM-DD` strings in Seoul's calendar.
 */
const seoulDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Seoul',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const seoulDateTimeFormat = new Intl.DateTimeFormat('ko-KR', {
  timeZone: 'Asia/Seoul',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export type IsoDate = string;

/** The Seoul calendar date of an instant. */
export function seoulDate(instant: Date): IsoDate {
  return seoulDateFormat.format(instant);
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** Full years between a birth date and a date, as Korean law counts age (만 나이). */
export function ageOn(birthDate: IsoDate, date: IsoDate): number {
  const years = yearOf(date) - yearOf(birthDate);
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** `2026년 11월 24일 14:05` — for people, in Seoul time. */
export function formatSeoulDateTime(instant: string): string {
  return seoulDateTimeFormat.format(new Date(instant));
}

export function formatKrw(amount: number): string {
  return `${amount.toLocaleString('ko-KR')}원`;
}

/** The instant a submitted date-time means: with an offset as given, without one in Seoul time. */
export function instantOf(value: string): string {
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}+09:00`;
  return new Date(zoned).toISOString();
}
