import * as z from 'zod';
import type { Actor } from '../domain/actor.js';
import { type IsoDate, yearOf } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import { Conflict } from '../domain/errors.js';
import type { Project } from '../domain/project.js';
import { issueNotice, recommend, withNotice } from '../domain/rectification.js';
import { type ProjectSweep, type Snapshot, sweepProject } from '../domain/sweep.js';
import { metricNames } from '../metric-names.js';
import { type BusinessMetrics, noMetrics } from '../metrics.js';
import { auditAction } from '../store/audit.js';
import { configVersion, currentConfig } from '../store/config.js';
import type { Db, Item, WriteAction } from '../store/db.js';
import type { ChangeContext } from '../store/entity-store.js';
import {
  addDepartmentCounts,
  clawbacks,
  departmentSnapshots,
  emptyCounts,
  executingProjectPages,
  getSweep,
  newSweepId,
  overdueActions,
  rectifications,
  type SweepCounts,
  type SweepRecord,
  type SweepStart,
  snapshotItem,
  startSweep,
  withLightHistory,
} from '../store/monitoring.js';
import { projects } from '../store/projects.js';
import { departments } from '../store/reference.js';
import type { WorkQueue } from '../work-queue.js';
import { retryOnConcurrentChange } from './retry.js';

/**
 * The monitoring sweep (domain.md §3): a summary record + one unit of work per department. The coordinator
 * plans it and sends the work to the queue (in AWS an SQS queue, one message per department, consumed by
 * functions/jobs/sweep-worker.ts; locally and in tests a queue that runs the same consumer code in this
 * process); the POST route runs it here and answers the summary.
 *
 * A department at a time: its executing projects page by page (one Query on its partition), its current
 * snapshots (one Query), then only what changed: snapshots in batches, and the notices, overdue marks and
 * clawbacks the projects bring, each with its audit records and the project's summary of them, several
 * projects to a transaction (a project alone again if the group fails, e.g. because one of them changed
 * meanwhile).
 */
export const sweepActor: Actor = { sub: 'system:monitoring-sweep', role: 'finance' };

export interface SweepDeps {
  db: Db;
  /** Business metrics (notices issued, clawbacks recommended, duration per department); none if absent. */
  metrics?: BusinessMetrics;
}

export const departmentWork = z.object({
  sweepId: z.string(),
  asOf: z.iso.date(),
  fiscalYear: z.int(),
  configVersion: z.int(),
  departmentId: z.string(),
});
export type DepartmentWork = z.infer<typeof departmentWork>;

export async function planSweep(
  deps: Pick<SweepDeps, 'db'>,
  opts: { asOf: IsoDate; trigger: 'schedule' | 'request'; actor: Actor; now: Date },
): Promise<{ sweep: SweepStart; config: RuleConfig; work: DepartmentWork[] }> {
  const { db } = deps;
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

/** The scheduled coordinator: plans a sweep and hands each department to the work queue. */
export async function scheduleSweep(
  deps: Pick<SweepDeps, 'db'> & { sweepQueue: WorkQueue<DepartmentWork> },
  opts: { asOf: IsoDate; now: Date },
): Promise<{ sweepId: string; asOf: IsoDate; departments: number }> {
  const { sweep, work } = await planSweep(deps, {
    asOf: opts.asOf,
    trigger: 'schedule',
    actor: sweepActor,
    now: opts.now,
  });
  await deps.sweepQueue.send(work);
  return { sweepId: sweep.sweepId, asOf: opts.asOf, departments: work.length };
}

/** The worker: sweeps one department and adds its counts to the sweep (a redelivery counts nothing twice). */
export async function runDepartment(
  deps: SweepDeps,
  w: DepartmentWork,
  ctx: { actor: Actor; now: Date; requestId?: string; config?: RuleConfig },
): Promise<void> {
  const { db } = deps;
  const config = ctx.config ?? (await configVersion(db, w.fiscalYear, w.configVersion));
  if (!config) throw new Error(`No configuration version ${w.configVersion} for ${w.fiscalYear}`);
  const started = Date.now();
  const counts = await sweepDepartment(deps, {
    ...w,
    config,
    actor: ctx.actor,
    now: ctx.now,
    requestId: ctx.requestId,
  });
  try {
    await addDepartmentCounts(db, w.sweepId, w.departmentId, counts, ctx.now);
  } catch (err) {
    if (!(err instanceof Conflict)) throw err; // counted already: a redelivered message
    return;
  }
  const metrics = deps.metrics ?? noMetrics;
  metrics.count(metricNames.rectificationsIssued, counts.rectificationsIssued);
  metrics.count(metricNames.clawbacksRecommended, counts.clawbacksRecommended);
  metrics.milliseconds(metricNames.sweepDepartmentDuration, Date.now() - started, {
    departmentId: w.departmentId,
  });
}

/**
 * One message of the sweep queue, as the consumer gets it (a JSON body): the same code for an SQS record
 * (functions/jobs/sweep-worker.ts) and for the in-process queue. A body that is not a department of a
 * sweep throws (the message is then retried, and ends in the dead-letter queue).
 */
export async function consumeDepartmentWork(
  deps: SweepDeps & { now: () => Date },
  body: string,
  messageId?: string,
): Promise<void> {
  const w = departmentWork.parse(JSON.parse(body));
  await runDepartment(deps, w, { actor: sweepActor, now: deps.now(), requestId: messageId });
}

/** Runs a whole sweep here, `concurrency` departments at a time, and returns its summary. */
export async function runSweepHere(
  deps: SweepDeps,
  opts: {
    asOf: IsoDate;
    trigger: 'schedule' | 'request';
    actor: Actor;
    now: Date;
    requestId?: string;
    concurrency?: number;
  },
): Promise<SweepRecord> {
  const { sweep, config, work } = await planSweep(deps, opts);
  const queue = [...work];
  const worker = async () => {
    for (let w = queue.shift(); w; w = queue.shift()) await runDepartment(deps, w, { ...opts, config });
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
  const summary = await getSweep(deps.db, sweep.sweepId);
  if (!summary) throw new Error(`Sweep ${sweep.sweepId} vanished`);
  return summary;
}

export interface SweepJob {
  sweepId: string;
  asOf: IsoDate;
  departmentId: string;
  config: RuleConfig;
  actor: Actor;
  now: Date;
  requestId?: string;
}

const PAGE = 100;
/**
 * The decisions of several projects go out together, as one transaction of at most this many actions
 * (TransactWriteItems' limit) and about this many bytes (well under its 4 MB): at a checkpoint a red light
 * is common, and one transaction per red project made the sweep cost ~0.2 requests per project.
 */
const GROUP_ACTIONS = 100;
const GROUP_BYTES = 1_000_000;

interface Decided {
  project: Project;
  result: ProjectSweep;
  actions: WriteAction[];
  bytes: number;
}

/** Two snapshots say the same when all but the sweep that computed them agree. */
const sameSnapshot = (a: Snapshot | undefined, b: Snapshot) =>
  a !== undefined && JSON.stringify({ ...a, sweepId: '' }) === JSON.stringify({ ...b, sweepId: '' });

/** Sweeps one department's executing projects of `asOf`'s fiscal year. */
export async function sweepDepartment(deps: Pick<SweepDeps, 'db'>, job: SweepJob): Promise<SweepCounts> {
  const { db } = deps;
  const counts = emptyCounts();
  const fiscalYear = job.config.fiscalYear;
  const previous = new Map<string, Snapshot>();
  for (const s of await departmentSnapshots(db, job.departmentId, fiscalYear)) previous.set(s.projectId, s);
  const changed: Item[] = [];
  /** A project's result once its decisions (if any) are written: counted, and its snapshot kept if it moved. */
  const settle = (result: ProjectSweep) => {
    counts.projectsScanned++;
    const l = result.snapshot.executionLight;
    if (l !== 'blue') counts.lights[l]++;
    counts.rectificationsIssued += result.notices.length;
    counts.rectificationsOverdue += result.overdue.length;
    counts.clawbacksRecommended += result.clawback ? 1 : 0;
    const s = result.snapshot;
    if (!sameSnapshot(previous.get(s.projectId), s)) changed.push(snapshotItem(s));
  };
  let group: Decided[] = [];
  let groupActions = 0;
  let groupBytes = 0;
  const flush = async () => {
    const decided = group;
    group = [];
    groupActions = 0;
    groupBytes = 0;
    if (!decided.length) return;
    try {
      await db.write(decided.flatMap((d) => d.actions));
    } catch (err) {
      // All or nothing: nothing of the group was written. In a group the culprit is unknown (a project
      // changed, or the group broke a limit): each project again on its own, as if it had never been grouped;
      // a lone project that changed meanwhile is read again and decided again.
      if (decided.length === 1 && !(err instanceof Conflict)) throw err;
      for (const d of decided) settle(await sweepOne(db, d.project, job));
      return;
    }
    for (const d of decided) settle(d.result);
  };
  for await (const page of executingProjectPages(db, job.departmentId, fiscalYear, PAGE)) {
    for (const project of page) {
      const result = sweepProject(project, job.asOf, job.sweepId, job.config);
      const actions = decisionActions(project, result, job);
      if (!actions.length) {
        settle(result);
        continue;
      }
      const bytes = JSON.stringify(actions).length;
      if (groupActions + actions.length > GROUP_ACTIONS || groupBytes + bytes > GROUP_BYTES) await flush();
      group.push({ project, result, actions, bytes });
      groupActions += actions.length;
      groupBytes += bytes;
    }
  }
  await flush();
  await db.batchPut(withLightHistory(changed, job.now)); // each changed snapshot with its light-history point
  counts.snapshotsWritten = changed.length;
  return counts;
}

/**
 * One project on its own: decide and write. When it changed since it was read (an expenditure, a
 * response: a ConcurrentChange), it is read again and decided again (shared/app/retry.ts).
 */
async function sweepOne(db: Db, first: Project, job: SweepJob): Promise<ProjectSweep> {
  let project: Project | undefined = first;
  return retryOnConcurrentChange(async (attempt) => {
    if (attempt > 1) project = await projects.get(db, first.id);
    if (!project) throw new Conflict(`Project ${first.id} vanished during the sweep`);
    const result = sweepProject(project, job.asOf, job.sweepId, job.config);
    const actions = decisionActions(project, result, job);
    if (actions.length) await db.write(actions);
    return result;
  });
}

/** The transaction a project's sweep result needs, if any: nothing at all when only the lights moved. */
function decisionActions(p: Project, r: ProjectSweep, job: SweepJob): WriteAction[] {
  if (!r.notices.length && !r.overdue.length && !r.clawback) return [];
  const ctx: ChangeContext = { actor: job.actor, now: job.now, requestId: job.requestId };
  const actions: WriteAction[] = [];
  let after: Project = { ...p, version: p.version + 1, updatedAt: job.now.toISOString() };
  for (const n of r.notices) {
    const notice = issueNotice(p, n, job.sweepId, job.now);
    actions.push(...rectifications.createActions(notice, ctx, 'issue'));
    after = withNotice(after, notice);
  }
  for (const id of r.overdue) {
    const summary = p.rectifications[id]!;
    actions.push(
      ...overdueActions({ id, departmentId: p.departmentId, issuedOn: summary.issuedOn }, ctx, job.asOf),
    );
    after = {
      ...after,
      rectifications: { ...after.rectifications, [id]: { ...summary, status: 'overdue' } },
    };
  }
  if (r.clawback) {
    const c = recommend(p, r.clawback, job.asOf, job.sweepId, job.config.version, job.now);
    actions.push(...clawbacks.createActions(c, ctx, 'recommend'));
    after = {
      ...after,
      pendingClawbackId: c.id,
      clawbackCauses: [...after.clawbackCauses, r.clawback.cause],
    };
  }
  actions.push(projects.replaceAction(p, after));
  actions.push(
    auditAction({
      actor: job.actor,
      at: job.now.toISOString(),
      requestId: job.requestId,
      entityType: 'project',
      entityId: p.id,
      action: 'monitoring-sweep',
      before: null,
      after: {
        sweepId: job.sweepId,
        asOf: job.asOf,
        noticesIssued: r.notices.map((n) => n.id),
        overdue: r.overdue,
        clawback: r.clawback?.id,
      },
    }),
  );
  return actions;
}
