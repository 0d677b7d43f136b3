/**
 * The business day the system under test believes it is (LOCAL_TODAY, see shared/clock.ts): the e2e
 * tests' dates are fixed in fiscal year 2026, so they must stay "this year" whenever the tests run.
 */
export const SYSTEM_TODAY = '2026-11-28';

export const dayAfter = (d: string) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
