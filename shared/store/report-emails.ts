import { businessDate, type IsoDate, yearOf } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import { Conflict } from '../domain/errors.js';
import type { Light } from '../domain/monitoring.js';
import { type Project, projectRecord } from '../domain/project.js';
import {
  type Clawback,
  clawbackRecord,
  type Rectification,
  rectificationRecord,
} from '../domain/rectification.js';
import type { Department } from '../domain/reference.js';
import { type Snapshot, sweepProject } from '../domain/sweep.js';
import { bureauSubject } from '../mail/bureau-summary.js';
import { bureauSummaryMessage, departmentReportMessage } from '../mail/compose.js';
import { type DeliveryLogger, type DeliveryReport, deliver, type OutgoingMail } from '../mail/delivery.js';
import { departmentSubject } from '../mail/department-report.js';
import {
  type BureauSummary,
  type DepartmentReport,
  type ReportClawback,
  type ReportNotice,
  type ReportProject,
  reportProject,
  toReportNotice,
} from '../mail/model.js';
import type { Mailer } from '../mail/ses.js';
import { configVersion, currentConfig } from './config.js';
import type { Db } from './db.js';
import { keys } from './keys.js';
import { DynamoMailLog } from './mail-log.js';
import { type SweepRecord, snapshotRecord, sweepRecord } from './monitoring.js';
import { departments } from './reference.js';

/**
 * The monitoring report mails of one `asOf`: read what the most recent sweep on or before it found, one report
 * per department with executing projects and the bureau's summary, and deliver each exactly once per `asOf`
 * (records `MAIL#REPORT#<asOf>` / `DEPT#<id>` | `BUREAU`; protocol in shared/mail/delivery.ts).
 */
export const reportScope = (asOf: IsoDate) => `REPORT#${asOf}`;
export const BUREAU_KEY = 'BUREAU';
export const departmentKey = (id: string) => `DEPT#${id}`;

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

const severity: Record<Light, number> = { red: 0, yellow: 1, blue: 2, green: 3, none: 4 };
const byUrgency = (a: ReportProject, b: ReportProject) =>
  severity[a.executionLight] - severity[b.executionLight] ||
  (a.executionIndex ?? Infinity) - (b.executionIndex ?? Infinity) ||
  a.projectId.localeCompare(b.projectId);

/** A notice as the mails show it: an open one past its due date is shown as overdue. */
function reportNotice(r: Rectification, today: IsoDate): ReportNotice {
  const status = r.status === 'open' && r.dueOn < today ? 'overdue' : (r.status as ReportNotice['status']);
  return toReportNotice(r, status);
}

const reportClawback = (c: Clawback): ReportClawback => ({
  id: c.id,
  projectId: c.projectId,
  projectName: c.projectName,
  departmentId: c.departmentId,
  asOf: c.asOf,
  cause: c.cause,
  recommendedFen: c.recommendedFen,
  basis: c.basis,
});

export interface GatheredReports {
  sweep: SweepRecord;
  departments: { department: Department; report: DepartmentReport }[];
  summary: BureauSummary;
  bureauEmails: string[];
}

/**
 * What the sweep found, per department. A project's stored snapshot is used when it is of the sweep's day;
 * when a later sweep of another day replaced it, the sweep's result is computed again from the project with
 * the configuration version the sweep used (the same pure function, so the same figures). Projects budgeted
 * after the sweep started are not in its report.
 */
export async function gatherReports(db: Db, sweep: SweepRecord, now: Date): Promise<GatheredReports> {
  const year = sweep.fiscalYear;
  const today = businessDate(now);
  const current = await currentConfig(db, year);
  const used: RuleConfig = (await configVersion(db, year, sweep.configVersion)) ?? current;
  const all = await departments.all(db);

  const gathered: GatheredReports['departments'] = [];
  const queue = [...all];
  const worker = async () => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      const report = await departmentReport(db, d, sweep, used, today, now);
      if (report) gathered.push({ department: d, report });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
  gathered.sort((a, b) => a.department.id.localeCompare(b.department.id));

  const name = new Map(gathered.map((g) => [g.department.id, g.department.name]));
  const named = <T extends { departmentId: string }>(x: T) => ({
    ...x,
    departmentName: name.get(x.departmentId) ?? x.departmentId,
  });
  const notices = gathered.flatMap((g) => g.report.notices.map(named));
  const summary: BureauSummary = {
    asOf: sweep.asOf,
    fiscalYear: year,
    sweepId: sweep.sweepId,
    generatedAt: now,
    bands: used.monitoring,
    projects: gathered.flatMap((g) => g.report.projects),
    notices,
    overdue: notices.filter((n) => n.status === 'overdue'),
    clawbacks: gathered.flatMap((g) => g.report.clawbacks.map(named)),
  };
  return { sweep, departments: gathered, summary, bureauEmails: current.bureauEmails };
}

async function departmentReport(
  db: Db,
  d: Department,
  sweep: SweepRecord,
  config: RuleConfig,
  today: IsoDate,
  now: Date,
): Promise<DepartmentReport | undefined> {
  const year = sweep.fiscalYear;
  const executing: Project[] = await db.all(
    { index: 'gsi1', pk: keys.departmentProjects(d.id), skBeginsWith: `${year}#executing#` },
    projectRecord,
  );
  if (!executing.length) return undefined;
  const snapshots = new Map(
    (await db.all({ index: 'gsi2', pk: keys.departmentSnapshots(d.id, year) }, snapshotRecord)).map((s) => [
      s.projectId,
      s as Snapshot,
    ]),
  );
  const projects: ReportProject[] = [];
  for (const p of executing) {
    const stored = snapshots.get(p.id);
    if (stored?.asOf === sweep.asOf) projects.push(reportProject(stored, d.name));
    else if (p.budget && p.budget.approvedAt <= sweep.startedAt)
      projects.push(reportProject(sweepProject(p, sweep.asOf, sweep.sweepId, config).snapshot, d.name));
  }
  if (!projects.length) return undefined;
  const ofYear = <T extends { fiscalYear: number }>(x: T) => x.fiscalYear === year;
  const notices: Rectification[] = [];
  for (const status of ['overdue', 'open', 'responded']) {
    notices.push(
      ...(
        await db.all(
          { index: 'gsi1', pk: keys.departmentNotices(d.id), skBeginsWith: `${status}#` },
          rectificationRecord,
        )
      ).filter(ofYear),
    );
  }
  const clawbacks = (
    await db.all(
      { index: 'gsi1', pk: keys.departmentClawbacks(d.id), skBeginsWith: 'recommended#' },
      clawbackRecord,
    )
  ).filter(ofYear);
  return {
    locale: d.locale,
    departmentId: d.id,
    departmentName: d.name,
    asOf: sweep.asOf,
    fiscalYear: year,
    sweepId: sweep.sweepId,
    generatedAt: now,
    projects: projects.sort(byUrgency),
    notices: notices
      .map((n) => reportNotice(n, today))
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id)),
    clawbacks: clawbacks.map(reportClawback).sort((a, b) => a.projectId.localeCompare(b.projectId)),
  };
}

export interface ReportEmailsResult extends DeliveryReport {
  asOf: IsoDate;
  sweepId: string;
  sweepAsOf: IsoDate;
  /** Reports not sent because they have nowhere to go (no bureau addresses in the configuration). */
  skipped: { kind: 'department-report' | 'bureau-summary'; departmentId?: string; reason: string }[];
}

/**
 * Sends the reports of `asOf` (the schedule and POST /v1/monitoring/report-emails both call this). No sweep
 * on or before `asOf` in its year, or one still running → 409.
 */
export async function sendReportEmails(
  db: Db,
  mailer: Mailer,
  opts: { asOf: IsoDate; now: Date; from: string; logger?: DeliveryLogger },
): Promise<ReportEmailsResult> {
  const sweep = await latestSweep(db, opts.asOf);
  if (!sweep) {
    throw new Conflict(
      `No monitoring sweep of ${yearOf(opts.asOf)} on or before ${opts.asOf}: run POST /v1/monitoring/sweeps { "asOf": "${opts.asOf}" } first`,
    );
  }
  if (!sweep.complete) {
    throw new Conflict(
      `The most recent sweep on or before ${opts.asOf} (${sweep.sweepId}) is still running: ` +
        `${sweep.departmentsDone} of ${sweep.departments} departments done; try again when it is complete`,
    );
  }
  const gathered = await gatherReports(db, sweep, opts.now);
  const scope = reportScope(opts.asOf);
  const context = { asOf: opts.asOf, sweepId: sweep.sweepId };
  const skipped: ReportEmailsResult['skipped'] = [];
  const mails: OutgoingMail[] = [];
  for (const { department, report } of gathered.departments) {
    if (!department.contactEmails.length) {
      skipped.push({
        kind: 'department-report',
        departmentId: department.id,
        reason: 'no contact addresses',
      });
      continue;
    }
    const to = [...department.contactEmails];
    mails.push({
      draft: {
        scope,
        key: departmentKey(department.id),
        kind: 'department-report',
        to,
        subject: departmentSubject(report),
        departmentId: department.id,
        context,
      },
      build: () => departmentReportMessage(report, to, opts.from),
    });
  }
  if (gathered.summary.projects.length && gathered.bureauEmails.length) {
    const to = [...gathered.bureauEmails];
    mails.push({
      draft: {
        scope,
        key: BUREAU_KEY,
        kind: 'bureau-summary',
        to,
        subject: bureauSubject(gathered.summary),
        context,
      },
      build: () => bureauSummaryMessage(gathered.summary, to, opts.from),
    });
  } else if (gathered.summary.projects.length) {
    skipped.push({
      kind: 'bureau-summary',
      reason: `the configuration of ${sweep.fiscalYear} names no bureauEmails`,
    });
  }
  const delivered = await deliver(mails, {
    log: new DynamoMailLog(db),
    mailer,
    from: opts.from,
    logger: opts.logger,
  });
  return { asOf: opts.asOf, sweepId: sweep.sweepId, sweepAsOf: sweep.asOf, ...delivered, skipped };
}
