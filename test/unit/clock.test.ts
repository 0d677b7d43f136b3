import { afterEach, describe, expect, it } from 'vitest';
import { now, offsetToBusinessDay } from '../../shared/clock.js';
import { businessDate } from '../../shared/domain/calendar.js';

describe('the clock', () => {
  afterEach(() => {
    delete process.env.CLOCK_OFFSET_MS;
  });

  it('is the real one without an offset', () => {
    const before = Date.now();
    const seen = now().getTime();

    expect(seen).toBeGreaterThanOrEqual(before);
    expect(seen).toBeLessThanOrEqual(Date.now());
  });

  it('moves by the offset the local runner sets', () => {
    process.env.CLOCK_OFFSET_MS = String(-3 * 86_400_000);

    expect(businessDate(now())).toBe(businessDate(new Date(Date.now() - 3 * 86_400_000)));
  });

  it('an offset to a business day lands on that day, whatever the time of day in Shanghai', () => {
    // 2027-03-01 23:30 in Shanghai is 15:30 UTC: its business date is already the 1st.
    const real = new Date('2027-03-01T15:30:00Z');

    const offset = offsetToBusinessDay('2026-11-28', real);

    expect(businessDate(new Date(real.getTime() + offset))).toBe('2026-11-28');
    expect(Number.isInteger(offset / 86_400_000)).toBe(true);
  });

  it('just after midnight in Shanghai (still the day before in UTC) it lands on that day too', () => {
    const real = new Date('2027-03-01T16:30:00Z'); // 00:30 on 2027-03-02 in Shanghai

    expect(businessDate(new Date(real.getTime() + offsetToBusinessDay('2026-11-28', real)))).toBe(
      '2026-11-28',
    );
  });
});
