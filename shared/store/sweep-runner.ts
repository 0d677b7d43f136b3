import type { Actor } from '../domain/actor.js';
import { type IsoDate, yearOf } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import { Conflict } from '../domain/errors.js';
import { configVersion, currentConfig } from './config.js';
import type { Db } from './db.js';
import {
  addDepartmentCounts,
  getSweep,
  newSweepId,
  type SweepRecord,
  type SweepStart,
  startSweep,
  sweepDepartment,
} from './monitoring.js';
import { departments } from './reference.js';

/**
 * A sweep = a summary record + one unit of work per department. The coordinator plans it; each
 * department is swept by the same worker code, in AWS one SQS message each (functions/jobs/sweep-worker),
 * locally and on demand in this process with bounded concurrency.
 */
export interface DepartmentWork {
  sweepId: string;
  asOf: IsoDate;
  fiscalYear: number;
  configVersion: number;
  departmentId: string;
}

export async function planSweep(
  db: Db,
  opts: { asOf: IsoDate; trigger: 'schedule' | 'request'; actor: Actor; now: Date },
): Promise<{ sweep: SweepStart; config: RuleConfig; work: DepartmentWork[] }> {
  const fiscalYear = yearOf(opts.asOf);
  const config = await currentConfig(db, fiscalYear);
  const ids = (await departments.all(db)).map((d) => d.id);
  const sweep: SweepStart = {
    sweepId: newSweepId(opts.asOf),
    asOf: opts.asOf,
    fiscalYear,
    trigger: opts.trigger,
    startedAt: opts.now.toISOString(),
    startedBy: opts.actor.sub,
    departments: ids.length,
    configVersion: config.version,
  };
  await startSweep(db, sweep);
  const work = ids.map((departmentId) => ({
    sweepId: sweep.sweepId,
    asOf: opts.asOf,
    fiscalYear,
    configVersion: config.version,
    departmentId,
  }));
  return { sweep, config, work };
}

/** The worker: sweeps one department and adds its counts to the sweep (a redelivery counts nothing twice). */
export async function runDepartment(
  db: Db,
  w: DepartmentWork,
  ctx: { actor: Actor; now: Date; requestId?: string; config?: RuleConfig },
): Promise<void> {
  const config = ctx.config ?? (await configVersion(db, w.fiscalYear, w.configVersion));
  if (!config) throw new Error(`No configuration version ${w.configVersion} for ${w.fiscalYear}`);
  const counts = await sweepDepartment(db, {
    ...w,
    config,
    actor: ctx.actor,
    now: ctx.now,
    requestId: ctx.requestId,
  });
  try {
    await addDepartmentCounts(db, w.sweepId, w.departmentId, counts, ctx.now);
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
  }
}

/** Runs a whole sweep here, `concurrency` departments at a time, and returns its summary. */
export async function runSweepHere(
  db: Db,
  opts: {
    asOf: IsoDate;
    trigger: 'schedule' | 'request';
    actor: Actor;
    now: Date;
    requestId?: string;
    concurrency?: number;
  },
): Promise<SweepRecord> {
  const { sweep, config, work } = await planSweep(db, opts);
  const queue = [...work];
  const worker = async () => {
    for (let w = queue.shift(); w; w = queue.shift()) await runDepartment(db, w, { ...opts, config });
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
  const summary = await getSweep(db, sweep.sweepId);
  if (!summary) throw new Error(`Sweep ${sweep.sweepId} vanished`);
  return summary;
}
