import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../domain/actor.js';
import type { IsoDate } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import { Conflict } from '../domain/errors.js';
import { lights } from '../domain/monitoring.js';
import { type Project, projectRecord } from '../domain/project.js';
import {
  type Clawback,
  clawbackRecord,
  issueNotice,
  type Rectification,
  recommend,
  rectificationRecord,
  withNotice,
} from '../domain/rectification.js';
import { type ProjectSweep, type Snapshot, sweepProject } from '../domain/sweep.js';
import { auditAction } from './audit.js';
import type { Db, Item, WriteAction } from './db.js';
import { type ChangeContext, entityStore } from './entity-store.js';
import { keys } from './keys.js';
import { projects } from './projects.js';

/**
 * The monitoring sweep's reads and writes. A department at a time: its executing projects page by page
 * (one Query on its partition), its current snapshots (one Query), then only what changed: snapshots in
 * batches, and the notices, overdue marks and clawbacks the projects bring, each with its audit records and
 * the project's summary of them, several projects to a transaction (a project alone again if the group
 * fails, e.g. because one of them changed meanwhile).
 */
export const rectifications = entityStore({
  type: 'rectification',
  label: 'Rectification notice',
  schema: rectificationRecord,
  key: keys.rectification,
  indexKeys: keys.rectificationIndexes,
});

export const clawbacks = entityStore({
  type: 'clawback',
  label: 'Clawback recommendation',
  schema: clawbackRecord,
  key: keys.clawback,
  indexKeys: keys.clawbackIndexes,
});

const light = z.enum(lights);
export const snapshotRecord = z.object({
  projectId: z.string(),
  departmentId: z.string(),
  fiscalYear: z.int(),
  projectName: z.string(),
  asOf: z.string(),
  sweepId: z.string(),
  timeProgress: z.number(),
  timeProgressBasis: z.object({ months: z.int(), source: z.enum(['months', 'plan']) }),
  spentAmount: z.number(),
  approvedAmount: z.number(),
  executionRate: z.number(),
  executionIndex: z.number().nullable(),
  executionLight: light,
  goalLight: light,
  light,
  reportPeriod: z.string().nullable(),
  goalProgress: z.number().nullable(),
  divergence: z.boolean(),
  missingReports: z.array(z.string()),
  indicators: z.array(
    z.object({
      name: z.string(),
      operator: z.string(),
      target: z.union([z.number(), z.string()]).optional(),
      actual: z.number().optional(),
      tier: z.string().optional(),
      index: z.number().nullable(),
      light,
    }),
  ),
  configVersion: z.int(),
  formula: z.object({ executionIndex: z.string(), indicatorIndex: z.string(), bands: z.string() }),
});

const snapshotItem = (s: Snapshot): Item => ({ ...keys.snapshot(s), type: 'snapshot', ...s });

/** Two snapshots say the same when all but the sweep that computed them agree. */
const sameSnapshot = (a: Snapshot | undefined, b: Snapshot) =>
  a !== undefined && JSON.stringify({ ...a, sweepId: '' }) === JSON.stringify({ ...b, sweepId: '' });

export async function getSnapshot(db: Db, projectId: string) {
  return db.get({ pk: keys.project(projectId).pk, sk: 'MONITORING' }, snapshotRecord);
}

export interface SweepCounts {
  projectsScanned: number;
  lights: { none: number; green: number; yellow: number; red: number };
  rectificationsIssued: number;
  rectificationsOverdue: number;
  clawbacksRecommended: number;
  snapshotsWritten: number;
}

export const emptyCounts = (): SweepCounts => ({
  projectsScanned: 0,
  lights: { none: 0, green: 0, yellow: 0, red: 0 },
  rectificationsIssued: 0,
  rectificationsOverdue: 0,
  clawbacksRecommended: 0,
  snapshotsWritten: 0,
});

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

/** Sweeps one department's executing projects of `asOf`'s fiscal year. */
export async function sweepDepartment(db: Db, job: SweepJob): Promise<SweepCounts> {
  const counts = emptyCounts();
  const fiscalYear = job.config.fiscalYear;
  const previous = new Map<string, Snapshot>();
  const snapshots = await db.all(
    { index: 'gsi2', pk: keys.departmentSnapshots(job.departmentId, fiscalYear), limit: 500 },
    snapshotRecord,
  );
  for (const s of snapshots) previous.set(s.projectId, s as Snapshot);
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
      // All or nothing: nothing of the group was written. A lone project that conflicted changed meanwhile:
      // read it again and decide again. In a larger group the culprit is unknown (a project changed, or the
      // group broke a limit): each project again on its own, as if it had never been grouped.
      const [lone] = decided;
      if (decided.length === 1 && lone) {
        const fresh = err instanceof Conflict ? await projects.get(db, lone.project.id) : undefined;
        if (!fresh) throw err;
        settle(await sweepOne(db, fresh, job, 2));
        return;
      }
      for (const d of decided) settle(await sweepOne(db, d.project, job));
      return;
    }
    for (const d of decided) settle(d.result);
  };
  const pages = db.pages(
    {
      index: 'gsi1',
      pk: keys.departmentProjects(job.departmentId),
      skBeginsWith: `${fiscalYear}#executing#`,
      limit: PAGE,
    },
    projectRecord,
  );
  for await (const page of pages) {
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
  await db.batchPut(changed);
  counts.snapshotsWritten = changed.length;
  return counts;
}

/** One project on its own: decide and write; when it changed since it was read, read it again and decide again. */
async function sweepOne(db: Db, first: Project, job: SweepJob, firstAttempt = 1): Promise<ProjectSweep> {
  for (let attempt = firstAttempt, project = first; ; attempt++) {
    const result = sweepProject(project, job.asOf, job.sweepId, job.config);
    const actions = decisionActions(project, result, job);
    try {
      if (actions.length) await db.write(actions);
      return result;
    } catch (err) {
      // The project changed since it was read (an expenditure, a response): read it again and decide again.
      if (!(err instanceof Conflict) || attempt >= 4) throw err;
      const fresh = await projects.get(db, first.id);
      if (!fresh) throw err;
      project = fresh;
    }
  }
}

/** The transaction a project's sweep result needs, if any: nothing at all when only the lights moved. */
function decisionActions(p: Project, r: ProjectSweep, job: SweepJob): WriteAction[] {
  if (!r.notices.length && !r.overdue.length && !r.clawback) return [];
  const ctx: ChangeContext = { actor: job.actor, now: job.now, requestId: job.requestId };
  const audit = (entityType: string, entityId: string, action: string, before: unknown, after: unknown) =>
    auditAction({
      actor: job.actor,
      at: job.now.toISOString(),
      requestId: job.requestId,
      entityType,
      entityId,
      action,
      before,
      after,
    });
  const actions: WriteAction[] = [];
  let after: Project = { ...p, version: p.version + 1, updatedAt: job.now.toISOString() };
  for (const n of r.notices) {
    const notice = issueNotice(p, n, job.sweepId, job.now);
    actions.push(...rectifications.createActions(notice, ctx, 'issue'));
    after = withNotice(after, notice);
  }
  for (const id of r.overdue) {
    const summary = p.rectifications[id]!;
    // The notice itself moves to `overdue` only if it is still open (a response may have crossed the sweep).
    actions.push({
      kind: 'update',
      key: keys.rectification(id),
      set: {
        status: 'overdue',
        updatedAt: job.now.toISOString(),
        ...keys.rectificationIndexes({
          id,
          departmentId: p.departmentId,
          status: 'overdue',
          issuedOn: summary.issuedOn,
        }),
      },
      add: { version: 1 },
      condition: { expression: '#st = :open', names: { '#st': 'status' }, values: { ':open': 'open' } },
      conflict: `Rectification notice ${id} was answered meanwhile`,
    });
    actions.push(
      audit('rectification', id, 'overdue', { status: 'open' }, { status: 'overdue', asOf: job.asOf }),
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
    audit('project', p.id, 'monitoring-sweep', null, {
      sweepId: job.sweepId,
      asOf: job.asOf,
      noticesIssued: r.notices.map((n) => n.id),
      overdue: r.overdue,
      clawback: r.clawback?.id,
    }),
  );
  return actions;
}

// ---------------------------------------------------------------- sweep summaries

const sweepItem = z.object({
  sweepId: z.string(),
  asOf: z.string(),
  fiscalYear: z.int(),
  trigger: z.enum(['schedule', 'request']),
  startedAt: z.string(),
  startedBy: z.string(),
  finishedAt: z.string().optional(),
  departments: z.int(),
  configVersion: z.int(),
  // counters, flat so that every worker can ADD to them in one update
  departmentsDone: z.int().default(0),
  projectsScanned: z.int().default(0),
  lightNone: z.int().default(0),
  lightGreen: z.int().default(0),
  lightYellow: z.int().default(0),
  lightRed: z.int().default(0),
  rectificationsIssued: z.int().default(0),
  rectificationsOverdue: z.int().default(0),
  clawbacksRecommended: z.int().default(0),
  snapshotsWritten: z.int().default(0),
});

/** A sweep's summary as the API shows it (`lights` counts execution lights). */
export const sweepRecord = sweepItem
  .transform(({ lightNone, lightGreen, lightYellow, lightRed, ...rest }) => ({
    ...rest,
    lights: { none: lightNone, green: lightGreen, yellow: lightYellow, red: lightRed },
    complete: rest.departmentsDone >= rest.departments,
  }))
  .meta({ id: 'Sweep' });
export type SweepRecord = z.output<typeof sweepRecord>;

export function newSweepId(asOf: IsoDate): string {
  return `S-${asOf}-${randomUUID().slice(0, 8)}`;
}

export type SweepStart = Pick<
  z.infer<typeof sweepItem>,
  'sweepId' | 'asOf' | 'fiscalYear' | 'trigger' | 'startedAt' | 'startedBy' | 'departments' | 'configVersion'
>;

export async function startSweep(db: Db, s: SweepStart): Promise<void> {
  await db.put({ ...keys.sweep(s.sweepId), ...keys.sweepIndexes(s), type: 'sweep', ...s });
}

/**
 * Adds one department's counts to the sweep, once: a marker item per department makes a redelivered
 * worker message count nothing twice (atomic with the counters; workers may finish in any order).
 */
export async function addDepartmentCounts(
  db: Db,
  sweepId: string,
  departmentId: string,
  c: SweepCounts,
  now: Date,
): Promise<void> {
  await db.write([
    {
      kind: 'create',
      item: { pk: keys.sweep(sweepId).pk, sk: `DEPT#${departmentId}`, type: 'sweep-department', ...c },
      conflict: `Department ${departmentId} was already counted in sweep ${sweepId}`,
    },
    {
      kind: 'update',
      key: keys.sweep(sweepId),
      set: { finishedAt: now.toISOString() },
      add: {
        departmentsDone: 1,
        projectsScanned: c.projectsScanned,
        lightNone: c.lights.none,
        lightGreen: c.lights.green,
        lightYellow: c.lights.yellow,
        lightRed: c.lights.red,
        rectificationsIssued: c.rectificationsIssued,
        rectificationsOverdue: c.rectificationsOverdue,
        clawbacksRecommended: c.clawbacksRecommended,
        snapshotsWritten: c.snapshotsWritten,
      },
      conflict: `Sweep ${sweepId} does not exist`,
    },
  ]);
}

export async function getSweep(db: Db, sweepId: string) {
  return db.get(keys.sweep(sweepId), sweepRecord);
}

export type { Clawback, Rectification };
