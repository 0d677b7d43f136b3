import type { RuleConfig } from './config.js';
import { fraction } from './ratio.js';
import {
  type Grade,
  type Hundredths,
  reweightedTotal,
  roundHalfUp,
  type ScoreSheet,
  toPoints,
} from './self-evaluation.js';

/**
 * The ranking of departments (domain.md §4), the score-inflation signal and the ranking's sensitivity to
 * other weightings. Pure: it takes the year's reviewed self-evaluations (and third-party scores) as read.
 */
export interface RankedEvaluation {
  departmentId: string;
  projectId: string;
  /** Reviewed total, hundredths. */
  reviewed: Hundredths;
  /** The department's claimed total, hundredths. */
  claimed: Hundredths;
  /** The approved third-party score, hundredths, where one exists. */
  thirdParty?: Hundredths;
  sheet?: ScoreSheet;
}

export interface RankingRow {
  rank: number;
  departmentId: string;
  /** Average reviewed total, rounded half up to two decimals (points). */
  averageScore: number;
  projects: number;
}

/** Mean of hundredths, rounded half up to hundredths. */
export const meanHundredths = (values: readonly Hundredths[]): Hundredths =>
  roundHalfUp(
    fraction(
      values.reduce((a, b) => a + b, 0),
      100 * values.length,
    ),
  );

/**
 * Departments by the average reviewed total of their reviewed projects (rounded first); ties on the rounded
 * average → more projects first → department id ascending; ranks 1, 2, 3… with no gaps. A department with no
 * reviewed project does not appear.
 */
export function rankDepartments(
  evaluations: readonly { departmentId: string; total: Hundredths }[],
): RankingRow[] {
  const byDept = new Map<string, Hundredths[]>();
  for (const e of evaluations) byDept.set(e.departmentId, [...(byDept.get(e.departmentId) ?? []), e.total]);
  return [...byDept.entries()]
    .map(([departmentId, totals]) => ({
      departmentId,
      average: meanHundredths(totals),
      projects: totals.length,
    }))
    .sort(
      (a, b) =>
        b.average - a.average ||
        b.projects - a.projects ||
        (a.departmentId < b.departmentId ? -1 : a.departmentId > b.departmentId ? 1 : 0),
    )
    .map((d, i) => ({
      rank: i + 1,
      departmentId: d.departmentId,
      averageScore: toPoints(d.average),
      projects: d.projects,
    }));
}

export interface InflationSignal {
  departmentId: string;
  /** Average of claimed − reviewed totals over the reviewed projects (points, two decimals). */
  averageGap: number;
  /** Average of claimed − third-party totals where a third-party score exists (points), else null. */
  thirdPartyGap: number | null;
  thirdPartyProjects: number;
  /** A gap above the configured threshold. */
  flagged: boolean;
  threshold: number;
}

/** Signed mean of hundredths, rounded half up (away from zero) to hundredths. */
function signedMean(values: readonly number[]): Hundredths {
  const sum = values.reduce((a, b) => a + b, 0);
  const m = roundHalfUp(fraction(Math.abs(sum), 100 * values.length));
  return sum < 0 ? -m : m;
}

/** Per department: how far its claims run above the bureau's review (and the agencies' scores). */
export function inflationSignals(
  evaluations: readonly RankedEvaluation[],
  config: Pick<RuleConfig, 'evaluation'>,
): InflationSignal[] {
  const byDept = new Map<string, RankedEvaluation[]>();
  for (const e of evaluations) byDept.set(e.departmentId, [...(byDept.get(e.departmentId) ?? []), e]);
  const threshold = config.evaluation.inflationGap;
  return [...byDept.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([departmentId, list]) => {
      const gap = signedMean(list.map((e) => e.claimed - e.reviewed));
      const withTp = list.filter((e) => e.thirdParty !== undefined);
      const tpGap = withTp.length ? signedMean(withTp.map((e) => e.claimed - e.thirdParty!)) : null;
      const limit = Math.round(threshold * 100);
      return {
        departmentId,
        averageGap: toPoints(gap),
        thirdPartyGap: tpGap === null ? null : toPoints(tpGap),
        thirdPartyProjects: withTp.length,
        flagged: gap > limit || (tpGap !== null && tpGap > limit),
        threshold,
      };
    });
}

export interface WhatIfRanking {
  name: string;
  weights: { execution: number; output: number; benefit: number; satisfaction: number };
  items: (RankingRow & { baselineRank: number; moved: number })[];
}

/** The ranking again under each alternative weighting of the configuration; `moved` > 0 is a climb. */
export function whatIfRankings(
  evaluations: readonly RankedEvaluation[],
  baseline: readonly RankingRow[],
  config: Pick<RuleConfig, 'evaluation'>,
): WhatIfRanking[] {
  const baseRank = new Map(baseline.map((r) => [r.departmentId, r.rank]));
  return config.evaluation.whatIf.map(({ name, ...weights }) => {
    const rows = rankDepartments(
      evaluations
        .filter((e) => e.sheet)
        .map((e) => ({ departmentId: e.departmentId, total: reweightedTotal(e.sheet!, weights) })),
    );
    return {
      name,
      weights,
      items: rows.map((r) => {
        const before = baseRank.get(r.departmentId) ?? r.rank;
        return { ...r, baselineRank: before, moved: before - r.rank };
      }),
    };
  });
}

// ---------------------------------------------------------------- results (domain.md §5)

export const recommendations = ['priority', 'maintain', 'cut', 'cancel'] as const;
export type Recommendation = (typeof recommendations)[number];

export interface FinalGrade {
  grade: Grade;
  source: 'third-party' | 'self-evaluation';
  /** The third-party evaluation's id, or the project id for its self-evaluation. */
  evaluationId: string;
  /** The score behind the grade (points). */
  score: number;
  configVersion: number;
}

/** The approved third-party grade where one exists (the latest approval), else the reviewed self-evaluation's. */
export function finalGrade(
  reviewed: { projectId: string; total: Hundredths; grade: Grade; configVersion: number } | undefined,
  thirdParty: readonly {
    evaluationId: string;
    score: number;
    grade: Grade;
    approvedAt: string;
    configVersion: number;
  }[],
): FinalGrade | undefined {
  const tp = [...thirdParty].sort((a, b) => a.approvedAt.localeCompare(b.approvedAt)).at(-1);
  if (tp) {
    return {
      grade: tp.grade,
      source: 'third-party',
      evaluationId: tp.evaluationId,
      score: tp.score,
      configVersion: tp.configVersion,
    };
  }
  if (!reviewed) return undefined;
  return {
    grade: reviewed.grade,
    source: 'self-evaluation',
    evaluationId: reviewed.projectId,
    score: toPoints(reviewed.total),
    configVersion: reviewed.configVersion,
  };
}

const recommendationOf: Record<Grade, Recommendation> = {
  excellent: 'priority',
  good: 'maintain',
  fair: 'cut',
  poor: 'cancel',
};

/**
 * Next year's recommendation from the final grade, starting from the current approved budget (fen): priority
 * and maintain keep it, cut gives floor(budget × (1 − share)) in whole yuan, cancel is 0.
 */
export function recommend(
  grade: Grade,
  approvedFen: number,
  cutShare: number,
): { recommendation: Recommendation; recommendedFen: number; rule: string } {
  const recommendation = recommendationOf[grade];
  if (recommendation === 'cut') {
    const keep = 1_000_000n - BigInt(Math.round(cutShare * 1_000_000));
    const yuan = (BigInt(approvedFen) * keep) / (100n * 1_000_000n); // floor: both non-negative
    return {
      recommendation,
      recommendedFen: Number(yuan) * 100,
      rule: `fair → cut: floor(budget × (1 − ${cutShare})) in whole yuan`,
    };
  }
  if (recommendation === 'cancel') return { recommendation, recommendedFen: 0, rule: 'poor → cancel: 0' };
  return {
    recommendation,
    recommendedFen: approvedFen,
    rule: `${grade} → ${recommendation}: the current approved budget`,
  };
}
