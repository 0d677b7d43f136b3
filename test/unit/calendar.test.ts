// Business dates and working days (domain.md: Asia/Shanghai; §3 rectification deadlines in working days,
// honouring weekends, configured holidays and make-up working days 调休). Pure: no clock is read.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  businessDate,
  isLastDayOfMonth,
  isWorkingDay,
  lastDayOfMonth,
  type WorkCalendar,
  workingDaysBetween,
} from '../../shared/domain/calendar.js';

const plain: WorkCalendar = { holidays: [], makeUpWorkdays: [] };

// 2026-01-09 is a Friday, 2026-01-10/11 the weekend after it.
const FRIDAY = '2026-01-09';

describe('businessDate (Asia/Shanghai, UTC+8)', () => {
  it('is still the same day one second before 16:00 UTC', () => {
    expect(businessDate(new Date('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01');
  });

  it('is the next day from 16:00 UTC on (midnight in Shanghai)', () => {
    expect(businessDate(new Date('2026-03-01T16:00:00.000Z'))).toBe('2026-03-02');
  });

  it('moves into the next fiscal year on 31 December at 16:00 UTC', () => {
    expect(businessDate(new Date('2026-12-31T16:00:00.000Z'))).toBe('2027-01-01');
  });

  it('keeps the UTC date in the morning: 00:30 UTC is 08:30 the same day', () => {
    expect(businessDate(new Date('2026-07-01T00:30:00.000Z'))).toBe('2026-07-01');
  });
});

describe('calendar helpers', () => {
  it('addDays crosses a month end', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
  });

  it('lastDayOfMonth knows February of a leap year', () => {
    expect(lastDayOfMonth(2028, 2)).toBe('2028-02-29');
  });

  it('isLastDayOfMonth: 2026-02-28 yes, 2028-02-28 no', () => {
    expect([isLastDayOfMonth('2026-02-28'), isLastDayOfMonth('2028-02-28')]).toEqual([true, false]);
  });
});

describe('isWorkingDay', () => {
  it('a Saturday and a Sunday are off', () => {
    expect([isWorkingDay('2026-01-10', plain), isWorkingDay('2026-01-11', plain)]).toEqual([false, false]);
  });

  it('a configured holiday on a weekday is off', () => {
    expect(isWorkingDay('2026-01-12', { holidays: ['2026-01-12'], makeUpWorkdays: [] })).toBe(false);
  });

  it('a configured make-up working day (调休) on a Saturday is a working day', () => {
    expect(isWorkingDay('2026-01-10', { holidays: [], makeUpWorkdays: ['2026-01-10'] })).toBe(true);
  });
});

describe('addWorkingDays', () => {
  it('one working day after a Friday is the Monday (the weekend skipped)', () => {
    expect(addWorkingDays(FRIDAY, 1, plain)).toBe('2026-01-12');
  });

  it('10 working days from a Friday end on the Friday two weeks later', () => {
    expect(addWorkingDays(FRIDAY, 10, plain)).toBe('2026-01-23');
  });

  it('a configured holiday on the Monday pushes the deadline one working day', () => {
    const cal = { holidays: ['2026-01-12'], makeUpWorkdays: [] };

    expect(addWorkingDays(FRIDAY, 10, cal)).toBe('2026-01-26');
  });

  it('a make-up working day on the Saturday counts: 10 working days end a day earlier', () => {
    const cal = { holidays: [], makeUpWorkdays: ['2026-01-10'] };

    expect(addWorkingDays(FRIDAY, 10, cal)).toBe('2026-01-22');
  });

  it('a holiday week with make-up Saturdays around it (a Spring Festival shape)', () => {
    // Off Mon 02-16 … Mon 02-23; Saturdays 02-14 and 02-28 are make-up working days.
    const cal = {
      holidays: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23'],
      makeUpWorkdays: ['2026-02-14', '2026-02-28'],
    };

    // From Fri 02-13: Sat 02-14 (1), Tue 02-24 … Fri 02-27 (2–5), Sat 02-28 (6), Mon 03-02 … Thu 03-05 (7–10).
    expect(addWorkingDays('2026-02-13', 10, cal)).toBe('2026-03-05');
  });

  it('does not count the start day itself, even when it is a working day', () => {
    expect(addWorkingDays('2026-01-05', 1, plain)).toBe('2026-01-06');
  });

  it('starting on a Saturday, the first working day is the Monday', () => {
    expect(addWorkingDays('2026-01-10', 1, plain)).toBe('2026-01-12');
  });
});

describe('workingDaysBetween', () => {
  it('counts five working days from a Friday to the next Friday', () => {
    expect(workingDaysBetween(FRIDAY, '2026-01-16', plain)).toBe(5);
  });

  it('is 0 when the end is not after the start', () => {
    expect(workingDaysBetween(FRIDAY, FRIDAY, plain)).toBe(0);
  });
});
