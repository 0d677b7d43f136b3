import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { Actor } from '../domain/actor.js';
import { type IsoDate, yearOf } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import { Conflict } from '../domain/errors.js';
import type { Project } from '../domain/project.js';
import { issueNotice, recommend } from '../domain/rectification.js';
import { type ProjectSweep, type SweepInput, sweepProject } from '../domain/sweep.js';
import { metricNames } from '../metric-names.js';
import { type BusinessMetrics, noMetrics } from '../metrics.js';
import { auditAction } from '../store/audit.js';
import { configVersion, currentConfig } from '../store/config.js';
import type { Db, Item, WriteAction } from '../store/db.js';
import type { ChangeContext } from '../store/entity-store.js';
import {
  addDepartmentCounts,
  claimDepartment,
  clawbacks,
  departmentClaims,
  emptyCounts,
  executingSweepInputs,
  getSweep,
  lightHistoryItem,
  listSweeps,
  newSweepId,
  overdueActions,
  projectMonitoringUpdate,
  recordDepartmentFailure,
  rectifications,
  releaseDepartment,
  type SweepCounts,
  type SweepRecord,
  type SweepStart,
  snapshotDigests,
  snapshotItem,
  startSweep,
  sweepsUpTo,
} from '../store/monitoring.js';
import { projects } from '../store/projects.js';
import { departments } from '../store/reference.js';
import { RetryLater, type WorkQueue } from '../work-queue.js';
import { retryOnConcurrentChange } from './retry.js';

/**
 * The monitoring sweep (domain.md §3): a summary record + one unit of work per department. The coordinator
 * plans it and sends the work to the queue (in AWS an SQS queue, one message per department, consumed by
 * functions/jobs/sweep-worker.ts; locally and in tests a queue that runs the same consumer code in this
 * process); the POST route runs it here and answers the summary.
 *
 * A department page by page, so the worker's memory does not grow with the department (sweepDepartment):
 * a page of executing projects (a Query reading only the fields the rules need) and the digests of their
 * snapshots (a BatchGet reading only `digest`), then only what changed: the snapshots in parallel batches,
 * and the notices, overdue marks and clawbacks the projects bring, each with its audit records and the
 * project's summary of them, several projects to a transaction (a project alone again if the group fails,
 * e.g. because one of them changed meanwhile), while the next page is read.
 */
export const sweepActor: Actor = { sub: 'system:monitoring-sweep', role: 'finance' };

export interface SweepDeps {
  db: Db;
  /** Business metrics (notices issued, clawbacks recommended, duration per department); none if absent. */
  metrics?: BusinessMetrics;
  /** Faults injected by tests (none in the product): a department's work made to fail. */
  faults?: SweepFaults;
}

export interface SweepFaults {
  /** Called before each page of a department is decided (page 1 first); a throw fails that department. */
  beforePage?(departmentId: string, page: number): void | Promise<void>;
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
  await startSweep(db, sweep, ids);
  const work = ids.map((departmentId) => ({
    sweepId: sweep.sweepId,
    asOf: opts.asOf,
    fiscalYear,
    configVersion: config.version,
    departmentId,
  }));
  return { sweep, config, work };
}

/** The sweep worker's Lambda timeout (functions/jobs/schedules.ts, queue `sweep`: timeoutSeconds). */
export const WORKER_TIMEOUT_MS = 15 * 60 * 1000;
/** The sweep queue's visibility timeout: six times the worker's (infra/aws/constructs/work-queue.ts). */
export const VISIBILITY_TIMEOUT_MS = 6 * WORKER_TIMEOUT_MS;
/**
 * A pending department with no failure recorded is presumed lost (its worker was killed and the message
 * dead-lettered, or it was never queued) when its claim — written by the worker as it starts the department
 * (claimDepartment) — is older than this, or, never claimed, when its sweep started longer ago: the
 * worker's timeout plus the queue's visibility timeout (105 min), past which no attempt is still running
 * and SQS would already have delivered it again. Measured from the department's own start, not the sweep's:
 * at province scale a sweep takes 33–70 minutes and most departments wait in the queue meanwhile, which a
 * rule counted from the sweep's start (15 min, as it was) sent again and swept twice at once.
 */
export const LOST_AFTER_MS = WORKER_TIMEOUT_MS + VISIBILITY_TIMEOUT_MS;
/** How many of the latest sweeps a run looks at for departments to complete. */
const RESUME_LOOKBACK = 50;

/**
 * The departments earlier sweeps did not complete, as work to run again (the same sweep, day and
 * configuration version): each department whose work failed, or whose work has not reported `lostAfterMs`
 * after it was claimed (or, never claimed, after its sweep started). Among the latest sweeps (gsi1 SWEEPS,
 * newest first), with one Query of its claims per incomplete sweep. Running it again is safe: the sweep
 * decides nothing twice, the department is counted once, and a claim held by live work makes the copy a
 * no-op (runInOrder).
 */
export async function unfinishedWork(
  deps: Pick<SweepDeps, 'db'>,
  opts: { now: Date; lostAfterMs?: number; except?: string },
): Promise<DepartmentWork[]> {
  const page = await listSweeps(deps.db, { limit: RESUME_LOOKBACK });
  const cutoff = opts.now.getTime() - (opts.lostAfterMs ?? LOST_AFTER_MS);
  const out: DepartmentWork[] = [];
  for (const s of page.items) {
    if (s.complete || s.sweepId === opts.except) continue;
    const failed = new Set(s.failures.map((f) => f.departmentId));
    const unfailed = s.incompleteDepartments.filter((d) => !failed.has(d));
    // Claims matter only for the departments with no failure, and only once the sweep itself is that old.
    const claims =
      unfailed.length && Date.parse(s.startedAt) <= cutoff
        ? await departmentClaims(deps.db, s.sweepId)
        : undefined;
    const lost = (d: string) => {
      if (!claims) return false;
      const since = claims.get(d)?.claimedAt ?? s.startedAt;
      return Date.parse(since) <= cutoff;
    };
    for (const departmentId of s.incompleteDepartments) {
      if (!failed.has(departmentId) && !lost(departmentId)) continue;
      out.push({
        sweepId: s.sweepId,
        asOf: s.asOf,
        fiscalYear: s.fiscalYear,
        configVersion: s.configVersion,
        departmentId,
      });
    }
  }
  return out;
}

/**
 * Where the sweep queue runs in the process that starts (the local runner: an in-process queue), nothing of a
 * sweep that process did not start can still be running when it starts: each department the latest sweeps
 * still have pending with no failure recorded was lost with the previous process (killed, or stopped
 * mid-sweep). Records that as the department's failure and gives up its claim (the work that held it is
 * gone), so that the summary says why it is incomplete and the next run completes it at once
 * (unfinishedWork) rather than after LOST_AFTER_MS. In AWS the queue outlives any process and the claims
 * decide. Returns how many departments it recorded.
 */
export async function recordInterruptedWork(
  deps: Pick<SweepDeps, 'db'>,
  opts: { now: Date },
): Promise<number> {
  const page = await listSweeps(deps.db, { limit: RESUME_LOOKBACK });
  let recorded = 0;
  for (const s of page.items) {
    if (s.complete || Date.parse(s.startedAt) > opts.now.getTime()) continue;
    for (const departmentId of s.incompleteDepartments)
      await releaseDepartment(deps.db, s.sweepId, departmentId);
    const failed = new Set(s.failures.map((f) => f.departmentId));
    for (const departmentId of s.incompleteDepartments.filter((d) => !failed.has(d))) {
      await recordDepartmentFailure(deps.db, s.sweepId, departmentId, INTERRUPTED, opts.now);
      recorded++;
    }
  }
  return recorded;
}

/** The failure recordInterruptedWork records. */
export const INTERRUPTED = 'Interrupted: the system stopped before this department was counted';

/**
 * The scheduled coordinator: plans a sweep and hands each department to the work queue, with the departments
 * earlier sweeps did not complete (unfinishedWork), so that their summaries complete too.
 */
export async function scheduleSweep(
  deps: Pick<SweepDeps, 'db'> & { sweepQueue: WorkQueue<DepartmentWork> },
  opts: { asOf: IsoDate; now: Date; resume?: boolean },
): Promise<{ sweepId: string; asOf: IsoDate; departments: number; resumed: number }> {
  const resumed = opts.resume === false ? [] : await unfinishedWork(deps, { now: opts.now });
  const { sweep, work } = await planSweep(deps, {
    asOf: opts.asOf,
    trigger: 'schedule',
    actor: sweepActor,
    now: opts.now,
  });
  await deps.sweepQueue.send([...resumed, ...work]);
  return { sweepId: sweep.sweepId, asOf: opts.asOf, departments: work.length, resumed: resumed.length };
}

/** How long a requested sweep may take and still be answered at once (API Gateway ends a request at 29 s). */
export const ANSWER_WITHIN_MS = 10_000;

/**
 * A sweep requested over HTTP, run as a job through the same work queue as the scheduled sweeps (in AWS SQS
 * and the workers; locally the worker's code in process): plans it (with what earlier sweeps left undone),
 * sends its departments, and waits up to `answerWithinMs` for it to finish: every department counted, or
 * every one not counted failed (the summary names them; the next run completes them). `finished` says
 * whether it did; if not, the sweep's progress (GET /v1/monitoring/sweeps/{id}) is what to follow.
 */
export async function requestSweep(
  deps: Pick<SweepDeps, 'db'> & { sweepQueue: WorkQueue<DepartmentWork> },
  opts: { asOf: IsoDate; actor: Actor; now: Date; answerWithinMs?: number },
): Promise<{ summary: SweepRecord; finished: boolean }> {
  const resumed = await unfinishedWork(deps, { now: opts.now });
  const { sweep, work } = await planSweep(deps, { ...opts, trigger: 'request' });
  // The queue's failures are recorded on the sweeps (each department's work records its own).
  let sent = false;
  const sending = deps.sweepQueue
    .send([...resumed, ...work])
    .catch(() => {})
    .finally(() => {
      sent = true;
    });
  const deadline = Date.now() + (opts.answerWithinMs ?? ANSWER_WITHIN_MS);
  for (;;) {
    const summary = await getSweep(deps.db, sweep.sweepId);
    if (!summary) throw new Error(`Sweep ${sweep.sweepId} vanished`);
    if (summary.complete || summary.incompleteDepartments.length === summary.failures.length) {
      return { summary, finished: true };
    }
    const left = deadline - Date.now();
    if (left <= 0) return { summary, finished: false };
    // Woken when the queue is through (in process: every department tried), else polled.
    const pause = new Promise((r) => setTimeout(r, Math.min(250, left)));
    await (sent ? pause : Promise.race([sending, pause]));
  }
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
  await runInOrder(deps, w, {
    actor: sweepActor,
    now: deps.now(),
    requestId: messageId,
    messageId: messageId ?? randomUUID(),
  });
}

/** How many of the latest sweeps up to a work's day the worker looks at for earlier pending work. */
const ORDER_LOOKBACK = 20;

/**
 * A department's work in order (issue 12/11): a department's sweep as of a later day never runs before an
 * earlier sweep of the same department and fiscal year that still has it pending — else the day's sweep
 * (09-01) would issue, dated 09-01, the notices, overdue marks and clawbacks of the checkpoint (08-31) whose
 * message was killed or is still queued. Before the department, one Query of the sweeps of the year up to
 * this day (sweepsUpTo, gsi1 SWEEPS; no Scan; where it names an earlier sweep with the department pending,
 * a consistent GetItem of that sweep confirms it):
 *
 * - this sweep has the department counted already (a redelivery): nothing to do;
 * - an earlier sweep has it pending: that work runs first, here (claimed like any work), and then this
 *   one; when another message is sweeping it right now (a live claim), this message fails with RetryLater,
 *   its reason logged and recorded on the sweep, and is delivered again (SQS: after the visibility timeout;
 *   the in-process queue: after a pause) — a department is never swept by two workers at once;
 * - then this department is claimed (one write, claimDepartment) and swept; a claim held by another live
 *   message (a copy sent again while the first still runs) makes this one a no-op.
 *
 * Chosen over a FIFO queue with the department as message group: FIFO ordering would hold a department's
 * later messages only within one queue and message group, with a 300 messages/s send limit per queue (3,000
 * batched), a FIFO dead-letter queue, different event source behaviour (a group blocked while a message is
 * retried, for the 90-minute visibility timeout), and changes to the stack and its tests; and it would not
 * order the work unfinishedWork sends again, nor the in-process queue. The check here costs one Query and
 * one write per department and orders every path.
 */
export async function runInOrder(
  deps: SweepDeps,
  w: DepartmentWork,
  ctx: { actor: Actor; now: Date; requestId?: string; config?: RuleConfig; messageId: string },
): Promise<void> {
  const { db } = deps;
  const d = w.departmentId;
  try {
    const sweeps = await sweepsUpTo(db, w.fiscalYear, w.asOf, ORDER_LOOKBACK);
    const own = sweeps.find((s) => s.sweepId === w.sweepId);
    if (own && !own.incompleteDepartments.includes(d)) return; // counted already: a redelivered message
    const earlier = sweeps
      .filter((s) => s.asOf < w.asOf && s.fiscalYear === w.fiscalYear && s.incompleteDepartments.includes(d))
      .reverse(); // oldest first
    for (const s of earlier) {
      // The index is eventually consistent: the sweep's own record (a consistent read) says whether the
      // department is still pending, before a department is swept again for nothing.
      const current = await getSweep(db, s.sweepId);
      if (!current?.incompleteDepartments.includes(d)) continue;
      const before: DepartmentWork = {
        sweepId: s.sweepId,
        asOf: s.asOf,
        fiscalYear: s.fiscalYear,
        configVersion: s.configVersion,
        departmentId: d,
      };
      const ran = await runClaimed(deps, before, { ...ctx, config: undefined });
      if (!ran) {
        throw new RetryLater(
          `Waiting: department ${d} of the earlier sweep ${s.sweepId} (as of ${s.asOf}) is being swept; ` +
            `the sweep as of ${w.asOf} runs after it`,
        );
      }
    }
  } catch (err) {
    await recordDepartmentFailure(db, w.sweepId, d, failureMessage(err), ctx.now).catch(() => {});
    throw err;
  }
  await runClaimed(deps, w, ctx);
}

/**
 * Claims the department of `w` and runs it (runRecorded); false, running nothing, when another message's
 * live work holds the claim. A failure gives the claim up (so the department's next attempt may run at
 * once) and is thrown again.
 */
async function runClaimed(
  deps: SweepDeps,
  w: DepartmentWork,
  ctx: { actor: Actor; now: Date; requestId?: string; config?: RuleConfig; messageId: string },
): Promise<boolean> {
  const staleBefore = new Date(ctx.now.getTime() - LOST_AFTER_MS);
  const claimed = await claimDepartment(deps.db, w.sweepId, w.departmentId, {
    messageId: ctx.messageId,
    now: ctx.now,
    staleBefore,
  });
  if (!claimed) return false;
  try {
    await runRecorded(deps, w, ctx);
  } catch (err) {
    await releaseDepartment(deps.db, w.sweepId, w.departmentId, ctx.messageId).catch(() => {});
    throw err;
  }
  return true;
}

/** runDepartment; a failure is recorded on the sweep (the department stays incomplete) and thrown again. */
async function runRecorded(
  deps: SweepDeps,
  w: DepartmentWork,
  ctx: { actor: Actor; now: Date; requestId?: string; config?: RuleConfig },
): Promise<void> {
  try {
    await runDepartment(deps, w, ctx);
  } catch (err) {
    await recordDepartmentFailure(deps.db, w.sweepId, w.departmentId, failureMessage(err), ctx.now).catch(
      () => {},
    );
    throw err;
  }
}

const failureMessage = (err: unknown) =>
  err instanceof Error ? `${err.name}: ${err.message}` : `Failed: ${String(err)}`;

/**
 * Runs a whole sweep here, `concurrency` departments at a time, and returns its summary: a department whose
 * work fails is listed in `incompleteDepartments` (with the failure) rather than failing the whole run, and
 * the departments earlier sweeps left incomplete (unfinishedWork) are completed first.
 */
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
  const resumed = await unfinishedWork(deps, { now: opts.now });
  const { sweep, config, work } = await planSweep(deps, opts);
  const run = async (list: DepartmentWork[], config?: RuleConfig) => {
    const queue = [...list];
    const worker = async () => {
      // A department that fails stays incomplete in its sweep's summary (with the failure); the others go on.
      for (let w = queue.shift(); w; w = queue.shift())
        await runInOrder(deps, w, { ...opts, config, messageId: randomUUID() }).catch(() => {});
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
  };
  // What earlier sweeps left incomplete first (their decisions belong to them, and a department is never
  // swept by two runs at once), then this sweep's own.
  await run(resumed);
  await run(work, config);
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

/** Projects read at a time: a page, its snapshots' digests, its decisions and its writes, then forgotten. */
const PAGE = 100;
/**
 * The decisions of several projects go out together, as one transaction of at most this many actions
 * (TransactWriteItems' limit) and about this many bytes (well under its 4 MB): at a checkpoint a red light
 * is common, and one transaction per red project made the sweep cost ~0.2 requests per project.
 */
const GROUP_ACTIONS = 100;
const GROUP_BYTES = 1_000_000;
/** BatchWrite requests of snapshots in flight at once, per page. */
const WRITE_CONCURRENCY = 4;
/** Pages whose writes may still be under way while the next page is decided (each holds one page). */
const PAGES_IN_FLIGHT = 2;

interface Decided {
  project: SweepInput;
  result: ProjectSweep;
  actions: WriteAction[];
}

/** A page of projects with the digests of their stored snapshots. */
interface ReadPage {
  projects: SweepInput[];
  digests: Map<string, string>;
  nextToken?: string;
}

/**
 * The items a page's sweep results write in the snapshot batch (BatchWrite, not a transaction): the snapshot
 * of each project whose snapshot says something new (its digest differs from the stored one), with its point
 * of the light history (the dossier's lights over time). The one place where these items are put together.
 */
export function snapshotBatch(
  results: readonly ProjectSweep[],
  stored: ReadonlyMap<string, string>,
  now: Date,
): Item[] {
  const items: Item[] = [];
  for (const { snapshot } of results) {
    const item = snapshotItem(snapshot);
    if (stored.get(snapshot.projectId) !== item.digest) items.push(item, lightHistoryItem(snapshot, now));
  }
  return items;
}

/**
 * Sweeps one department's executing projects of `asOf`'s fiscal year, page by page, so that what it holds
 * does not grow with the department: it reads a page of projects (only the fields the rules need) and the
 * digests of their snapshots, decides, writes that page's decisions (grouped into transactions) and its
 * changed snapshots (BatchWrite, in parallel) while the next page is read, and forgets the page.
 */
export async function sweepDepartment(
  deps: Pick<SweepDeps, 'db' | 'faults'>,
  job: SweepJob,
): Promise<SweepCounts> {
  const { db } = deps;
  const counts = emptyCounts();
  const fiscalYear = job.config.fiscalYear;
  const read = async (nextToken?: string): Promise<ReadPage> => {
    const page = await executingSweepInputs(db, job.departmentId, fiscalYear, { limit: PAGE, nextToken });
    const digests = page.items.length
      ? await snapshotDigests(
          db,
          page.items.map((p) => p.id),
        )
      : new Map<string, string>();
    return { projects: page.items, digests, nextToken: page.nextToken };
  };
  const count = (result: ProjectSweep) => {
    counts.projectsScanned++;
    const l = result.snapshot.executionLight;
    if (l !== 'blue') counts.lights[l]++;
    counts.rectificationsIssued += result.notices.length;
    counts.rectificationsOverdue += result.overdue.length;
    counts.clawbacksRecommended += result.clawback ? 1 : 0;
  };
  /** Snapshot items not yet written: whole batches go out with each page, the rest with the next. */
  let pending: Item[] = [];
  const writeSnapshots = async (all: boolean) => {
    const n = all ? pending.length : pending.length - (pending.length % 25);
    if (!n) return;
    const items = pending.slice(0, n);
    pending = pending.slice(n);
    await db.batchPut(items, { concurrency: WRITE_CONCURRENCY });
    counts.snapshotsWritten += items.filter((item) => item.type === 'snapshot').length;
  };

  /** Pages whose writes are still under way (at most PAGES_IN_FLIGHT): the next page is decided meanwhile. */
  const inFlight: Promise<void>[] = [];
  let next: Promise<ReadPage> | undefined = read();
  try {
    for (let n = 1; next; n++) {
      const page: ReadPage = await next;
      // The next page is read while this one is decided and written.
      next = page.nextToken ? read(page.nextToken) : undefined;
      // A failed read is not left unhandled while this page is written: it fails the loop when awaited.
      next?.catch(() => {});
      await deps.faults?.beforePage?.(job.departmentId, n);

      const settled: ProjectSweep[] = [];
      const groups: Decided[][] = [];
      let group: Decided[] = [];
      let groupActions = 0;
      let groupBytes = 0;
      for (const project of page.projects) {
        const result = sweepProject(project, job.asOf, job.sweepId, job.config);
        const actions = decisionActions(project, result, job);
        if (!actions.length) {
          settled.push(result);
          continue;
        }
        const bytes = JSON.stringify(actions).length;
        if (
          group.length &&
          (groupActions + actions.length > GROUP_ACTIONS || groupBytes + bytes > GROUP_BYTES)
        ) {
          groups.push(group);
          group = [];
          groupActions = 0;
          groupBytes = 0;
        }
        group.push({ project, result, actions });
        groupActions += actions.length;
        groupBytes += bytes;
      }
      if (group.length) groups.push(group);
      pending.push(...snapshotBatch(settled, page.digests, job.now));
      for (const r of settled) count(r);

      // The page's decisions (each group one transaction) and its whole snapshot batches, at once; the
      // snapshots of decided projects wait until their decisions are written (they go with a later batch).
      const writes = Promise.all([
        ...groups.map((g) => writeGroup(db, g, job)),
        writeSnapshots(false).then(() => []),
      ]).then((decided) => {
        const results = decided.flat();
        pending.push(...snapshotBatch(results, page.digests, job.now));
        for (const r of results) count(r);
      });
      writes.catch(() => {});
      inFlight.push(writes);
      if (inFlight.length >= PAGES_IN_FLIGHT) await inFlight.shift();
    }
    while (inFlight.length) await inFlight.shift();
  } finally {
    // A failure leaves nothing running behind it.
    await Promise.allSettled(inFlight);
  }
  await writeSnapshots(true);
  return counts;
}

/**
 * One group of decided projects as one transaction. All or nothing: when it fails nothing of it was written,
 * and in a group the culprit is unknown (a project changed, or the group broke a limit), so each project is
 * decided again on its own, as if it had never been grouped; a lone project that changed meanwhile is read
 * again and decided again. Returns the results as written.
 */
async function writeGroup(db: Db, group: Decided[], job: SweepJob): Promise<ProjectSweep[]> {
  try {
    await db.write(group.flatMap((d) => d.actions));
    return group.map((d) => d.result);
  } catch (err) {
    if (group.length === 1 && !(err instanceof Conflict)) throw err;
    const out: ProjectSweep[] = [];
    for (const d of group) out.push(await sweepOne(db, d.project, job));
    return out;
  }
}

/**
 * One project on its own: decide and write. When it changed since it was read (an expenditure, a
 * response: a ConcurrentChange), it is read again and decided again (shared/app/retry.ts).
 */
async function sweepOne(db: Db, first: SweepInput, job: SweepJob): Promise<ProjectSweep> {
  let project: SweepInput | undefined = first;
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
function decisionActions(p: SweepInput, r: ProjectSweep, job: SweepJob): WriteAction[] {
  if (!r.notices.length && !r.overdue.length && !r.clawback) return [];
  const ctx: ChangeContext = { actor: job.actor, now: job.now, requestId: job.requestId };
  const actions: WriteAction[] = [];
  const after: Pick<Project, 'rectifications' | 'clawbackCauses' | 'pendingClawbackId'> = {
    rectifications: { ...p.rectifications },
    clawbackCauses: p.clawbackCauses,
    pendingClawbackId: p.pendingClawbackId,
  };
  for (const n of r.notices) {
    const notice = issueNotice(p, n, job.sweepId, job.now);
    actions.push(...rectifications.createActions(notice, ctx, 'issue'));
    after.rectifications[notice.id] = {
      cause: notice.cause,
      status: notice.status,
      issuedOn: notice.issuedOn,
      dueOn: notice.dueOn,
    };
  }
  for (const id of r.overdue) {
    const summary = p.rectifications[id]!;
    actions.push(
      ...overdueActions({ id, departmentId: p.departmentId, issuedOn: summary.issuedOn }, ctx, job.asOf),
    );
    after.rectifications[id] = { ...summary, status: 'overdue' };
  }
  if (r.clawback) {
    const c = recommend(p, r.clawback, job.asOf, job.sweepId, job.config.version, job.now);
    actions.push(...clawbacks.createActions(c, ctx, 'recommend'));
    after.pendingClawbackId = c.id;
    after.clawbackCauses = [...after.clawbackCauses, r.clawback.cause];
  }
  actions.push(projectMonitoringUpdate(p, after, job.now));
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
