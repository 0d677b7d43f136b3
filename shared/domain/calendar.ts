/**
 * Business dates (Asia/Shanghai, UTC+8 all year) as `YYYY-MM-DD` strings, and working days: weekends are
 * off unless listed as make-up working days (调休), listed holidays are off. Pure: today is passed in.
 */
export type IsoDate = string;

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The business date of an instant. */
export function businessDate(at: Date): IsoDate {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export const yearOf = (d: IsoDate) => Number(d.slice(0, 4));
export const monthOf = (d: IsoDate) => Number(d.slice(5, 7));

function toUtc(d: IsoDate): Date {
  return new Date(`${d}T00:00:00Z`);
}

export function addDays(d: IsoDate, days: number): IsoDate {
  const t = toUtc(d);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

export function lastDayOfMonth(year: number, month: number): IsoDate {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

export const isLastDayOfMonth = (d: IsoDate) => d === lastDayOfMonth(yearOf(d), monthOf(d));

export interface WorkCalendar {
  holidays: readonly IsoDate[];
  makeUpWorkdays: readonly IsoDate[];
}

export function isWorkingDay(d: IsoDate, cal: WorkCalendar): boolean {
  if (cal.makeUpWorkdays.includes(d)) return true;
  if (cal.holidays.includes(d)) return false;
  const weekday = toUtc(d).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The date `n` working days after `d` (d itself not counted). */
export function addWorkingDays(d: IsoDate, n: number, cal: WorkCalendar): IsoDate {
  let day = d;
  for (let left = n; left > 0; ) {
    day = addDays(day, 1);
    if (isWorkingDay(day, cal)) left--;
  }
  return day;
}

/** Working days from `from` (exclusive) to `to` (inclusive); 0 when `to` is not after `from`. */
export function workingDaysBetween(from: IsoDate, to: IsoDate, cal: WorkCalendar): number {
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isWorkingDay(day, cal)) count++;
  return count;
}
