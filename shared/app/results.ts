import type { Actor } from '../domain/actor.js';
import type { RuleConfig } from '../domain/config.js';
import { fenToYuan } from '../domain/money.js';
import type { Project } from '../domain/project.js';
import {
  type FinalGrade,
  finalGrade,
  type InflationSignal,
  inflationSignals,
  type RankedEvaluation,
  type RankingRow,
  type Recommendation,
  rankDepartments,
  recommend,
  type WhatIfRanking,
  whatIfRankings,
} from '../domain/ranking.js';
import type { SelfEvaluation } from '../domain/self-evaluation.js';
import { currentConfig } from '../store/config.js';
import type { Db } from '../store/db.js';
import { listProjects } from '../store/projects.js';
import { reviewedEvaluations, selfEvaluations, thirdPartyGrades } from '../store/self-evaluations.js';

/**
 * The year's ranking and results (domain.md §4–5) as use cases: the ranking from the year's reviewed
 * self-evaluations (one Query on their sparse index), with the score-inflation signal and the alternative
 * weightings; the results per project from its final grade (an approved third-party grade wins, else the
 * reviewed self-evaluation), with next year's recommendation and its basis.
 */
export interface ResultsDeps {
  db: Db;
}

export interface YearRanking {
  fiscalYear: number;
  configVersion: number;
  items: RankingRow[];
  inflation: InflationSignal[];
  whatIf?: WhatIfRanking[];
  /** What the ranking was made of: every reviewed project and its totals. */
  evaluations: RankedEvaluation[];
}

export async function yearRanking(
  deps: ResultsDeps,
  fiscalYear: number,
  opts: { whatIf?: boolean } = {},
): Promise<YearRanking> {
  const [config, reviewed] = await Promise.all([
    currentConfig(deps.db, fiscalYear),
    reviewedEvaluations(deps.db, fiscalYear),
  ]);
  const evaluations: RankedEvaluation[] = await Promise.all(
    reviewed.map(async (e) => {
      const tp = finalGrade(undefined, await thirdPartyGrades(deps.db, e.projectId));
      return {
        departmentId: e.departmentId,
        projectId: e.projectId,
        reviewed: e.reviewed!.total,
        claimed: e.claimed.total,
        ...(tp ? { thirdParty: Math.round(tp.score * 100) } : {}),
        sheet: e.reviewed!,
      };
    }),
  );
  const items = rankDepartments(
    evaluations.map((e) => ({ departmentId: e.departmentId, total: e.reviewed })),
  );
  return {
    fiscalYear,
    configVersion: config.version,
    items,
    inflation: inflationSignals(evaluations, config),
    ...(opts.whatIf ? { whatIf: whatIfRankings(evaluations, items, config) } : {}),
    evaluations,
  };
}

export interface ResultRow {
  projectId: string;
  projectName: string;
  departmentId: string;
  fiscalYear: number;
  grade: FinalGrade['grade'];
  recommendation: Recommendation;
  /** Yuan. */
  recommendedAmount: number;
  approvedAmount: number;
  basis: {
    evaluation: { source: FinalGrade['source']; id: string; score: number; configVersion: number };
    grade: FinalGrade['grade'];
    rule: string;
    cutShare: number;
    approvedAmount: number;
    /** The configuration version the recommendation rule was taken from. */
    configVersion: number;
  };
  /** Approved goals, for the public package. */
  goals?: { overallGoal: string; indicators: { name: string; target?: number | string; unit?: string }[] };
}

/** A project's result, or undefined when it has no final grade yet (no reviewed self-evaluation, no approved third-party report). */
export function resultOf(
  project: Project,
  evaluation: SelfEvaluation | undefined,
  tp: Parameters<typeof finalGrade>[1],
  config: RuleConfig,
): ResultRow | undefined {
  if (!project.budget) return undefined;
  const reviewed = evaluation?.reviewed
    ? {
        projectId: project.id,
        total: evaluation.reviewed.total,
        grade: evaluation.reviewed.grade,
        configVersion: evaluation.reviewed.configVersion,
      }
    : undefined;
  const final = finalGrade(reviewed, tp);
  if (!final) return undefined;
  const approvedFen = project.budget.approvedFen;
  const r = recommend(final.grade, approvedFen, config.results.cutShare);
  return {
    projectId: project.id,
    projectName: project.name,
    departmentId: project.departmentId,
    fiscalYear: project.fiscalYear,
    grade: final.grade,
    recommendation: r.recommendation,
    recommendedAmount: fenToYuan(r.recommendedFen),
    approvedAmount: fenToYuan(approvedFen),
    basis: {
      evaluation: {
        source: final.source,
        id: final.evaluationId,
        score: final.score,
        configVersion: final.configVersion,
      },
      grade: final.grade,
      rule: r.rule,
      cutShare: config.results.cutShare,
      approvedAmount: fenToYuan(approvedFen),
      configVersion: config.version,
    },
    ...(project.goals && project.goalReviews.some((g) => g.grade === 'excellent' || g.grade === 'good')
      ? {
          goals: {
            overallGoal: project.goals.overallGoal,
            indicators: project.goals.indicators.map(({ name, target, unit }) => ({ name, target, unit })),
          },
        }
      : {}),
  };
}

async function resultsOfProjects(
  deps: ResultsDeps,
  projects: Project[],
  config: RuleConfig,
): Promise<ResultRow[]> {
  const rows = await Promise.all(
    projects
      .filter((p) => p.budget)
      .map(async (p) => {
        const [evaluation, tp] = await Promise.all([
          selfEvaluations.get(deps.db, p.id),
          thirdPartyGrades(deps.db, p.id),
        ]);
        return resultOf(p, evaluation, tp, config);
      }),
  );
  return rows.filter((r): r is ResultRow => r !== undefined);
}

/**
 * A page of the year's results as the actor may see them (a department its own projects): one Query over the
 * year's projects, then each project's self-evaluation and third-party grades. A project with no final grade
 * has no row (so a page may hold fewer rows than `limit`; `nextToken` continues).
 */
export async function resultsPage(
  deps: ResultsDeps,
  actor: Actor,
  q: { fiscalYear: number; departmentId?: string; limit?: number; nextToken?: string },
): Promise<{ items: ResultRow[]; nextToken?: string; configVersion: number }> {
  const config = await currentConfig(deps.db, q.fiscalYear);
  const page = await listProjects(deps.db, actor, q);
  return {
    items: await resultsOfProjects(deps, page.items, config),
    nextToken: page.nextToken,
    configVersion: config.version,
  };
}

/** Every result of the year (the bulletin's and the public package's). */
export async function allResults(deps: ResultsDeps, fiscalYear: number): Promise<ResultRow[]> {
  const config = await currentConfig(deps.db, fiscalYear);
  const bureau: Actor = { sub: 'system:results', role: 'finance' };
  const projects: Project[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listProjects(deps.db, bureau, { fiscalYear, limit: 100, nextToken });
    projects.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  const rows = await resultsOfProjects(deps, projects, config);
  return rows.sort(
    (a, b) => a.departmentId.localeCompare(b.departmentId) || a.projectId.localeCompare(b.projectId),
  );
}
