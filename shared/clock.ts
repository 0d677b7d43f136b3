/**
 * The moment as the system sees it. In AWS, and locally by default, the real clock. The local runner can
 * be started on another business day (`LOCAL_TODAY=YYYY-MM-DD npm start`, used by the end-to-end tests so
 * that their fixed dates stay "this year"): it then sets CLOCK_OFFSET_MS, a whole number of days, and time
 * still moves. Domain code never calls this: it is handed the moment (an `asOf`, a `now`).
 */
export function now(): Date {
  const offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
  return new Date(Date.now() + (Number.isFinite(offset) ? offset : 0));
}

/** The whole-day offset that makes the business date (Asia/Shanghai) of `realNow` become `today`. */
export function offsetToBusinessDay(today: string, realNow: Date): number {
  const realDay = new Date(realNow.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return Date.parse(`${today}T00:00:00Z`) - Date.parse(`${realDay}T00:00:00Z`);
}
