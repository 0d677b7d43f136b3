import { addWorkingDays, businessDate, type IsoDate } from './calendar.js';
import type { RuleConfig } from './config.js';
import { fenToYuan } from './money.js';
import {
  type ClawbackBasis,
  clawbackAmount,
  diverges,
  execution,
  goalProgress,
  type IndicatorResult,
  indicatorResult,
  isClawbackCheckpoint,
  type Light,
  latestReport,
  missingReports,
  type RuleIndicator,
  spentBy,
  timeProgress,
  worstLight,
} from './monitoring.js';
import type { Project } from './project.js';
import { approx } from './ratio.js';

/**
 * What one sweep decides for one project, as a pure function of the project, `asOf` and the rules: the
 * monitoring snapshot (lights with their inputs and formula), the rectification notices to issue, the
 * notices that became overdue, and the clawback to recommend. The store writes what it returns.
 */
export interface Snapshot {
  projectId: string;
  departmentId: string;
  fiscalYear: number;
  projectName: string;
  asOf: IsoDate;
  sweepId: string;
  timeProgress: number;
  timeProgressBasis: { months: number; source: 'months' | 'plan' };
  spentAmount: number;
  approvedAmount: number;
  executionRate: number;
  executionIndex: number | null;
  executionLight: Light;
  goalLight: Light;
  /** The worst of the execution and goal lights: what the flags list filters on. */
  light: Light;
  reportPeriod: string | null;
  goalProgress: number | null;
  divergence: boolean;
  missingReports: string[];
  indicators: IndicatorResult[];
  configVersion: number;
  formula: { executionIndex: string; indicatorIndex: string; bands: string };
}

export type Cause = 'execution' | 'goal';

export interface NewNotice {
  id: string;
  cause: Cause;
  issuedOn: IsoDate;
  dueOn: IsoDate;
  reason: { 'zh-CN': string; en: string };
}

export interface Recommendation {
  id: string;
  cause: string;
  recommendedFen: number;
  basis: ClawbackBasis;
}

export interface ProjectSweep {
  snapshot: Snapshot;
  notices: NewNotice[];
  overdue: string[];
  clawback?: Recommendation;
}

const ACTIVE = new Set(['open', 'responded', 'overdue']);

/**
 * What the sweep reads of a project, and no more (the store reads only these fields: a project item is
 * mostly goals text, reviews and the assessment, which no light depends on). A whole Project is one too.
 */
export type SweepInput = Pick<
  Project,
  | 'id'
  | 'departmentId'
  | 'fiscalYear'
  | 'name'
  | 'spendByDate'
  | 'reports'
  | 'rectifications'
  | 'pendingClawbackId'
  | 'clawbackCauses'
  | 'version'
> & {
  budget?: Pick<NonNullable<Project['budget']>, 'approvedFen' | 'disbursementPlan' | 'approvedAt'>;
  goals?: { indicators: readonly RuleIndicator[] };
};

export function sweepProject(
  p: SweepInput,
  asOf: IsoDate,
  sweepId: string,
  config: RuleConfig,
): ProjectSweep {
  const m = config.monitoring;
  const tp = timeProgress(asOf, p.budget?.disbursementPlan);
  const approvedFen = p.budget?.approvedFen ?? 0;
  const spentFen = spentBy(p.spendByDate, asOf);
  const exec = execution(spentFen, approvedFen, tp, m);
  const report = latestReport(p.reports, asOf);
  const reported = new Map((report?.indicators ?? []).map((r) => [r.name, r]));
  const indicators = (p.goals?.indicators ?? []).map((i) => indicatorResult(i, reported.get(i.name), tp, m));
  const goalLight = report ? worstLight(indicators.map((i) => i.light)) : 'none';
  const progress = report ? goalProgress(p.goals?.indicators ?? [], reported) : null;
  const snapshot: Snapshot = {
    projectId: p.id,
    departmentId: p.departmentId,
    fiscalYear: p.fiscalYear,
    projectName: p.name,
    asOf,
    sweepId,
    timeProgress: approx(tp.share, 4),
    timeProgressBasis: { months: tp.months, source: tp.source },
    spentAmount: fenToYuan(spentFen),
    approvedAmount: fenToYuan(approvedFen),
    executionRate: exec.executionRate,
    executionIndex: exec.executionIndex,
    executionLight: exec.light,
    goalLight,
    light: worstLight([exec.light, goalLight]),
    reportPeriod: report?.period ?? null,
    goalProgress: progress,
    divergence: diverges(progress, exec.executionRate, m.divergencePoints),
    missingReports: p.budget
      ? missingReports(p.reports, asOf, p.fiscalYear, businessDate(new Date(p.budget.approvedAt)), config)
      : [],
    indicators,
    configVersion: config.version,
    formula: {
      executionIndex: `round2(spent ÷ approved ÷ timeProgress × 100); timeProgress = ${tp.source === 'months' ? `${tp.months} ÷ 12 whole months` : `the plan's share of month ${tp.months}`}`,
      indicatorIndex:
        'round2(actual ÷ (target × timeProgress) × 100) for >= and =; <= green when actual ≤ target',
      bands: `red < ${m.yellowFrom} ≤ yellow < ${m.greenFrom} ≤ green; indicators ≥ ${m.blueFrom} blue`,
    },
  };

  const active = Object.entries(p.rectifications).filter(([, r]) => ACTIVE.has(r.status));
  const notices: NewNotice[] = [];
  const reds: [Cause, boolean][] = [
    ['execution', exec.light === 'red'],
    ['goal', goalLight === 'red'],
  ];
  for (const [cause, red] of reds) {
    const id = `R-${p.id}-${cause}-${asOf}`;
    // A rerun for the same day after that day's notice was closed issues no second one (same id).
    if (!red || active.some(([, r]) => r.cause === cause) || p.rectifications[id]) continue;
    notices.push({
      id,
      cause,
      issuedOn: asOf,
      dueOn: addWorkingDays(asOf, m.rectificationWorkingDays, config.calendar),
      reason: noticeReason(cause, snapshot),
    });
  }

  const overdue = active.filter(([, r]) => r.status === 'open' && r.dueOn < asOf).map(([id]) => id);

  let clawback: Recommendation | undefined;
  if (!p.pendingClawbackId) {
    const failed = Object.entries(p.rectifications)
      .filter(([id, r]) => r.status === 'not_resolved' || r.status === 'overdue' || overdue.includes(id))
      .map(([id]) => `rectification:${id}`);
    const checkpoint =
      isClawbackCheckpoint(asOf, config) && exec.light === 'red' ? [`checkpoint:${asOf}`] : [];
    const cause = [...failed, ...checkpoint].find((c) => !p.clawbackCauses.includes(c));
    const amount = cause ? clawbackAmount(approvedFen, spentFen, tp, m.minClawbackAmount) : null;
    if (cause && amount) {
      // Unique per project: a rerun for the same day may recommend again for another cause once the first
      // recommendation was decided; each recommendation adds its cause to clawbackCauses.
      const n = p.clawbackCauses.length;
      clawback = {
        id: n === 0 ? `C-${p.id}-${asOf}` : `C-${p.id}-${asOf}-${n + 1}`,
        cause,
        recommendedFen: amount.amountYuan * 100,
        basis: amount.basis,
      };
    }
  }
  return { snapshot, notices, overdue, clawback };
}

function noticeReason(cause: Cause, s: Snapshot): { 'zh-CN': string; en: string } {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  if (cause === 'execution') {
    return {
      'zh-CN': `预算执行进度滞后（红灯）：截至${s.asOf}执行率${pct(s.executionRate)}，序时进度${pct(s.timeProgress)}，执行指数${s.executionIndex}`,
      en: `Spending lags (red): by ${s.asOf} the execution rate is ${pct(s.executionRate)} against a time progress of ${pct(s.timeProgress)}, index ${s.executionIndex}`,
    };
  }
  const reds = s.indicators.filter((i) => i.light === 'red').map((i) => i.name);
  return {
    'zh-CN': `绩效目标完成进度滞后（红灯）：${reds.join('、')}（${s.reportPeriod}监控报告）`,
    en: `Goals lag (red): ${reds.join(', ')} (monitoring report of ${s.reportPeriod})`,
  };
}
