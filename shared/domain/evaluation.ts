import * as z from 'zod';
import { Conflict, type FieldError } from './errors.js';

/**
 * Third-party evaluation (第三方评价) under "two reviews, one supervision" (两审一督导), domain.md §4: the
 * lifecycle as a pure state machine, the report's score and grade, the agency quality rating sheet and the
 * supervision dates. Pure: no I/O, no clock (the moment and today's business date are passed in).
 *
 *   plan_pending ──plan received──▶ plan_submitted ──approve──▶ plan_approved ──report──▶ report_submitted
 *        ▲                               │return                     ▲                     │approve  │return
 *        └───────────────────────────────┘                           └─────────────────────┼─────────┘
 *                                                                                          ▼
 *                                                          closed ◀──rated── report_approved
 */
export const evaluationStatuses = [
  'plan_pending',
  'plan_submitted',
  'plan_approved',
  'report_submitted',
  'report_approved',
  'closed',
] as const;
export type EvaluationStatus = (typeof evaluationStatuses)[number];

export const grades = ['excellent', 'good', 'fair', 'poor'] as const;
export type Grade = (typeof grades)[number];

/** The grade bands on a 0–100 score (the configuration's `grades`): excellent ≥, good ≥, fair ≥, else poor. */
export interface GradeBands {
  excellent: number;
  good: number;
  fair: number;
}
export const defaultGradeBands: GradeBands = { excellent: 90, good: 80, fair: 60 };

export const uploadKinds = ['plan', 'report', 'evidence'] as const;
export type UploadKind = (typeof uploadKinds)[number];

export const reviewDecisions = ['approve', 'return'] as const;
export type ReviewDecision = (typeof reviewDecisions)[number];

export const findingSchema = z.object({
  text: z.string(),
  evidenceDocumentIds: z.array(z.string()),
  /** The name of the project's indicator the finding is about (what GET /v1/projects/{id}/evidence groups by). */
  indicator: z.string().optional(),
});
export type Finding = z.infer<typeof findingSchema>;

const review = z.object({
  stage: z.enum(['plan', 'report']),
  decision: z.enum(reviewDecisions),
  comments: z.string().optional(),
  at: z.string(),
  by: z.string(),
  /** The plan or report document that was reviewed. */
  documentId: z.string(),
});

export const reportSchema = z.object({
  documentId: z.string(),
  score: z.number(),
  grade: z.enum(grades),
  findings: z.array(findingSchema),
  submittedAt: z.string(),
  submittedBy: z.string(),
  /** The configuration version whose grade bands checked the grade. */
  configVersion: z.int(),
});
export type Report = z.infer<typeof reportSchema>;

export const evaluationRecord = z
  .object({
    id: z.string(),
    version: z.int(),
    projectId: z.string(),
    departmentId: z.string(),
    agencyId: z.string(),
    fiscalYear: z.int(),
    status: z.enum(evaluationStatuses),
    commissionedAt: z.string(),
    /** The business date (Asia/Shanghai) of the commissioning: supervision records start here. */
    commissionedOn: z.iso.date(),
    commissionedBy: z.string(),
    planDocumentId: z.string().optional(),
    planSubmittedAt: z.string().optional(),
    planApprovedAt: z.string().optional(),
    report: reportSchema.optional(),
    /** Reports that were returned, oldest first (the current one is `report`). */
    returnedReports: z.array(reportSchema).default([]),
    reportApprovedAt: z.string().optional(),
    reportApprovedOn: z.iso.date().optional(),
    reviews: z.array(review).default([]),
    planReturns: z.int().default(0),
    reportReturns: z.int().default(0),
    ratingTotal: z.number().optional(),
    closedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Evaluation' });
export type Evaluation = z.infer<typeof evaluationRecord>;

/** What an actor does to an evaluation; each is allowed in exactly one state. */
export type EvaluationEvent =
  | { type: 'plan_received'; documentId: string }
  | { type: 'plan_review'; decision: ReviewDecision; comments?: string }
  | { type: 'report_submitted'; report: Omit<Report, 'submittedAt' | 'submittedBy'> }
  | { type: 'report_review'; decision: ReviewDecision; comments?: string }
  | { type: 'rated'; total: number };

const allowedIn: Record<EvaluationEvent['type'], EvaluationStatus> = {
  plan_received: 'plan_pending',
  plan_review: 'plan_submitted',
  report_submitted: 'plan_approved',
  report_review: 'report_submitted',
  rated: 'report_approved',
};

const what: Record<EvaluationEvent['type'], string> = {
  plan_received: 'A plan can be received',
  plan_review: 'The plan can be reviewed',
  report_submitted: 'A report can be submitted',
  report_review: 'The report can be reviewed',
  rated: 'The agency’s work can be rated',
};

/** Whether `event` may happen now (the 409 of a request in the wrong state otherwise). */
export function assertAllowed(e: Evaluation, type: EvaluationEvent['type']): void {
  const needed = allowedIn[type];
  if (e.status !== needed) {
    throw new Conflict(
      `${what[type]} only while the evaluation is ${needed}; evaluation ${e.id} is ${e.status}` +
        `（当前状态 ${e.status}，仅在 ${needed} 时可以）`,
    );
  }
}

/** Business date of an instant in Asia/Shanghai (UTC+8 all year). */
const shanghaiDate = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The next state of an evaluation after `event`, by `by` at `now`; the version moves on by one.
 * An event not allowed in the current state → Conflict (409).
 */
export function transition(e: Evaluation, event: EvaluationEvent, now: Date, by: string): Evaluation {
  assertAllowed(e, event.type);
  const at = now.toISOString();
  const base = { ...e, version: e.version + 1, updatedAt: at };
  switch (event.type) {
    case 'plan_received':
      return { ...base, status: 'plan_submitted', planDocumentId: event.documentId, planSubmittedAt: at };
    case 'plan_review': {
      const r = {
        stage: 'plan' as const,
        decision: event.decision,
        comments: event.comments,
        at,
        by,
        documentId: e.planDocumentId ?? '',
      };
      return event.decision === 'approve'
        ? { ...base, status: 'plan_approved', planApprovedAt: at, reviews: [...e.reviews, r] }
        : {
            ...base,
            status: 'plan_pending',
            planDocumentId: undefined,
            planSubmittedAt: undefined,
            planReturns: e.planReturns + 1,
            reviews: [...e.reviews, r],
          };
    }
    case 'report_submitted':
      return {
        ...base,
        status: 'report_submitted',
        report: { ...event.report, submittedAt: at, submittedBy: by },
      };
    case 'report_review': {
      const r = {
        stage: 'report' as const,
        decision: event.decision,
        comments: event.comments,
        at,
        by,
        documentId: e.report?.documentId ?? '',
      };
      if (event.decision === 'approve') {
        return {
          ...base,
          status: 'report_approved',
          reportApprovedAt: at,
          reportApprovedOn: shanghaiDate(now),
          reviews: [...e.reviews, r],
        };
      }
      return {
        ...base,
        status: 'plan_approved',
        report: undefined,
        returnedReports: e.report ? [...e.returnedReports, e.report] : e.returnedReports,
        reportReturns: e.reportReturns + 1,
        reviews: [...e.reviews, r],
      };
    }
    case 'rated':
      return { ...base, status: 'closed', ratingTotal: event.total, closedAt: at };
  }
}

/** Upload links: `plan` while the plan is due; `report` and `evidence` from the plan's approval on. */
export function assertUploadAllowed(e: Evaluation, kind: UploadKind): void {
  if (kind === 'plan') {
    if (e.status !== 'plan_pending') {
      throw new Conflict(
        `A plan can be uploaded only while it is due (plan_pending); evaluation ${e.id} is ${e.status}` +
          '（评价方案仅在待提交时可以上传）',
      );
    }
    return;
  }
  if (!['plan_approved', 'report_submitted', 'report_approved'].includes(e.status)) {
    throw new Conflict(
      `A ${kind} can be uploaded only once the plan is approved (and before the evaluation is closed); ` +
        `evaluation ${e.id} is ${e.status}（评价方案批准后才能上传报告和证据）`,
    );
  }
}

/** The grade of a 0–100 score under the bands. */
export function gradeOf(score: number, bands: GradeBands = defaultGradeBands): Grade {
  if (score >= bands.excellent) return 'excellent';
  if (score >= bands.good) return 'good';
  if (score >= bands.fair) return 'fair';
  return 'poor';
}

/** The 422 field errors of a report's score and grade: a score 0–100 (two decimals at most), its band's grade. */
export function checkScoreAndGrade(score: number, grade: Grade, bands: GradeBands = defaultGradeBands) {
  const errors: FieldError[] = [];
  if (!Number.isFinite(score) || score < 0 || score > 100) {
    errors.push({ path: 'score', message: 'must be from 0 to 100（得分须在 0–100 之间）' });
    return errors;
  }
  if (Math.abs(Math.round(score * 100) - score * 100) > 1e-6) {
    errors.push({ path: 'score', message: 'at most two decimals（最多两位小数）' });
    return errors;
  }
  const expected = gradeOf(score, bands);
  if (expected !== grade) {
    errors.push({
      path: 'grade',
      message: `a score of ${score} is ${expected}, not ${grade}（得分 ${score} 对应等级 ${expected}）`,
    });
  }
  return errors;
}

/** The agency quality rating sheet (工作质量考核): the most points of each item (the configuration's). */
export const ratingItems = ['expertise', 'stability', 'diligence', 'accuracy', 'conclusions'] as const;
export type RatingItem = (typeof ratingItems)[number];
export type RatingScores = Record<RatingItem, number>;
export const defaultRatingSheet: RatingScores = {
  expertise: 15,
  stability: 15,
  diligence: 20,
  accuracy: 25,
  conclusions: 25,
};

const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;

/** The 422 field errors of a rating: each score within [0, its points], two decimals at most. */
export function checkRating(scores: RatingScores, sheet: RatingScores = defaultRatingSheet): FieldError[] {
  return ratingItems.flatMap((item) => {
    const v = scores[item];
    const max = sheet[item];
    if (!Number.isFinite(v) || v < 0 || v > max) {
      return [{ path: `scores.${item}`, message: `must be from 0 to ${max}（须在 0–${max} 分之间）` }];
    }
    if (Math.abs(Math.round(v * 100) - v * 100) > 1e-6) {
      return [{ path: `scores.${item}`, message: 'at most two decimals（最多两位小数）' }];
    }
    return [];
  });
}

/** The rating's total: the sum of its items, with the before / during / after parts of the sheet. */
export function ratingTotal(scores: RatingScores) {
  return {
    total: round2(ratingItems.reduce((sum, i) => sum + scores[i], 0)),
    parts: {
      before: round2(scores.expertise + scores.stability),
      during: round2(scores.diligence),
      after: round2(scores.accuracy + scores.conclusions),
    },
  };
}

/** A supervision record's date: between the commissioning day and today (both included). */
export function checkSupervisionDate(date: string, commissionedOn: string, today: string): FieldError[] {
  if (date < commissionedOn) {
    return [
      {
        path: 'date',
        message: `must not be before the commissioning day ${commissionedOn}（不得早于委托日 ${commissionedOn}）`,
      },
    ];
  }
  if (date > today) {
    return [{ path: 'date', message: `must not be after today ${today}（不得晚于今天 ${today}）` }];
  }
  return [];
}

/** Whole days from one business date to another (the timeliness of an agency). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Still being worked on: counted in an agency's open workload. */
export const isOpen = (s: EvaluationStatus) => s !== 'closed' && s !== 'report_approved';
