import * as z from 'zod';
import { ownerTypes } from './document.js';
import { type Evaluation, evaluationStatuses, ratingItems } from './evaluation.js';
import { type Indicator, indicatorInput, level1Codes, tiers } from './indicators.js';
import { checkpointLightSchema } from './library-usage.js';
import { fenToYuan } from './money.js';
import {
  assessmentDimensions,
  categories,
  conclusions,
  goalGrades,
  type Project,
  rectificationCauses,
  rectificationStatuses,
} from './project.js';
import { projectStatuses } from './project-status.js';
import { recommendations } from './ranking.js';
import { clawbackStatuses } from './rectification.js';
import { type SelfEvaluation, toPoints } from './self-evaluation.js';
import { lightPointSchema, snapshotSchema } from './snapshot.js';

/**
 * A project's whole record (项目绩效全信息): every stage in one document, oldest first where it is a history.
 * The response schema, and the pure assembly of what the use case read (shared/app/dossier.ts): the goal
 * versions derived from the audit trail, the spend by month against the plan or time progress, the
 * self-evaluation claimed against reviewed, the third-party evaluations with their reviews, and a timeline
 * of every stage. Money in yuan, rates as fractions (four decimals).
 */
const grade = z.enum(goalGrades);
const localized = z.object({ 'zh-CN': z.string(), en: z.string() });
const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextToken: z.string().optional().meta({ description: 'Absent on the last page' }),
  });

export const goalVersionOutcomes = ['draft', 'submitted', 'returned', 'approved', 'rejected'] as const;

const goalReview = z.object({
  grade,
  comments: z.string().optional(),
  reviewedAt: z.string(),
  reviewedBy: z.string(),
  configVersion: z.int(),
});

export const goalVersionSchema = z
  .object({
    number: z.int().meta({ description: '1 for the first goal set saved, and so on' }),
    savedAt: z.string(),
    savedBy: z.string(),
    overallGoal: z.string(),
    indicators: z.array(indicatorInput),
    submittedAt: z.string().nullable(),
    outcome: z.enum(goalVersionOutcomes),
    /** The review that decided this version (its comments, when returned). */
    review: goalReview.nullable(),
  })
  .meta({ id: 'DossierGoalVersion' });
export type GoalVersion = z.infer<typeof goalVersionSchema>;

export { lightPointSchema };
export type LightPointView = z.infer<typeof lightPointSchema>;

export type SnapshotView = z.infer<typeof snapshotSchema>;

export const documentSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.int().meta({ description: 'As declared by the upload link' }),
    actualSize: z.int().optional(),
    sha256: z.string().optional().meta({ description: 'Lowercase hex, once received' }),
    status: z.enum(['pending', 'received', 'rejected']),
    reason: z.string().optional(),
    ownerType: z.enum(ownerTypes),
    evaluationId: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
    receivedAt: z.string().optional(),
  })
  .meta({ id: 'DossierDocument' });
export type DocumentView = z.infer<typeof documentSchema>;

export const auditEntrySchema = z
  .object({
    id: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    action: z.string(),
    actor: z.object({
      sub: z.string(),
      role: z.string(),
      departmentId: z.string().optional(),
      agencyId: z.string().optional(),
    }),
    at: z.string(),
    requestId: z.string().optional(),
    before: z.unknown().meta({ description: 'The entity before the change (null for a creation)' }),
    after: z.unknown().meta({ description: 'The entity after the change (null for a removal)' }),
  })
  .meta({ id: 'DossierAuditEntry' });
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const timelineStages = [
  'request',
  'goals-saved',
  'submitted',
  'ex-ante-assessment',
  'goal-review',
  'budget',
  'monitoring',
  'rectification-issued',
  'rectification-response',
  'rectification-verification',
  'clawback-recommended',
  'clawback-decision',
  'budget-adjustment',
  'self-evaluation',
  'self-evaluation-review',
  'third-party-commissioned',
  'third-party-plan',
  'third-party-report',
  'third-party-review',
  'supervision',
  'agency-rating',
  'result',
] as const;
export type TimelineStage = (typeof timelineStages)[number];

const timelineEntry = z.object({
  at: z.string().meta({ description: 'When it was recorded (ISO 8601)' }),
  on: z.string().optional().meta({ description: 'The business day it is about (a sweep’s asOf, …)' }),
  stage: z.enum(timelineStages),
  detail: z.string(),
});

const sheetTotals = z.object({ executionScore: z.number(), total: z.number(), grade });

export const dossierSchema = z
  .object({
    projectId: z.string(),
    generatedAt: z.string(),
    request: z.object({
      departmentId: z.string(),
      fiscalYear: z.int(),
      name: z.string(),
      kind: z.enum(['project', 'policy']),
      isNew: z.boolean(),
      category: z.enum(categories).optional(),
      description: z.string().optional(),
      requestedAmount: z.number(),
      exAnteRequired: z.boolean(),
      configVersion: z.int(),
      status: z.enum(projectStatuses),
      version: z.int(),
      createdAt: z.string(),
      submittedAt: z.string().optional(),
    }),
    exAnteAssessment: z.object({
      required: z.boolean(),
      assessment: z
        .object({
          scores: z.object(
            Object.fromEntries(assessmentDimensions.map((d) => [d, z.number()])) as Record<
              (typeof assessmentDimensions)[number],
              z.ZodNumber
            >,
          ),
          total: z.number(),
          guidance: z.enum(conclusions),
          conclusion: z.enum(conclusions),
          recommendedAmount: z.number().optional(),
          reason: z.string().optional(),
          assessedAt: z.string(),
          assessedBy: z.string(),
          configVersion: z.int(),
        })
        .nullable(),
    }),
    goals: z.object({
      approved: z.boolean(),
      current: z.object({ overallGoal: z.string(), indicators: z.array(indicatorInput) }).nullable(),
      versions: z.array(goalVersionSchema),
      reviews: z.array(goalReview),
    }),
    budget: z
      .object({
        initialAmount: z.number(),
        approvedAmount: z.number(),
        disbursementPlan: z.array(z.number()).nullable(),
        approvedAt: z.string(),
        approvedBy: z.string(),
        configVersion: z.int(),
        adjustments: z.array(
          z.object({
            at: z.string(),
            by: z.string(),
            cause: z.literal('clawback'),
            clawbackId: z.string(),
            reason: z.string(),
            beforeAmount: z.number(),
            cutAmount: z.number(),
            afterAmount: z.number(),
          }),
        ),
      })
      .nullable(),
    spend: z.object({
      totalSpent: z.number(),
      approvedAmount: z.number().nullable(),
      basis: z.enum(['plan', 'months']),
      months: z.array(
        z.object({
          month: z.string().meta({ description: 'YYYY-MM' }),
          spent: z.number(),
          cumulative: z.number(),
          cumulativeRate: z.number().nullable(),
          plannedShare: z.number(),
          plannedCumulative: z.number().nullable(),
        }),
      ),
    }),
    monitoring: z.object({
      latest: snapshotSchema.nullable(),
      history: page(lightPointSchema).meta({
        description: 'The lights as of each swept day, oldest first; more at /dossier/lights',
      }),
      reports: z.array(
        z.object({
          period: z.string(),
          filedOn: z.string(),
          indicators: z.array(
            z.object({ name: z.string(), actual: z.number().optional(), tier: z.enum(tiers).optional() }),
          ),
        }),
      ),
      lastCheckpoint: z
        .object({ asOf: z.string(), indicators: z.array(checkpointLightSchema) })
        .nullable()
        .meta({
          description:
            'Each indicator’s light at the year’s last checkpoint as the library’s usage counts read it (docs/rules.md §2): from the latest report of a period up to it however late it was filed, else the year-end figures; null until that checkpoint has passed',
        }),
    }),
    rectifications: z.array(
      z.object({
        id: z.string(),
        cause: z.enum(rectificationCauses),
        reason: z.string(),
        reasons: localized,
        issuedOn: z.string(),
        dueOn: z.string(),
        status: z.enum(rectificationStatuses),
        sweepId: z.string(),
        createdAt: z.string(),
        response: z
          .object({
            causes: z.string(),
            measures: z.string(),
            respondedAt: z.string(),
            respondedBy: z.string(),
          })
          .nullable(),
        verification: z
          .object({
            result: z.enum(['resolved', 'not_resolved']),
            comments: z.string().optional(),
            verifiedAt: z.string(),
            verifiedBy: z.string(),
          })
          .nullable(),
      }),
    ),
    clawbacks: z.array(
      z.object({
        id: z.string(),
        asOf: z.string(),
        sweepId: z.string(),
        cause: z.string(),
        status: z.enum(clawbackStatuses),
        recommendedAmount: z.number(),
        basis: z.object({
          approvedAmount: z.number(),
          spent: z.number(),
          timeProgress: z.number(),
          projectedSpend: z.number(),
          formula: z.string(),
        }),
        configVersion: z.int(),
        decision: z
          .object({
            decision: z.enum(['accept', 'reject']),
            amount: z.number().optional(),
            reason: z.string(),
            decidedAt: z.string(),
            decidedBy: z.string(),
          })
          .nullable(),
        createdAt: z.string(),
      }),
    ),
    selfEvaluation: z
      .object({
        status: z.enum(['submitted', 'reviewed']),
        summary: z.string(),
        submittedAt: z.string(),
        submittedBy: z.string(),
        submissions: z.int(),
        spentAmount: z.number(),
        approvedAmount: z.number(),
        configVersion: z.int(),
        claimed: sheetTotals,
        reviewed: sheetTotals
          .extend({ comments: z.string().optional(), reviewedAt: z.string(), reviewedBy: z.string() })
          .nullable(),
        lines: z.array(
          z.object({
            name: z.string().meta({ description: 'An indicator’s name, or `execution`' }),
            level1: z.enum(level1Codes).nullable(),
            weight: z.number(),
            actual: z.number().optional(),
            tier: z.enum(tiers).optional(),
            claimed: z.number(),
            reviewed: z.number().nullable(),
            reason: z.string().optional().meta({ description: 'Why the bureau changed the score' }),
            supported: z.boolean(),
            evidenceDocumentIds: z.array(z.string()),
          }),
        ),
      })
      .nullable(),
    thirdPartyEvaluations: z.array(
      z.object({
        id: z.string(),
        agencyId: z.string(),
        status: z.enum(evaluationStatuses),
        commissionedAt: z.string(),
        commissionedBy: z.string(),
        plan: z.object({
          documentId: z.string().nullable(),
          submittedAt: z.string().nullable(),
          approvedAt: z.string().nullable(),
          returns: z.int(),
        }),
        reviews: z.array(
          z.object({
            stage: z.enum(['plan', 'report']),
            decision: z.enum(['approve', 'return']),
            comments: z.string().optional(),
            at: z.string(),
            by: z.string(),
            documentId: z.string(),
          }),
        ),
        reports: z.array(
          z.object({
            documentId: z.string(),
            score: z.number(),
            grade,
            findings: z.array(
              z.object({
                text: z.string(),
                evidenceDocumentIds: z.array(z.string()),
                indicator: z.string().optional(),
              }),
            ),
            submittedAt: z.string(),
            submittedBy: z.string(),
            outcome: z.enum(['returned', 'pending', 'approved']),
          }),
        ),
        reportApprovedAt: z.string().nullable(),
        supervision: z.array(
          z.object({
            id: z.string(),
            date: z.string(),
            checked: z.string(),
            findings: z.string(),
            recordedAt: z.string(),
            recordedBy: z.string(),
          }),
        ),
        rating: z
          .object({
            total: z.number(),
            scores: z.object(
              Object.fromEntries(ratingItems.map((i) => [i, z.number()])) as Record<
                (typeof ratingItems)[number],
                z.ZodNumber
              >,
            ),
            parts: z.object({ before: z.number(), during: z.number(), after: z.number() }),
            comments: z.string().optional(),
            ratedAt: z.string(),
            ratedBy: z.string(),
          })
          .nullable(),
        closedAt: z.string().nullable(),
      }),
    ),
    result: z
      .object({
        grade,
        recommendation: z.enum(recommendations),
        recommendedAmount: z.number(),
        approvedAmount: z.number(),
        basis: z.object({
          evaluation: z.object({
            source: z.enum(['third-party', 'self-evaluation']),
            id: z.string(),
            score: z.number(),
            configVersion: z.int(),
          }),
          grade,
          rule: z.string(),
          cutShare: z.number(),
          approvedAmount: z.number(),
          configVersion: z.int(),
        }),
      })
      .nullable(),
    documents: page(documentSchema).meta({ description: 'Oldest first; more at /dossier/documents' }),
    audit: page(auditEntrySchema).meta({
      description:
        'The audit trails of the project (and its self-evaluation), its rectification notices, clawback recommendations and third-party evaluations, merged oldest first; more at /dossier/audit',
    }),
    timeline: z.array(timelineEntry).meta({ description: 'Every stage that happened, oldest first' }),
  })
  .meta({ id: 'ProjectDossier' });
export type Dossier = z.infer<typeof dossierSchema>;

// ---------------------------------------------------------------- goal versions from the audit trail

const goalsInAudit = z.object({
  goals: z.object({ overallGoal: z.string(), indicators: z.array(indicatorInput), savedAt: z.string() }),
});
const reviewsInAudit = z.object({ goalReviews: z.array(goalReview) });

/**
 * The versions of a project's goals, from its audit trail (oldest first): each `set-goals` record starts a
 * version (its `after` holds the goals saved), a `submit` marks the latest one submitted, and each
 * `goal-review` decides it: excellent/good approve, fair returns it (with the review's comments), poor
 * rejects it. A version saved and not yet submitted is a draft; submitted and not yet reviewed, submitted.
 */
export function goalVersions(
  trail: readonly Pick<AuditEntry, 'action' | 'at' | 'actor' | 'after' | 'entityType'>[],
): GoalVersion[] {
  const versions: GoalVersion[] = [];
  for (const r of trail) {
    if (r.entityType !== 'project') continue;
    const latest = versions.at(-1);
    if (r.action === 'set-goals') {
      const parsed = goalsInAudit.safeParse(r.after);
      if (!parsed.success) continue;
      const { overallGoal, indicators, savedAt } = parsed.data.goals;
      versions.push({
        number: versions.length + 1,
        savedAt,
        savedBy: r.actor.sub,
        overallGoal,
        indicators,
        submittedAt: null,
        outcome: 'draft',
        review: null,
      });
    } else if (r.action === 'submit' && latest && latest.outcome === 'draft') {
      latest.submittedAt = r.at;
      latest.outcome = 'submitted';
    } else if (r.action === 'goal-review' && latest && latest.outcome === 'submitted') {
      const parsed = reviewsInAudit.safeParse(r.after);
      const review = parsed.success ? parsed.data.goalReviews.at(-1) : undefined;
      if (!review) continue;
      latest.review = review;
      latest.outcome =
        review.grade === 'fair' ? 'returned' : review.grade === 'poor' ? 'rejected' : 'approved';
    }
  }
  return versions;
}

// ---------------------------------------------------------------- spend by month

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * The year's spend month by month (from the project's spend per day): spent in the month, cumulative, the
 * cumulative rate of the current approved budget, against the plan's cumulative share of the month (or
 * time progress, month ÷ 12) and that share of the budget.
 */
export function spendByMonth(p: Project): Dossier['spend'] {
  const approvedFen = p.budget?.approvedFen;
  const plan = p.budget?.disbursementPlan;
  const perMonth = new Array<number>(12).fill(0);
  for (const [date, fen] of Object.entries(p.spendByDate)) {
    if (Number(date.slice(0, 4)) !== p.fiscalYear) continue;
    const m = Number(date.slice(5, 7));
    if (m >= 1 && m <= 12) perMonth[m - 1]! += fen;
  }
  let cumulativeFen = 0;
  const months = perMonth.map((fen, i) => {
    cumulativeFen += fen;
    const share = plan ? plan[i]! : (i + 1) / 12;
    return {
      month: `${p.fiscalYear}-${String(i + 1).padStart(2, '0')}`,
      spent: fenToYuan(fen),
      cumulative: fenToYuan(cumulativeFen),
      cumulativeRate: approvedFen ? round4(cumulativeFen / approvedFen) : null,
      plannedShare: round4(share),
      plannedCumulative: approvedFen !== undefined ? fenToYuan(Math.round(approvedFen * share)) : null,
    };
  });
  return {
    totalSpent: fenToYuan(p.spentFen),
    approvedAmount: approvedFen !== undefined ? fenToYuan(approvedFen) : null,
    basis: plan ? 'plan' : 'months',
    months,
  };
}

// ---------------------------------------------------------------- self-evaluation claimed vs reviewed

export function selfEvaluationPart(e: SelfEvaluation | undefined): Dossier['selfEvaluation'] {
  if (!e) return null;
  const reviewed = e.reviewed;
  const reasonOf = (name: string) => reviewed?.adjustments.find((a) => a.name === name)?.reason;
  const lines: NonNullable<Dossier['selfEvaluation']>['lines'] = [
    {
      name: 'execution',
      level1: null,
      weight: e.claimed.executionWeight,
      claimed: toPoints(e.claimed.executionScore),
      reviewed: reviewed ? toPoints(reviewed.executionScore) : null,
      ...(reasonOf('execution') !== undefined ? { reason: reasonOf('execution') } : {}),
      supported: true,
      evidenceDocumentIds: [],
    },
    ...e.claimed.indicators.map((i) => {
      const r = reviewed?.indicators.find((x) => x.name === i.name);
      const reason = reasonOf(i.name);
      return {
        name: i.name,
        level1: i.level1,
        weight: i.weight,
        ...(i.actual !== undefined ? { actual: i.actual } : {}),
        ...(i.tier !== undefined ? { tier: i.tier } : {}),
        claimed: toPoints(i.score),
        reviewed: r ? toPoints(r.score) : null,
        ...(reason !== undefined ? { reason } : {}),
        supported: i.supported,
        evidenceDocumentIds: i.evidenceDocumentIds,
      };
    }),
  ];
  return {
    status: e.status,
    summary: e.summary,
    submittedAt: e.submittedAt,
    submittedBy: e.submittedBy,
    submissions: e.submissions,
    spentAmount: fenToYuan(e.spentFen),
    approvedAmount: fenToYuan(e.approvedFen),
    configVersion: e.configVersion,
    claimed: {
      executionScore: toPoints(e.claimed.executionScore),
      total: toPoints(e.claimed.total),
      grade: e.claimed.grade,
    },
    reviewed: reviewed
      ? {
          executionScore: toPoints(reviewed.executionScore),
          total: toPoints(reviewed.total),
          grade: reviewed.grade,
          ...(reviewed.comments !== undefined ? { comments: reviewed.comments } : {}),
          reviewedAt: reviewed.reviewedAt,
          reviewedBy: reviewed.reviewedBy,
        }
      : null,
    lines,
  };
}

// ---------------------------------------------------------------- third-party evaluations

export interface EvaluationFacts {
  evaluation: Evaluation;
  supervision: Dossier['thirdPartyEvaluations'][number]['supervision'];
  rating: Dossier['thirdPartyEvaluations'][number]['rating'];
}

export function evaluationPart(f: EvaluationFacts): Dossier['thirdPartyEvaluations'][number] {
  const e = f.evaluation;
  const reportView = (
    r: NonNullable<Evaluation['report']>,
    outcome: 'returned' | 'pending' | 'approved',
  ) => ({
    documentId: r.documentId,
    score: r.score,
    grade: r.grade,
    findings: r.findings,
    submittedAt: r.submittedAt,
    submittedBy: r.submittedBy,
    outcome,
  });
  return {
    id: e.id,
    agencyId: e.agencyId,
    status: e.status,
    commissionedAt: e.commissionedAt,
    commissionedBy: e.commissionedBy,
    plan: {
      documentId: e.planDocumentId ?? null,
      submittedAt: e.planSubmittedAt ?? null,
      approvedAt: e.planApprovedAt ?? null,
      returns: e.planReturns,
    },
    reviews: e.reviews,
    reports: [
      ...e.returnedReports.map((r) => reportView(r, 'returned')),
      ...(e.report ? [reportView(e.report, e.reportApprovedAt ? 'approved' : 'pending')] : []),
    ],
    reportApprovedAt: e.reportApprovedAt ?? null,
    supervision: [...f.supervision].sort((a, b) => a.date.localeCompare(b.date)),
    rating: f.rating,
    closedAt: e.closedAt ?? null,
  };
}

// ---------------------------------------------------------------- the timeline

type Parts = Omit<Dossier, 'timeline' | 'generatedAt' | 'projectId'>;

/** Every stage that happened, oldest first (ties keep the cycle's order). */
export function timelineOf(d: Parts): Dossier['timeline'] {
  const out: Dossier['timeline'] = [];
  const add = (at: string | null | undefined, stage: TimelineStage, detail: string, on?: string) => {
    if (at) out.push({ at, ...(on ? { on } : {}), stage, detail });
  };
  const r = d.request;
  add(r.createdAt, 'request', `${r.name}: ${r.requestedAmount} yuan requested`);
  for (const v of d.goals.versions) {
    add(v.savedAt, 'goals-saved', `goal set version ${v.number} (${v.indicators.length} indicators)`);
    add(v.submittedAt, 'submitted', `goal set version ${v.number} submitted`);
    if (v.review)
      add(v.review.reviewedAt, 'goal-review', `version ${v.number}: ${v.review.grade} → ${v.outcome}`);
  }
  const a = d.exAnteAssessment.assessment;
  if (a) add(a.assessedAt, 'ex-ante-assessment', `${a.total} points: ${a.conclusion}`);
  if (d.budget) {
    add(d.budget.approvedAt, 'budget', `${d.budget.initialAmount} yuan approved`);
    for (const j of d.budget.adjustments)
      add(j.at, 'budget-adjustment', `${j.beforeAmount} → ${j.afterAmount} yuan (${j.reason})`);
  }
  for (const p of d.monitoring.history.items)
    add(p.recordedAt, 'monitoring', `execution ${p.executionLight}, goals ${p.goalLight}`, p.asOf);
  for (const n of d.rectifications) {
    add(n.createdAt, 'rectification-issued', `${n.cause}: due ${n.dueOn}`, n.issuedOn);
    add(n.response?.respondedAt, 'rectification-response', n.response?.measures ?? '');
    add(n.verification?.verifiedAt, 'rectification-verification', n.verification?.result ?? '');
  }
  for (const c of d.clawbacks) {
    add(c.createdAt, 'clawback-recommended', `${c.recommendedAmount} yuan (${c.cause})`, c.asOf);
    add(c.decision?.decidedAt, 'clawback-decision', `${c.decision?.decision}: ${c.decision?.reason}`);
  }
  const s = d.selfEvaluation;
  if (s) {
    add(s.submittedAt, 'self-evaluation', `claimed ${s.claimed.total} (${s.claimed.grade})`);
    if (s.reviewed)
      add(
        s.reviewed.reviewedAt,
        'self-evaluation-review',
        `reviewed ${s.reviewed.total} (${s.reviewed.grade})`,
      );
  }
  for (const e of d.thirdPartyEvaluations) {
    add(e.commissionedAt, 'third-party-commissioned', `agency ${e.agencyId}`);
    add(e.plan.submittedAt, 'third-party-plan', `plan ${e.plan.documentId}`);
    for (const rep of e.reports) add(rep.submittedAt, 'third-party-report', `${rep.score} (${rep.grade})`);
    for (const rv of e.reviews) add(rv.at, 'third-party-review', `${rv.stage}: ${rv.decision}`);
    for (const sv of e.supervision) add(sv.recordedAt, 'supervision', sv.checked, sv.date);
    if (e.rating) add(e.rating.ratedAt, 'agency-rating', `${e.rating.total} points`);
  }
  if (d.result) {
    // The result follows from the grade that decided it: the approved third-party report, or the review.
    const source = d.result.basis.evaluation;
    const at =
      source.source === 'third-party'
        ? d.thirdPartyEvaluations.find((e) => e.id === source.id)?.reportApprovedAt
        : d.selfEvaluation?.reviewed?.reviewedAt;
    add(at, 'result', `${d.result.grade} → ${d.result.recommendation} ${d.result.recommendedAmount} yuan`);
  }
  const rank = new Map(timelineStages.map((s, i) => [s, i]));
  return out
    .map((x, i) => ({ x, i }))
    .sort((p, q) => p.x.at.localeCompare(q.x.at) || rank.get(p.x.stage)! - rank.get(q.x.stage)! || p.i - q.i)
    .map(({ x }) => x);
}

/** The dossier from its parts, with the timeline of every stage. */
export function assembleDossier(projectId: string, generatedAt: string, parts: Parts): Dossier {
  return { projectId, generatedAt, ...parts, timeline: timelineOf(parts) };
}

/** The goal set as it stands (undefined before any). */
export const currentGoals = (p: Project): { overallGoal: string; indicators: Indicator[] } | null =>
  p.goals ? { overallGoal: p.goals.overallGoal, indicators: p.goals.indicators } : null;
