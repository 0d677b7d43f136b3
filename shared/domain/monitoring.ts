import { addDays, type IsoDate, isLastDayOfMonth, monthOf, yearOf } from './calendar.js';
import type { RuleConfig } from './config.js';
import { type Indicator, numericTarget, type Tier } from './indicators.js';
import { approx, compare, decimal, divide, type Fraction, fraction, round2, times } from './ratio.js';

/**
 * In-year "dual monitoring" (domain.md §3) as pure functions of the project's figures and `asOf`: time
 * progress, execution rate and index, indicator indices, lights, divergence, missing reports and the
 * clawback amount. Every result keeps the inputs and the formula that produced it.
 */
export type Light = 'green' | 'yellow' | 'red' | 'blue' | 'none';
export const lights = ['green', 'yellow', 'red', 'blue', 'none'] as const;

/** Worst first: the goal light is the worst of its indicators' lights. */
const severity: Record<Light, number> = { red: 4, yellow: 3, blue: 2, green: 1, none: 0 };
export const worstLight = (ls: Light[]): Light =>
  ls.reduce<Light>((w, l) => (severity[l] > severity[w] ? l : w), 'none');

type Bands = Pick<RuleConfig['monitoring'], 'yellowFrom' | 'greenFrom' | 'blueFrom'>;

export function bandLight(index: number, bands: Bands, withBlue: boolean): Light {
  if (index < bands.yellowFrom) return 'red';
  if (index < bands.greenFrom) return 'yellow';
  if (withBlue && index >= bands.blueFrom) return 'blue';
  return 'green';
}

// ---------------------------------------------------------------- time progress

/** Whole months of the fiscal year elapsed on `asOf`: its month counts only on its last day. */
export function monthsElapsed(asOf: IsoDate): number {
  const month = monthOf(asOf);
  return isLastDayOfMonth(asOf) ? month : month - 1;
}

export interface TimeProgress {
  /** The share of the year (or of the plan) due by `asOf`, exact. */
  share: Fraction;
  months: number;
  source: 'months' | 'plan';
}

/** Months ÷ 12, or the disbursement plan's cumulative share of the same whole month. */
export function timeProgress(asOf: IsoDate, plan?: readonly number[]): TimeProgress {
  const months = monthsElapsed(asOf);
  if (plan) {
    const share = months === 0 ? 0 : (plan[months - 1] ?? 0);
    return { share: decimal(share), months, source: 'plan' };
  }
  return { share: fraction(months, 12), months, source: 'months' };
}

// ---------------------------------------------------------------- execution

export interface Execution {
  spentFen: number;
  approvedFen: number;
  executionRate: number;
  executionIndex: number | null;
  light: Light;
}

/** Execution index = rate ÷ time progress × 100, rounded to two decimals; no light while time progress is 0. */
export function execution(spentFen: number, approvedFen: number, tp: TimeProgress, bands: Bands): Execution {
  const rate = fraction(spentFen, approvedFen);
  const executionRate = approvedFen > 0 ? approx(rate, 4) : 0;
  if (tp.share.num === 0n || approvedFen <= 0)
    return { spentFen, approvedFen, executionRate, executionIndex: null, light: 'none' };
  const index = divide(rate, tp.share);
  const executionIndex = round2(index.num * 100n, index.den);
  return {
    spentFen,
    approvedFen,
    executionRate,
    executionIndex,
    light: bandLight(executionIndex, bands, false),
  };
}

/** Cumulative spend on or before `asOf`, from the per-day totals kept on the project. */
export function spentBy(spendByDate: Record<IsoDate, number>, asOf: IsoDate): number {
  let sum = 0;
  for (const [day, fen] of Object.entries(spendByDate)) if (day <= asOf) sum += fen;
  return sum;
}

// ---------------------------------------------------------------- goals

export interface ReportedIndicator {
  name: string;
  actual?: number;
  tier?: Tier;
}

export interface IndicatorResult {
  name: string;
  operator: Indicator['operator'];
  /** A number, or for a qualitative indicator the expected achievement in words. */
  target?: number | string;
  actual?: number;
  tier?: Tier;
  index: number | null;
  light: Light;
}

/** What the rules read of a goal indicator (the sweep reads no more of it). */
export type RuleIndicator = Pick<Indicator, 'name' | 'operator' | 'target' | 'weight'>;

const tierLight: Record<Tier, Light> = { achieved: 'green', partly_achieved: 'yellow', not_achieved: 'red' };

/**
 * `>=` and `=`: actual ÷ (target × time progress) × 100 in bands, ≥ blueFrom blue; `<=`: green when
 * actual ≤ target, else red; qualitative: by tier. An indicator with no reported value has no light.
 */
export function indicatorResult(
  ind: RuleIndicator,
  reported: ReportedIndicator | undefined,
  tp: TimeProgress,
  bands: Bands,
): IndicatorResult {
  const base = {
    name: ind.name,
    operator: ind.operator,
    target: ind.target,
    actual: reported?.actual,
    tier: reported?.tier,
  };
  if (ind.operator === 'qualitative') {
    return { ...base, index: null, light: reported?.tier ? tierLight[reported.tier] : 'none' };
  }
  const target = numericTarget(ind);
  if (reported?.actual === undefined || target === undefined) return { ...base, index: null, light: 'none' };
  if (ind.operator === '<=') {
    return {
      ...base,
      index: null,
      light: compare(decimal(reported.actual), decimal(target)) <= 0 ? 'green' : 'red',
    };
  }
  const due = times(decimal(target), tp.share);
  if (due.num <= 0n) return { ...base, index: null, light: tp.share.num === 0n ? 'none' : 'green' };
  const ratio = divide(decimal(reported.actual), due);
  const index = round2(ratio.num * 100n, ratio.den);
  return { ...base, index, light: bandLight(index, bands, true) };
}

/**
 * Goal progress: the weight-averaged min(actual ÷ target, 1) of the quantitative `>=` indicators, or null
 * when none was reported.
 */
export function goalProgress(
  indicators: readonly RuleIndicator[],
  reported: ReadonlyMap<string, ReportedIndicator>,
): number | null {
  let weighted = 0;
  let weights = 0;
  for (const ind of indicators) {
    const actual = reported.get(ind.name)?.actual;
    const target = numericTarget(ind);
    if (ind.operator !== '>=' || actual === undefined || !target) continue;
    weighted += Math.min(actual / target, 1) * ind.weight;
    weights += ind.weight;
  }
  return weights > 0 ? Math.round((weighted / weights) * 10_000) / 10_000 : null;
}

/** More than `points` percentage points between goal progress and the execution rate (both rounded first). */
export function diverges(progress: number | null, executionRate: number, points: number): boolean {
  if (progress === null) return false;
  // Subtract whole hundredths of a point (integers, exact), then compare: 16.01 − 6.01 in binary is
  // 10.000000000000002, which would flag exactly 10 points.
  const hundredths = (x: number) => Math.round(x * 10_000);
  return Math.abs(hundredths(progress) - hundredths(executionRate)) / 100 > points;
}

// ---------------------------------------------------------------- reports

export interface FiledReport {
  period: string;
  filedOn: IsoDate;
  indicators: ReportedIndicator[];
}

/** The latest report of a period on or before `asOf`'s month. */
export function latestReport(reports: readonly FiledReport[], asOf: IsoDate): FiledReport | undefined {
  const month = asOf.slice(0, 7);
  let latest: FiledReport | undefined;
  for (const r of reports) {
    if (r.period <= month && r.filedOn <= asOf && (!latest || r.period > latest.period)) latest = r;
  }
  return latest;
}

/** The checkpoint dates (ends of monitoring periods) of a fiscal year. */
export const checkpointsOf = (fiscalYear: number, config: RuleConfig): IsoDate[] =>
  config.monitoring.checkpoints.map((md) => `${fiscalYear}-${md}`);

/**
 * Periods whose report is missing: the deadline (period end + N days) has passed on `asOf` and no report
 * of that period (or a later one) was filed by then. Periods that ended before the budget are not owed.
 */
export function missingReports(
  reports: readonly FiledReport[],
  asOf: IsoDate,
  fiscalYear: number,
  budgetedOn: IsoDate,
  config: RuleConfig,
): string[] {
  const missing: string[] = [];
  for (const end of checkpointsOf(fiscalYear, config)) {
    if (end < budgetedOn) continue;
    const deadline = addDays(end, config.monitoring.reportDeadlineDays);
    if (deadline >= asOf) continue;
    const period = end.slice(0, 7);
    if (!reports.some((r) => r.period >= period && r.filedOn <= deadline)) missing.push(period);
  }
  return missing;
}

// ---------------------------------------------------------------- clawback

export interface ClawbackBasis {
  approvedAmount: number;
  spent: number;
  timeProgress: number;
  projectedSpend: number;
  formula: string;
}

/**
 * Recommended cut = budget − projected year-end spend, where projected = spend ÷ time progress capped at
 * the budget; exact in fen with time progress as a fraction, then rounded down to whole yuan. Null when
 * time progress is 0 or the amount is under the minimum.
 */
export function clawbackAmount(
  approvedFen: number,
  spentFen: number,
  tp: TimeProgress,
  minYuan: number,
): { amountYuan: number; basis: ClawbackBasis } | null {
  if (tp.share.num === 0n) return null;
  const approved = BigInt(approvedFen);
  // projected = spent × den / num (fen, exact); capped at the budget
  const projectedCapped =
    compare(fraction(BigInt(spentFen) * tp.share.den, tp.share.num), fraction(approved, 1)) >= 0;
  const restNum = projectedCapped ? 0n : approved * tp.share.num - BigInt(spentFen) * tp.share.den; // fen × num
  const amountYuan = Number(restNum / (tp.share.num * 100n));
  const projectedFen = projectedCapped
    ? approvedFen
    : Number((BigInt(spentFen) * tp.share.den) / tp.share.num);
  const basis: ClawbackBasis = {
    approvedAmount: approvedFen / 100,
    spent: spentFen / 100,
    timeProgress: approx(tp.share, 4),
    projectedSpend: Math.floor(projectedFen) / 100,
    formula:
      tp.source === 'months'
        ? `floor(approved − min(spent × 12 ÷ ${tp.months}, approved)) in whole yuan`
        : `floor(approved − min(spent ÷ planShare(${tp.months}), approved)) in whole yuan`,
  };
  return amountYuan >= minYuan ? { amountYuan, basis } : null;
}

/** Whether `asOf` is a checkpoint on which a red execution light brings a clawback recommendation. */
export function isClawbackCheckpoint(asOf: IsoDate, config: RuleConfig): boolean {
  return (
    checkpointsOf(yearOf(asOf), config).includes(asOf) && monthOf(asOf) >= config.monitoring.clawbackFromMonth
  );
}
