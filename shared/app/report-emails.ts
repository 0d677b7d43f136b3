import { businessDate, type IsoDate, yearOf } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import { Conflict } from '../domain/errors.js';
import type { Light } from '../domain/monitoring.js';
import type { Clawback, Rectification } from '../domain/rectification.js';
import type { Department } from '../domain/reference.js';
import { type Snapshot, sweepProject } from '../domain/sweep.js';
import type { DeliveryReport, OutgoingMail } from '../mail/delivery.js';
import {
  type BureauSummary,
  type DepartmentReport,
  type ReportClawback,
  type ReportNotice,
  type ReportProject,
  reportProject,
  toReportNotice,
} from '../mail/model.js';
import { configVersion, currentConfig } from '../store/config.js';
import type { Db } from '../store/db.js';
import { keys } from '../store/keys.js';
import {
  clawbacksWithStatus,
  departmentSnapshots,
  executingProjects,
  latestSweep,
  noticesWithStatus,
  type SweepRecord,
} from '../store/monitoring.js';
import { departments } from '../store/reference.js';
import { deliverOnce, type MailDeps } from './deliver-mails.js';

/**
 * The monitoring report mails of one `asOf`: read what the most recent sweep on or before it found, one report
 * per department with executing projects and the bureau's summary, and deliver each exactly once per `asOf`
 * (records keys.mailRecord(keys.reportMailScope(asOf), keys.departmentReportMail(id) | keys.bureauReportMail);
 * protocol in shared/mail/delivery.ts).
 */
export const reportScope = (asOf: IsoDate) => keys.reportMailScope(asOf);

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
export async function gatherReports(
  deps: { db: Db },
  sweep: SweepRecord,
  now: Date,
): Promise<GatheredReports> {
  const { db } = deps;
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
  const executing = await executingProjects(db, d.id, year);
  if (!executing.length) return undefined;
  const snapshots = new Map<string, Snapshot>(
    (await departmentSnapshots(db, d.id, year)).map((s) => [s.projectId, s]),
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
    notices.push(...(await noticesWithStatus(db, status, d.id)).filter(ofYear));
  }
  const clawbacks = (await clawbacksWithStatus(db, d.id, 'recommended')).filter(ofYear);
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
/** The sweep the reports of `asOf` are made from: the most recent on or before it, complete; else 409. */
export async function sweepToReport(db: MailDeps['db'], asOf: IsoDate): Promise<SweepRecord> {
  const sweep = await latestSweep(db, asOf);
  if (!sweep) {
    throw new Conflict(
      `No monitoring sweep of ${yearOf(asOf)} on or before ${asOf}: run POST /v1/monitoring/sweeps { "asOf": "${asOf}" } first`,
    );
  }
  if (!sweep.complete) {
    throw new Conflict(
      `The most recent sweep on or before ${asOf} (${sweep.sweepId}) is still running: ` +
        `${sweep.departmentsDone} of ${sweep.departments} departments done; try again when it is complete`,
    );
  }
  return sweep;
}

export async function sendReportEmails(
  deps: MailDeps,
  opts: { asOf: IsoDate; now: Date },
): Promise<ReportEmailsResult> {
  const { db } = deps;
  const from = deps.mailFrom();
  const sweep = await sweepToReport(db, opts.asOf);
  const gathered = await gatherReports(deps, sweep, opts.now);
  // The renderers (texts, HTML, the workbook) are loaded by the first mailing a process makes, not at the
  // cold start of every route of the function that can mail.
  const [{ bureauSubject }, { bureauSummaryMessage, departmentReportMessage }, { departmentSubject }] =
    await Promise.all([
      import('../mail/bureau-summary.js'),
      import('../mail/compose.js'),
      import('../mail/department-report.js'),
    ]);
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
        key: keys.departmentReportMail(department.id),
        kind: 'department-report',
        to,
        subject: departmentSubject(report),
        departmentId: department.id,
        context,
      },
      build: () => departmentReportMessage(report, to, from),
    });
  }
  if (gathered.summary.projects.length && gathered.bureauEmails.length) {
    const to = [...gathered.bureauEmails];
    mails.push({
      draft: {
        scope,
        key: keys.bureauReportMail,
        kind: 'bureau-summary',
        to,
        subject: bureauSubject(gathered.summary),
        context,
      },
      build: () => bureauSummaryMessage(gathered.summary, to, from),
    });
  } else if (gathered.summary.projects.length) {
    skipped.push({
      kind: 'bureau-summary',
      reason: `the configuration of ${sweep.fiscalYear} names no bureauEmails`,
    });
  }
  const delivered = await deliverOnce(deps, mails, from);
  return { asOf: opts.asOf, sweepId: sweep.sweepId, sweepAsOf: sweep.asOf, ...delivered, skipped };
}
