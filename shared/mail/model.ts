import type { IsoDate } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import { bandLight, type Light } from '../domain/monitoring.js';
import type { Snapshot } from '../domain/sweep.js';
import { type Locale, toFen } from './format.js';

/**
 * What the monitoring mails say, as plain data: the store gathers it (shared/store/report-emails.ts), the
 * renderers turn it into HTML, text and a workbook. Money in integer fen; rates as fractions.
 */
export interface ReportProject {
  projectId: string;
  projectName: string;
  departmentId: string;
  departmentName: string;
  approvedFen: number;
  spentFen: number;
  /** Fraction of the current budget spent by `asOf`. */
  executionRate: number;
  /** Fraction of the year (or of the plan) due by `asOf`. */
  timeProgress: number;
  executionIndex: number | null;
  executionLight: Light;
  goalLight: Light;
  light: Light;
  goalProgress: number | null;
  divergence: boolean;
  missingReports: string[];
  reportPeriod: string | null;
  /** The indicators as the sweep saw them (a qualitative target is words). */
  indicators?: ReportIndicator[];
}

export interface ReportIndicator {
  name: string;
  operator: string;
  target?: number | string;
  actual?: number;
  tier?: string;
  index: number | null;
  light: Light;
}

export type NoticeStatus = 'open' | 'overdue' | 'responded';

export interface ReportNotice {
  id: string;
  projectId: string;
  projectName: string;
  departmentId: string;
  cause: 'execution' | 'goal';
  reasons: Record<Locale, string>;
  issuedOn: IsoDate;
  dueOn: IsoDate;
  status: NoticeStatus;
}

/** A rectification notice as the mails show it, with the status they should say. */
export function toReportNotice(
  r: Omit<ReportNotice, 'status'> & { cause: ReportNotice['cause'] },
  status: NoticeStatus,
): ReportNotice {
  const { id, projectId, projectName, departmentId, cause, reasons, issuedOn, dueOn } = r;
  return { id, projectId, projectName, departmentId, cause, reasons, issuedOn, dueOn, status };
}

export interface ReportClawback {
  id: string;
  projectId: string;
  projectName: string;
  departmentId: string;
  asOf: IsoDate;
  cause: string;
  recommendedFen: number;
  basis: {
    approvedAmount: number;
    spent: number;
    timeProgress: number;
    projectedSpend: number;
    formula: string;
  };
}

export interface DepartmentReport {
  locale: Locale;
  departmentId: string;
  departmentName: string;
  asOf: IsoDate;
  fiscalYear: number;
  sweepId: string;
  generatedAt: Date;
  projects: ReportProject[];
  notices: ReportNotice[];
  clawbacks: ReportClawback[];
}

export interface BureauSummary {
  asOf: IsoDate;
  fiscalYear: number;
  sweepId: string;
  generatedAt: Date;
  /** The light bands of the configuration the sweep used (for the departments' lights). */
  bands: Pick<RuleConfig['monitoring'], 'yellowFrom' | 'greenFrom' | 'blueFrom'>;
  projects: ReportProject[];
  /** Every notice not yet closed (open, overdue, responded) of the year: the workbook's column. */
  notices: ReportNotice[];
  /** Notices past their due date and not answered (with their department's name). */
  overdue: (ReportNotice & { departmentName: string })[];
  clawbacks: (ReportClawback & { departmentName: string })[];
}

/** A snapshot of the sweep as a line of the report. */
export function reportProject(s: Snapshot, departmentName: string): ReportProject {
  return {
    projectId: s.projectId,
    projectName: s.projectName,
    departmentId: s.departmentId,
    departmentName,
    approvedFen: toFen(s.approvedAmount),
    spentFen: toFen(s.spentAmount),
    executionRate: s.executionRate,
    timeProgress: s.timeProgress,
    executionIndex: s.executionIndex,
    executionLight: s.executionLight,
    goalLight: s.goalLight,
    light: s.light,
    goalProgress: s.goalProgress,
    divergence: s.divergence,
    missingReports: s.missingReports,
    reportPeriod: s.reportPeriod,
    indicators: s.indicators.map(({ name, operator, target, actual, tier, index, light }) => ({
      name,
      operator,
      target,
      actual,
      tier,
      index,
      light,
    })),
  };
}

/** Pixel widths of the two bars (execution rate, time progress) on a track of `track` pixels. */
export function barWidths(
  executionRate: number,
  timeProgress: number,
  track: number,
): { execution: number; time: number } {
  const px = (f: number) => Math.round(Math.min(Math.max(Number.isFinite(f) ? f : 0, 0), 1) * track);
  return { execution: px(executionRate), time: px(timeProgress) };
}

export type LightCounts = Record<Light, number>;

export function lightCounts(projects: readonly ReportProject[], which: 'executionLight' | 'goalLight') {
  const counts: LightCounts = { red: 0, yellow: 0, green: 0, blue: 0, none: 0 };
  for (const p of projects) counts[p[which]]++;
  return counts;
}

/** The projects furthest behind their time progress: lowest execution index first (ties: lower rate, id). */
export function laggingProjects(projects: readonly ReportProject[], n: number): ReportProject[] {
  return projects
    .filter((p) => p.executionIndex !== null)
    .sort(
      (a, b) =>
        a.executionIndex! - b.executionIndex! ||
        a.executionRate - b.executionRate ||
        a.projectId.localeCompare(b.projectId),
    )
    .slice(0, n);
}

export interface DepartmentStanding {
  departmentId: string;
  departmentName: string;
  projects: number;
  approvedFen: number;
  spentFen: number;
  executionRate: number;
  /** Σ spent ÷ Σ (approved × time progress) × 100, two decimals; null while nothing is due yet. */
  executionIndex: number | null;
  light: Light;
  red: number;
  yellow: number;
  green: number;
}

/** Departments by execution index, highest first (no index last; ties: department id). */
export function departmentStandings(
  projects: readonly ReportProject[],
  bands: BureauSummary['bands'],
): DepartmentStanding[] {
  const byDept = new Map<string, ReportProject[]>();
  for (const p of projects) byDept.set(p.departmentId, [...(byDept.get(p.departmentId) ?? []), p]);
  const standings = [...byDept.values()].map((ps): DepartmentStanding => {
    const approvedFen = ps.reduce((a, p) => a + p.approvedFen, 0);
    const spentFen = ps.reduce((a, p) => a + p.spentFen, 0);
    const dueFen = ps.reduce((a, p) => a + p.approvedFen * p.timeProgress, 0);
    const executionIndex = dueFen > 0 ? Math.round((spentFen / dueFen) * 10_000) / 100 : null;
    return {
      departmentId: ps[0]!.departmentId,
      departmentName: ps[0]!.departmentName,
      projects: ps.length,
      approvedFen,
      spentFen,
      executionRate: approvedFen > 0 ? Math.round((spentFen / approvedFen) * 10_000) / 10_000 : 0,
      executionIndex,
      light: executionIndex === null ? 'none' : bandLight(executionIndex, bands, false),
      red: ps.filter((p) => p.executionLight === 'red').length,
      yellow: ps.filter((p) => p.executionLight === 'yellow').length,
      green: ps.filter((p) => p.executionLight === 'green').length,
    };
  });
  return standings.sort((a, b) => {
    if (a.executionIndex === null || b.executionIndex === null) {
      if (a.executionIndex !== b.executionIndex) return a.executionIndex === null ? 1 : -1;
    } else if (a.executionIndex !== b.executionIndex) return b.executionIndex - a.executionIndex;
    return a.departmentId.localeCompare(b.departmentId);
  });
}

export type ActionKind =
  | 'answer-overdue'
  | 'answer-notice'
  | 'await-verification'
  | 'speed-up'
  | 'file-report'
  | 'goals-behind'
  | 'divergence'
  | 'clawback'
  | 'none';

export interface NextAction {
  kind: ActionKind;
  projectId?: string;
  projectName?: string;
  noticeId?: string;
  dueOn?: IsoDate;
  periods?: string[];
  amountFen?: number;
  executionRate?: number;
  timeProgress?: number;
}

/**
 * What the department must do next, most urgent first: overdue notices, notices to answer (soonest due
 * first), projects to speed up, reports to file, goals behind, divergence, clawbacks to discuss. One
 * `none` action when there is nothing to do.
 */
export function nextActions(r: Pick<DepartmentReport, 'projects' | 'notices' | 'clawbacks'>): NextAction[] {
  const actions: NextAction[] = [];
  const byDue = [...r.notices].sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id));
  const ref = (n: ReportNotice) => ({
    projectId: n.projectId,
    projectName: n.projectName,
    noticeId: n.id,
    dueOn: n.dueOn,
  });
  for (const n of byDue) if (n.status === 'overdue') actions.push({ kind: 'answer-overdue', ...ref(n) });
  for (const n of byDue) if (n.status === 'open') actions.push({ kind: 'answer-notice', ...ref(n) });
  for (const n of byDue)
    if (n.status === 'responded') actions.push({ kind: 'await-verification', ...ref(n) });
  const projects = [...r.projects].sort(
    (a, b) =>
      (a.executionIndex ?? Infinity) - (b.executionIndex ?? Infinity) ||
      a.projectId.localeCompare(b.projectId),
  );
  const about = (p: ReportProject) => ({ projectId: p.projectId, projectName: p.projectName });
  for (const p of projects) {
    if (p.executionLight === 'red' || p.executionLight === 'yellow') {
      actions.push({
        kind: 'speed-up',
        ...about(p),
        executionRate: p.executionRate,
        timeProgress: p.timeProgress,
      });
    }
  }
  for (const p of projects)
    if (p.missingReports.length)
      actions.push({ kind: 'file-report', ...about(p), periods: p.missingReports });
  for (const p of projects)
    if (p.goalLight === 'red' || p.goalLight === 'yellow')
      actions.push({ kind: 'goals-behind', ...about(p) });
  for (const p of projects) if (p.divergence) actions.push({ kind: 'divergence', ...about(p) });
  for (const c of r.clawbacks) {
    actions.push({
      kind: 'clawback',
      projectId: c.projectId,
      projectName: c.projectName,
      amountFen: c.recommendedFen,
    });
  }
  return actions.length ? actions : [{ kind: 'none' }];
}
