import { businessDate, type IsoDate } from '../domain/calendar.js';
import { metricNames } from '../metric-names.js';
import type { BusinessMetrics } from '../metrics.js';
import type { Db } from '../store/db.js';
import { sweepsOfDay } from '../store/monitoring.js';

/**
 * The sweep heartbeat: whether today's scheduled sweep (the 02:00 run, `trigger: schedule`, as of today in
 * Asia/Shanghai) has completed — every department counted. SweepHeartbeat 1 when it has, 0 when not (none
 * started, or one still short of departments); the alarm on it treats a missing value as breaching, so a
 * heartbeat that does not run alarms too.
 */
export interface HeartbeatResult {
  today: IsoDate;
  complete: boolean;
  sweepId?: string;
  departmentsDone?: number;
  departments?: number;
}

export async function sweepHeartbeat(
  deps: { db: Db; metrics: BusinessMetrics },
  opts: { now: Date },
): Promise<HeartbeatResult> {
  const today = businessDate(opts.now);
  const scheduled = (await sweepsOfDay(deps.db, today)).filter((s) => s.trigger === 'schedule');
  const done = scheduled.find((s) => s.complete);
  const latest = done ?? scheduled.at(-1);
  const result: HeartbeatResult = {
    today,
    complete: Boolean(done),
    ...(latest
      ? { sweepId: latest.sweepId, departmentsDone: latest.departmentsDone, departments: latest.departments }
      : {}),
  };
  deps.metrics.count(metricNames.sweepHeartbeat, result.complete ? 1 : 0);
  return result;
}
