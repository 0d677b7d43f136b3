import { createHash, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type Actor, assertOwnDepartment } from '../domain/actor.js';
import { type IsoDate, yearOf } from '../domain/calendar.js';
import { Conflict, NotFound } from '../domain/errors.js';
import { operators } from '../domain/indicators.js';
import { type Project, projectRecord } from '../domain/project.js';
import {
  type Clawback,
  clawbackRecord,
  type Rectification,
  rectificationRecord,
} from '../domain/rectification.js';
import { lightPointSchema, snapshotSchema } from '../domain/snapshot.js';
import type { Snapshot, SweepInput } from '../domain/sweep.js';
import { auditAction } from './audit.js';
import type { Db, Item, Page, WriteAction } from './db.js';
import { type ChangeContext, entityStore } from './entity-store.js';
import { itemOf } from './item.js';
import { keys } from './keys.js';
import { projects } from './projects.js';

/**
 * Monitoring in the table: rectification notices, clawback recommendations, the snapshot of each project's
 * last sweep, the sweep summaries, and the reads the sweep and the report mails make (every one a Query on a
 * partition of keys.ts). What a sweep decides and writes is the use case's (shared/app/sweep.ts).
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

export const snapshotRecord = z.object({
  projectId: z.string(),
  departmentId: z.string(),
  fiscalYear: z.int(),
  projectName: z.string(),
  ...snapshotSchema.shape,
  formula: z.object({ executionIndex: z.string(), indicatorIndex: z.string(), bands: z.string() }),
});

/**
 * A short fingerprint of what a snapshot says (all but the sweep that computed it), stored on the item as
 * `digest`: the next sweep reads only the digests of a page's snapshots to skip the unchanged ones.
 */
export const snapshotDigest = (s: Snapshot): string =>
  createHash('sha256')
    .update(JSON.stringify({ ...s, sweepId: '' }))
    .digest('base64url')
    .slice(0, 22);

export const snapshotItem = (s: Snapshot): Item =>
  itemOf(keys.snapshot(s), { type: 'snapshot' }, s, { digest: snapshotDigest(s) });

/** The stored digests of these projects' snapshots (one BatchGet reading only `digest`), by project id. */
export async function snapshotDigests(db: Db, projectIds: readonly string[]): Promise<Map<string, string>> {
  const found = await db.batchGet(
    projectIds.map((id) => keys.projectSnapshot(id)),
    z.object({ digest: z.string().optional() }),
    { projection: ['digest'] },
  );
  const out = new Map<string, string>();
  projectIds.forEach((id, i) => {
    const digest = found[i]?.digest;
    if (digest) out.set(id, digest);
  });
  return out;
}

/** One point of the light history as stored (the same shape the dossier shows). */
export const lightPointRecord = lightPointSchema;
export type LightPoint = z.infer<typeof lightPointRecord>;

/** The light-history item of a snapshot (`PROJECT#<id>` / `LIGHT#<asOf>`: a rerun of a day replaces it). */
export function lightHistoryItem(s: Snapshot, now: Date): Item {
  const point: LightPoint = {
    asOf: s.asOf,
    sweepId: s.sweepId,
    timeProgress: s.timeProgress,
    executionRate: s.executionRate,
    executionIndex: s.executionIndex,
    executionLight: s.executionLight,
    goalLight: s.goalLight,
    light: s.light,
    goalProgress: s.goalProgress,
    divergence: s.divergence,
    spentAmount: s.spentAmount,
    approvedAmount: s.approvedAmount,
    configVersion: s.configVersion,
    recordedAt: now.toISOString(),
  };
  return itemOf(
    keys.lightHistory(s.projectId, s.asOf),
    { type: 'light-point', projectId: s.projectId },
    point,
  );
}

/** A page of a project's light history, oldest first (one Query on the project's partition). */
export function lightHistoryPage(db: Db, projectId: string, page: { limit?: number; nextToken?: string }) {
  return db.query(
    { pk: keys.projectPartition(projectId), skBeginsWith: keys.lightHistoryPrefix, ...page },
    lightPointRecord,
  );
}

/**
 * The project, if the caller may see it (as getOwnProject), with its current snapshot when it is
 * `executing` — both in one round trip (one consistent BatchGetItem), not one read after the other.
 */
export async function getOwnProjectWithSnapshot(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ project: Project; snapshot?: z.infer<typeof snapshotRecord> }> {
  const [item, snapshot] = await db.getEach([
    { key: keys.project(id), schema: projectRecord },
    { key: keys.projectSnapshot(id), schema: snapshotRecord },
  ] as const);
  if (!item) throw new NotFound(`Project ${id}`);
  const project = item as Project;
  assertOwnDepartment(actor, project.departmentId, `Project ${id}`);
  return project.status === 'executing' && snapshot ? { project, snapshot } : { project };
}

export async function getSnapshot(db: Db, projectId: string) {
  return db.get(keys.projectSnapshot(projectId), snapshotRecord);
}

/** A department's current snapshots of a year (gsi2), every page. */
export async function departmentSnapshots(db: Db, departmentId: string, fiscalYear: number) {
  return (await db.all(
    { index: 'gsi2', pk: keys.departmentSnapshots(departmentId, fiscalYear), limit: 500 },
    snapshotRecord,
  )) as Snapshot[];
}

/** The flags: one department's snapshots of a year (gsi2) or all departments' (gsi1), by light. */
export async function listFlags(
  db: Db,
  spec: { departmentId?: string; fiscalYear: number; light?: string },
  page: { limit?: number; nextToken?: string },
) {
  const skBeginsWith = spec.light && keys.lightPrefix(spec.light);
  if (spec.departmentId !== undefined) {
    return db.query(
      {
        index: 'gsi2',
        pk: keys.departmentSnapshots(spec.departmentId, spec.fiscalYear),
        skBeginsWith,
        ...page,
      },
      snapshotRecord,
    );
  }
  return db.query(
    { index: 'gsi1', pk: keys.yearSnapshots(spec.fiscalYear), skBeginsWith, ...page },
    snapshotRecord,
  );
}

/** A department's executing projects of a year, page by page (gsi1: `<year>#executing#`). */
export function executingProjectPages(db: Db, departmentId: string, fiscalYear: number, limit = 100) {
  return db.pages(
    {
      index: 'gsi1',
      pk: keys.departmentProjects(departmentId),
      skBeginsWith: keys.projectsOfYearStatus(fiscalYear, 'executing'),
      limit,
    },
    projectRecord,
  );
}

/** The fields of a project the sweep decides with (domain/sweep.ts SweepInput): all it reads of one. */
const sweepFields = [
  'id',
  'departmentId',
  'fiscalYear',
  'name',
  'budget.approvedFen',
  'budget.disbursementPlan',
  'budget.approvedAt',
  'spendByDate',
  'reports',
  'goals.indicators',
  'rectifications',
  'pendingClawbackId',
  'clawbackCauses',
  'version',
] as const;
const record = projectRecord.shape;
/**
 * A page of SweepInputs as read back: the types of the fields the rules use, with the stored record's
 * defaults, not the goal indicators' input rules (trimmed, bounded texts: they held when the goals were
 * saved; an indicator's other fields pass through as stored). Parsing a page of 100 with the project
 * record's own schemas cost the worker ~2× as much (zod 4's first parses in a fresh process most).
 */
export const sweepInputRecord = z.object({
  id: record.id,
  departmentId: record.departmentId,
  fiscalYear: record.fiscalYear,
  name: record.name,
  spendByDate: record.spendByDate,
  reports: record.reports,
  rectifications: record.rectifications,
  pendingClawbackId: record.pendingClawbackId,
  clawbackCauses: record.clawbackCauses,
  version: record.version,
  budget: z
    .object({
      approvedFen: z.int(),
      disbursementPlan: z.array(z.number()).optional(),
      approvedAt: z.string(),
    })
    .optional(),
  goals: z
    .object({
      indicators: z.array(
        z.looseObject({
          name: z.string(),
          operator: z.enum(operators),
          target: z.union([z.number(), z.string()]).optional(),
          weight: z.number(),
        }),
      ),
    })
    .optional(),
});

/**
 * One page of a department's executing projects of a year (gsi1: `<year>#executing#`), each read only as
 * far as the sweep needs it (a ProjectionExpression of the SweepInput fields).
 */
export async function executingSweepInputs(
  db: Db,
  departmentId: string,
  fiscalYear: number,
  page: { limit: number; nextToken?: string },
): Promise<Page<SweepInput>> {
  return db.query(
    {
      index: 'gsi1',
      pk: keys.departmentProjects(departmentId),
      skBeginsWith: keys.projectsOfYearStatus(fiscalYear, 'executing'),
      projection: sweepFields,
      ...page,
    },
    sweepInputRecord,
  );
}

/**
 * The sweep's change to a project: only the monitoring fields it decides (its notices' summaries, the
 * pending clawback and the causes used), under the version it was read at — a project changed meanwhile is
 * a ConcurrentChange, decided again on a fresh read.
 */
export function projectMonitoringUpdate(
  before: Pick<Project, 'id' | 'version'>,
  after: Pick<Project, 'rectifications' | 'clawbackCauses' | 'pendingClawbackId'>,
  now: Date,
): WriteAction {
  return {
    kind: 'update',
    key: keys.project(before.id),
    set: {
      rectifications: after.rectifications,
      clawbackCauses: after.clawbackCauses,
      ...(after.pendingClawbackId !== undefined ? { pendingClawbackId: after.pendingClawbackId } : {}),
      updatedAt: now.toISOString(),
    },
    add: { version: 1 },
    condition: {
      expression: '#version = :expected',
      names: { '#version': 'version' },
      values: { ':expected': before.version },
    },
    conflict: `Project ${before.id} was changed by someone else meanwhile; reload it and try again`,
    conflictKind: 'concurrent-change',
  };
}

export async function executingProjects(
  db: Db,
  departmentId: string,
  fiscalYear: number,
): Promise<Project[]> {
  const out: Project[] = [];
  for await (const page of executingProjectPages(db, departmentId, fiscalYear)) out.push(...page);
  return out;
}

/** Notices or clawbacks by status: a department's own (gsi1) or everyone's (gsi2). */
export async function listByStatus<S extends z.ZodType>(
  db: Db,
  what: 'notices' | 'clawbacks',
  spec: { departmentId?: string; status?: string },
  page: { limit?: number; nextToken?: string },
  schema: S,
) {
  const query = { ...page, skBeginsWith: spec.status ? keys.statusPrefix(spec.status) : undefined };
  if (spec.departmentId !== undefined) {
    const own = what === 'notices' ? keys.departmentNotices : keys.departmentClawbacks;
    return db.query({ index: 'gsi1', pk: own(spec.departmentId), ...query }, schema);
  }
  return db.query(
    { index: 'gsi2', pk: what === 'notices' ? keys.allNotices : keys.allClawbacks, ...query },
    schema,
  );
}

/** Every notice of one status: a department's (gsi1) or everyone's (gsi2), every page. */
export async function noticesWithStatus(db: Db, status: string, departmentId?: string) {
  const pk = departmentId !== undefined ? keys.departmentNotices(departmentId) : keys.allNotices;
  return db.all(
    {
      index: departmentId !== undefined ? 'gsi1' : 'gsi2',
      pk,
      skBeginsWith: keys.statusPrefix(status),
      limit: 100,
    },
    rectificationRecord,
  );
}

/** A department's clawback recommendations of one status, every page. */
export async function clawbacksWithStatus(db: Db, departmentId: string, status: string) {
  return db.all(
    { index: 'gsi1', pk: keys.departmentClawbacks(departmentId), skBeginsWith: keys.statusPrefix(status) },
    clawbackRecord,
  );
}

/**
 * Marks an open notice `overdue` (its index keys move with it), only if it is still open: a response may
 * have crossed the sweep; and the audit record of it.
 */
export function overdueActions(
  notice: { id: string; departmentId: string; issuedOn: string },
  ctx: ChangeContext,
  asOf: string,
): WriteAction[] {
  return [
    {
      kind: 'update',
      key: keys.rectification(notice.id),
      set: {
        status: 'overdue',
        updatedAt: ctx.now.toISOString(),
        ...keys.rectificationIndexes({ ...notice, status: 'overdue' }),
      },
      add: { version: 1 },
      condition: { expression: '#st = :open', names: { '#st': 'status' }, values: { ':open': 'open' } },
      conflict: `Rectification notice ${notice.id} was answered meanwhile`,
    },
    auditAction({
      actor: ctx.actor,
      at: ctx.now.toISOString(),
      requestId: ctx.requestId,
      entityType: 'rectification',
      entityId: notice.id,
      action: 'overdue',
      before: { status: 'open' },
      after: { status: 'overdue', asOf },
    }),
  ];
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
  /** The departments not counted yet (a string set: each worker DELETEs its own; gone when empty). */
  pendingDepartments: z.set(z.string()).optional(),
  /** The last failure of each department whose work failed (kept; shown while it is still pending). */
  departmentFailures: z.record(z.string(), z.object({ message: z.string(), at: z.string() })).default({}),
});

const count = z.int().min(0);
/** A sweep's summary as the API shows it. */
export const sweepSummary = z
  .strictObject({
    sweepId: z.string(),
    asOf: z.iso.date(),
    fiscalYear: z.int(),
    trigger: z.enum(['schedule', 'request']),
    startedAt: z.string(),
    startedBy: z.string(),
    finishedAt: z.string().optional().describe('When the last department so far was counted'),
    departments: count.describe('Departments the sweep covers'),
    configVersion: z.int(),
    departmentsDone: count,
    projectsScanned: count,
    lights: z
      .strictObject({ none: count, green: count, yellow: count, red: count })
      .describe('Execution lights of the projects scanned'),
    rectificationsIssued: count,
    rectificationsOverdue: count,
    clawbacksRecommended: count,
    snapshotsWritten: count,
    complete: z.boolean().describe('Every department counted'),
    incompleteDepartments: z
      .array(z.string())
      .describe(
        'Departments not counted: their work failed, or has not reported yet; the next sweep run completes them',
      ),
    failures: z
      .array(z.strictObject({ departmentId: z.string(), message: z.string(), at: z.string() }))
      .describe('Why the work of an incomplete department failed, where it did'),
  })
  .meta({ id: 'Sweep' });

/** A sweep's summary from its item (`lights` counts execution lights). */
export const sweepRecord = sweepItem
  .transform(
    ({ lightNone, lightGreen, lightYellow, lightRed, pendingDepartments, departmentFailures, ...rest }) => {
      const incomplete = [...(pendingDepartments ?? [])].sort();
      return {
        ...rest,
        lights: { none: lightNone, green: lightGreen, yellow: lightYellow, red: lightRed },
        complete: rest.departmentsDone >= rest.departments,
        incompleteDepartments: incomplete,
        failures: incomplete.flatMap((departmentId) => {
          const f = departmentFailures[departmentId];
          return f ? [{ departmentId, ...f }] : [];
        }),
      };
    },
  )
  .pipe(sweepSummary);
export type SweepRecord = z.output<typeof sweepRecord>;

export function newSweepId(asOf: IsoDate): string {
  return `S-${asOf}-${randomUUID().slice(0, 8)}`;
}

export type SweepStart = Pick<
  z.infer<typeof sweepItem>,
  'sweepId' | 'asOf' | 'fiscalYear' | 'trigger' | 'startedAt' | 'startedBy' | 'departments' | 'configVersion'
>;

/** The sweep's summary record, with every department of `departmentIds` pending. */
export async function startSweep(db: Db, s: SweepStart, departmentIds: readonly string[]): Promise<void> {
  await db.put({
    ...keys.sweep(s.sweepId),
    ...keys.sweepIndexes(s),
    type: 'sweep',
    ...s,
    ...(departmentIds.length ? { pendingDepartments: new Set(departmentIds) } : {}),
    departmentFailures: {},
  });
}

/**
 * Records why a department's work failed, while it is still pending (a department counted meanwhile keeps
 * no failure); best effort: a sweep that is gone, or the department counted, records nothing.
 */
export async function recordDepartmentFailure(
  db: Db,
  sweepId: string,
  departmentId: string,
  message: string,
  now: Date,
): Promise<void> {
  try {
    await db.write([
      {
        kind: 'updateExpression',
        key: keys.sweep(sweepId),
        update: 'SET departmentFailures.#d = :f',
        condition: 'attribute_exists(departmentFailures) AND contains(pendingDepartments, :d)',
        names: { '#d': departmentId },
        values: { ':f': { message: message.slice(0, 1000), at: now.toISOString() }, ':d': departmentId },
        conflict: `Department ${departmentId} of sweep ${sweepId} is not pending`,
      },
    ]);
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
  }
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
  const added = {
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
  };
  await db.write([
    {
      kind: 'create',
      item: { ...keys.sweepDepartment(sweepId, departmentId), type: 'sweep-department', ...c },
      conflict: `Department ${departmentId} was already counted in sweep ${sweepId}`,
    },
    {
      kind: 'updateExpression',
      key: keys.sweep(sweepId),
      update:
        'SET finishedAt = :now ADD ' +
        Object.keys(added)
          .map((k) => `${k} :${k}`)
          .join(', ') +
        ' DELETE pendingDepartments :department',
      values: {
        ':now': now.toISOString(),
        ...Object.fromEntries(Object.entries(added).map(([k, v]) => [`:${k}`, v])),
        ':department': new Set([departmentId]),
      },
      conflict: `Sweep ${sweepId} does not exist`,
    },
  ]);
}

export async function getSweep(db: Db, sweepId: string) {
  return db.get(keys.sweep(sweepId), sweepRecord);
}

const departmentCounts = z.strictObject({
  projectsScanned: count,
  lights: z.strictObject({ none: count, green: count, yellow: count, red: count }),
  rectificationsIssued: count,
  rectificationsOverdue: count,
  clawbacksRecommended: count,
  snapshotsWritten: count,
});

/** A sweep as a job to follow: its summary and where each of its departments stands. */
export const sweepProgress = sweepSummary
  .extend({
    departmentResults: z
      .array(
        z.strictObject({
          departmentId: z.string(),
          status: z.enum(['done', 'pending', 'failed']),
          counts: departmentCounts.optional().describe('What the department’s work counted, once done'),
          failure: z.strictObject({ message: z.string(), at: z.string() }).optional(),
        }),
      )
      .describe('Every department of the sweep, by id'),
  })
  .meta({ id: 'SweepProgress' });
export type SweepProgress = z.output<typeof sweepProgress>;

const departmentMarker = z.object({ ...departmentCounts.shape, sk: z.string() });

/** The sweep's summary with each department's state (its marker's counts once counted), or undefined. */
export async function getSweepProgress(db: Db, sweepId: string): Promise<SweepProgress | undefined> {
  const summary = await getSweep(db, sweepId);
  if (!summary) return undefined;
  const markers = await db.all(
    { pk: keys.sweep(sweepId).pk, skBeginsWith: keys.sweepDepartmentsPrefix, limit: 200 },
    departmentMarker,
  );
  const failures = new Map(summary.failures.map((f) => [f.departmentId, { message: f.message, at: f.at }]));
  const done = markers.map(({ sk, ...counts }) => ({
    departmentId: sk.slice(keys.sweepDepartmentsPrefix.length),
    status: 'done' as const,
    counts,
  }));
  const pending = summary.incompleteDepartments.map((departmentId) => {
    const failure = failures.get(departmentId);
    return failure
      ? { departmentId, status: 'failed' as const, failure }
      : { departmentId, status: 'pending' as const };
  });
  const departmentResults = [...done, ...pending].sort((a, b) => (a.departmentId < b.departmentId ? -1 : 1));
  return sweepProgress.parse({ ...summary, departmentResults });
}

/** The sweeps run so far, newest first (gsi1 SWEEPS). */
export async function listSweeps(db: Db, page: { limit?: number; nextToken?: string }) {
  return db.query({ index: 'gsi1', pk: keys.sweepsPartition, newestFirst: true, ...page }, sweepRecord);
}

/** Every sweep as of one day (gsi1 SWEEPS: `<asOf>#…`), oldest first. */
export async function sweepsOfDay(db: Db, asOf: IsoDate): Promise<SweepRecord[]> {
  return db.all(
    { index: 'gsi1', pk: keys.sweepsPartition, skBeginsWith: keys.sweepsOfDay(asOf), limit: 50 },
    sweepRecord,
  );
}

/** The most recent sweep of `asOf`'s fiscal year on or before `asOf` (gsi1 SWEEPS: `<asOf>#<startedAt>`). */
export async function latestSweep(db: Db, asOf: IsoDate): Promise<SweepRecord | undefined> {
  const page = await db.query(
    {
      index: 'gsi1',
      pk: keys.sweepsPartition,
      skBetween: [`${yearOf(asOf)}-01-01`, `${asOf}#~`],
      newestFirst: true,
      limit: 1,
    },
    sweepRecord,
  );
  return page.items[0];
}

/**
 * The sweeps of `fiscalYear` up to `asOf` (that day's included), newest first: one Query on gsi1 SWEEPS
 * (`<asOf>#<startedAt>`), at most `limit`. The worker reads it before a department, to find an earlier
 * sweep that still has the department pending (shared/app/sweep.ts runInOrder).
 */
export async function sweepsUpTo(db: Db, fiscalYear: number, asOf: IsoDate, limit: number) {
  const page = await db.query(
    {
      index: 'gsi1',
      pk: keys.sweepsPartition,
      skBetween: [`${fiscalYear}-01-01`, `${asOf}#~`],
      newestFirst: true,
      limit,
    },
    sweepRecord,
  );
  return page.items;
}

// ---------------------------------------------------------------- department claims

/** Who sweeps a department of a sweep (the message's id, stable over SQS redeliveries), since when. */
export interface DepartmentClaim {
  departmentId: string;
  messageId: string;
  claimedAt: string;
}

const claimItem = z.object({ sk: z.string(), messageId: z.string(), claimedAt: z.string() });

/**
 * Claims a department of a sweep for one message's work (one write): taken when there is no claim, when the
 * claim is this message's own (a redelivery), or when it is older than `staleBefore` (its worker is gone).
 * False when another message's work holds it: that work sweeps the department now.
 */
export async function claimDepartment(
  db: Db,
  sweepId: string,
  departmentId: string,
  claim: { messageId: string; now: Date; staleBefore: Date },
): Promise<boolean> {
  try {
    await db.write([
      {
        kind: 'updateExpression',
        key: keys.sweepDepartmentClaim(sweepId, departmentId),
        update: 'SET #type = :type, claimedAt = :now, messageId = :m',
        condition: 'attribute_not_exists(claimedAt) OR claimedAt <= :stale OR messageId = :m',
        names: { '#type': 'type' },
        values: {
          ':type': 'sweep-claim',
          ':now': claim.now.toISOString(),
          ':m': claim.messageId,
          ':stale': claim.staleBefore.toISOString(),
        },
        conflict: `Department ${departmentId} of sweep ${sweepId} is being swept by another message`,
      },
    ]);
    return true;
  } catch (err) {
    if (err instanceof Conflict) return false;
    throw err;
  }
}

/**
 * Gives a claim up (its work failed, or its process is gone): the message's own claim, or any claim when no
 * `messageId` is given. Best effort: a claim that is gone or another's is left as it is.
 */
export async function releaseDepartment(
  db: Db,
  sweepId: string,
  departmentId: string,
  messageId?: string,
): Promise<void> {
  try {
    await db.write([
      {
        kind: 'updateExpression',
        key: keys.sweepDepartmentClaim(sweepId, departmentId),
        update: 'REMOVE claimedAt, messageId',
        condition: messageId ? 'messageId = :m' : 'attribute_exists(claimedAt)',
        ...(messageId ? { values: { ':m': messageId } } : {}),
        conflict: `Department ${departmentId} of sweep ${sweepId} is not claimed by this work`,
      },
    ]);
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
  }
}

/** The current claims of a sweep's departments, by department (one Query on the sweep's partition). */
export async function departmentClaims(db: Db, sweepId: string): Promise<Map<string, DepartmentClaim>> {
  const items = await db.all(
    { pk: keys.sweep(sweepId).pk, skBeginsWith: keys.sweepClaimsPrefix, limit: 1000 },
    claimItem.partial({ messageId: true, claimedAt: true }),
  );
  const out = new Map<string, DepartmentClaim>();
  for (const { sk, messageId, claimedAt } of items) {
    const departmentId = sk.slice(keys.sweepClaimsPrefix.length);
    if (messageId && claimedAt) out.set(departmentId, { departmentId, messageId, claimedAt });
  }
  return out;
}

export type { Clawback, Rectification };

// ---------------------------------------------------------------- monitoring reports and budget adjustments

/** A filed monitoring report (a second one of the same period replaces the first: it is the newest). */
export interface MonitoringReportItem {
  projectId: string;
  departmentId: string;
  period: string;
  filedAt: string;
  filedBy: string;
  [field: string]: unknown;
}

/** The report, the project's new state (its reports summary) and the audit record: one transaction. */
export function monitoringReportActions(
  before: Project,
  after: Project,
  report: MonitoringReportItem,
  ctx: ChangeContext,
): WriteAction[] {
  return [
    {
      kind: 'put',
      item: {
        ...keys.monitoringReport(before.id, report.period, report.filedAt),
        type: 'monitoring-report',
        ...report,
      },
    },
    projects.replaceAction(before, after),
    auditAction({
      actor: ctx.actor,
      at: ctx.now.toISOString(),
      requestId: ctx.requestId,
      entityType: 'project',
      entityId: before.id,
      action: 'file-monitoring-report',
      before: null,
      after: report,
    }),
  ];
}

export interface BudgetAdjustment {
  projectId: string;
  clawbackId: string;
  reason: string;
  beforeFen: number;
  cutFen: number;
  afterFen: number;
  at: string;
  by: string;
}

/** The record of a budget cut (an accepted clawback) and its audit record on the project. */
export function budgetAdjustmentActions(adjustment: BudgetAdjustment, ctx: ChangeContext): WriteAction[] {
  return [
    {
      kind: 'create',
      item: {
        ...keys.budgetAdjustment(adjustment.projectId, adjustment.at, adjustment.clawbackId),
        type: 'budget-adjustment',
        ...adjustment,
      },
      conflict: 'The adjustment exists already',
    },
    auditAction({
      actor: ctx.actor,
      at: adjustment.at,
      requestId: ctx.requestId,
      entityType: 'project',
      entityId: adjustment.projectId,
      action: 'budget-adjustment',
      before: { approvedFen: adjustment.beforeFen },
      after: adjustment,
    }),
  ];
}
