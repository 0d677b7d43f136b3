import { createHash } from 'node:crypto';
import { daysBetween, type Evaluation, isOpen } from './evaluation.js';

/**
 * An agency's record of work, so the bureau chooses on evidence (pure: evaluations and ratings passed in):
 * the average quality rating, timeliness (days from commissioning to the approved report), how often
 * plans and reports were returned, and how far its scores sit from the bureau's reviewed self-evaluation of
 * the same projects; and a seeded, repeatable random pick among the top candidates.
 */
export interface RatingFacts {
  evaluationId: string;
  total: number;
}

export interface Scorecard {
  agencyId: string;
  evaluations: number;
  open: number;
  ratings: { count: number; average: number | null };
  timeliness: {
    approvedReports: number;
    averageDays: number | null;
    minDays: number | null;
    maxDays: number | null;
  };
  returns: {
    plans: number;
    reports: number;
    /** Plan returns per plan review (null before the first review). */
    planReturnRate: number | null;
    reportReturnRate: number | null;
  };
  selfEvaluationGap: {
    /** Projects with both an approved third-party score of this agency and a reviewed self-evaluation total. */
    comparedProjects: number;
    /** Mean of (agency score − reviewed self-evaluation total); positive: the agency scores higher. */
    meanSignedGap: number | null;
    meanAbsoluteGap: number | null;
    note?: string;
  };
}

const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;
const mean = (xs: number[]) => (xs.length ? round2(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

export function scorecardOf(
  agencyId: string,
  evaluations: readonly Evaluation[],
  ratings: readonly RatingFacts[],
  /** Reviewed self-evaluation totals by project id, where known. */
  selfReviewed: ReadonlyMap<string, number> | undefined,
  note?: string,
): Scorecard {
  const days = evaluations.flatMap((e) =>
    e.reportApprovedOn ? [daysBetween(e.commissionedOn, e.reportApprovedOn)] : [],
  );
  const planReviews = evaluations.reduce((n, e) => n + e.reviews.filter((r) => r.stage === 'plan').length, 0);
  const reportReviews = evaluations.reduce(
    (n, e) => n + e.reviews.filter((r) => r.stage === 'report').length,
    0,
  );
  const planReturns = evaluations.reduce((n, e) => n + e.planReturns, 0);
  const reportReturns = evaluations.reduce((n, e) => n + e.reportReturns, 0);
  const gaps = evaluations.flatMap((e) => {
    const self = selfReviewed?.get(e.projectId);
    return e.reportApprovedAt && e.report && self !== undefined ? [e.report.score - self] : [];
  });
  return {
    agencyId,
    evaluations: evaluations.length,
    open: evaluations.filter((e) => isOpen(e.status)).length,
    ratings: { count: ratings.length, average: mean(ratings.map((r) => r.total)) },
    timeliness: {
      approvedReports: days.length,
      averageDays: mean(days),
      minDays: days.length ? Math.min(...days) : null,
      maxDays: days.length ? Math.max(...days) : null,
    },
    returns: {
      plans: planReturns,
      reports: reportReturns,
      planReturnRate: planReviews ? round2(planReturns / planReviews) : null,
      reportReturnRate: reportReviews ? round2(reportReturns / reportReviews) : null,
    },
    selfEvaluationGap: {
      comparedProjects: gaps.length,
      meanSignedGap: mean(gaps),
      meanAbsoluteGap: mean(gaps.map(Math.abs)),
      ...(note ? { note } : {}),
    },
  };
}

/**
 * The order of candidates: the best average rating first (unrated after the rated), then the lightest open
 * workload, then the id.
 */
export function rankCandidates<
  T extends { agencyId: string; openWorkload: number; averageRating: number | null },
>(candidates: readonly T[]): T[] {
  return [...candidates].sort(
    (a, b) =>
      (b.averageRating ?? -1) - (a.averageRating ?? -1) ||
      a.openWorkload - b.openWorkload ||
      a.agencyId.localeCompare(b.agencyId),
  );
}

/**
 * A repeatable random index in [0, n): the first 48 bits of sha256(seed) modulo n. The same seed and the same
 * candidates always give the same pick, so an auditor can redo it.
 */
export function seededIndex(seed: string, n: number): number {
  if (n < 1) throw new Error('no candidates to pick from');
  const h = createHash('sha256').update(seed, 'utf8').digest();
  return h.readUIntBE(0, 6) % n;
}
