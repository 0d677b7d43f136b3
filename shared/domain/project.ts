import * as z from 'zod';
import type { RuleConfig } from './config.js';
import { Conflict, type FieldError, RuleViolation } from './errors.js';
import { type LastYearIndicator, type LintFinding, lintGoals } from './goal-lint.js';
import { type GoalsInput, indicatorInput, tiers } from './indicators.js';
import { fenToYuan, hasAtMostTwoDecimals, yuan, yuanToFen } from './money.js';
import { measure } from './numbers.js';
import { nextStatus, projectStatuses } from './project-status.js';

/**
 * Projects from request to budget (domain.md §1–2): the ex-ante assessment, the goals and their review,
 * the project library and the budget. Pure functions: each takes the project, the input, the rules in
 * force and the moment, and returns the new project or a RuleViolation; the store writes it with its audit.
 */
export const categories = [
  'education',
  'health',
  'infrastructure',
  'agriculture',
  'social_security',
] as const;
export const conclusions = ['supported', 'supported_after_adjustment', 'not_supported'] as const;
export type Conclusion = (typeof conclusions)[number];
export const goalGrades = ['excellent', 'good', 'fair', 'poor'] as const;
export type GoalGrade = (typeof goalGrades)[number];
export const assessmentDimensions = [
  'necessity',
  'economy',
  'goalReasonableness',
  'feasibility',
  'financingCompliance',
] as const;

const lintFinding = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  path: z.string(),
  messages: z.object({ 'zh-CN': z.string(), en: z.string() }),
});

const filedReport = z.object({
  period: z.string(),
  filedOn: z.string(),
  indicators: z.array(
    z.object({ name: z.string(), actual: z.number().optional(), tier: z.enum(tiers).optional() }),
  ),
});

export const rectificationStatuses = ['open', 'responded', 'resolved', 'not_resolved', 'overdue'] as const;
export type RectificationStatus = (typeof rectificationStatuses)[number];
export const rectificationCauses = ['execution', 'goal'] as const;
const rectificationSummary = z.object({
  cause: z.enum(rectificationCauses),
  status: z.enum(rectificationStatuses),
  issuedOn: z.string(),
  dueOn: z.string(),
});

/** The project as stored: money in integer fen. */
export const projectRecord = z.object({
  id: z.string(),
  departmentId: z.string(),
  fiscalYear: z.int(),
  name: z.string(),
  kind: z.enum(['project', 'policy']),
  isNew: z.boolean(),
  requestedFen: z.int(),
  category: z.enum(categories).optional(),
  description: z.string().optional(),
  status: z.enum(projectStatuses),
  exAnteRequired: z.boolean(),
  /** The configuration version that decided `exAnteRequired`. */
  configVersion: z.int(),
  goals: z
    .object({
      overallGoal: z.string(),
      indicators: z.array(indicatorInput),
      warnings: z.array(lintFinding),
      savedAt: z.string(),
      configVersion: z.int(),
    })
    .optional(),
  submittedAt: z.string().optional(),
  goalReviews: z
    .array(
      z.object({
        grade: z.enum(goalGrades),
        comments: z.string().optional(),
        reviewedAt: z.string(),
        reviewedBy: z.string(),
        configVersion: z.int(),
      }),
    )
    .default([]),
  assessment: z
    .object({
      scores: z.record(z.enum(assessmentDimensions), z.number()),
      total: z.number(),
      guidance: z.enum(conclusions),
      conclusion: z.enum(conclusions),
      recommendedFen: z.int().optional(),
      reason: z.string().optional(),
      assessedAt: z.string(),
      assessedBy: z.string(),
      configVersion: z.int(),
    })
    .optional(),
  budget: z
    .object({
      initialFen: z.int(),
      approvedFen: z.int(),
      disbursementPlan: z.array(z.number()).optional(),
      approvedAt: z.string(),
      approvedBy: z.string(),
      configVersion: z.int(),
    })
    .optional(),
  // In-year monitoring (§3): what the sweep needs, kept on the project so a sweep reads no more than it.
  /** Cumulative spend (fen) and spend per expenditure date, for `asOf` sweeps of any day. */
  spentFen: z.int().default(0),
  spendByDate: z.record(z.string(), z.int()).default({}),
  /** The latest monitoring report of each period. */
  reports: z.array(filedReport).default([]),
  /** Every rectification notice of the project, by id, with its cause and status. */
  rectifications: z.record(z.string(), rectificationSummary).default({}),
  /** The clawback recommendation awaiting a decision, if any; causes already used for one. */
  pendingClawbackId: z.string().optional(),
  clawbackCauses: z.array(z.string()).default([]),
  /** Set when the self-evaluation is in: spend can no longer be recorded (§4). */
  selfEvaluationSubmitted: z.boolean().optional(),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof projectRecord>;

export interface Decision {
  by: string;
  now: Date;
  config: RuleConfig;
}

// ---------------------------------------------------------------- creation

export const projectInput = z
  .strictObject({
    fiscalYear: z.int().min(2000).max(2100),
    name: z.string().trim().min(1).max(200),
    kind: z.enum(['project', 'policy']),
    isNew: z.boolean(),
    requestedAmount: yuan.refine((v) => v > 0, 'must be above 0'),
    category: z.enum(categories).optional(),
    description: z.string().trim().max(4000).optional(),
  })
  .meta({ id: 'ProjectInput' });

/** domain.md §1: a new project or policy asking at least the threshold (inclusive) needs an assessment. */
export function needsExAnte(p: { isNew: boolean; requestedFen: number }, config: RuleConfig): boolean {
  return p.isNew && p.requestedFen >= yuanToFen(config.exAnte.thresholdAmount);
}

export function newProject(
  id: string,
  departmentId: string,
  input: z.infer<typeof projectInput>,
  d: Decision,
): Project {
  const at = d.now.toISOString();
  const requestedFen = yuanToFen(input.requestedAmount);
  return {
    id,
    departmentId,
    fiscalYear: input.fiscalYear,
    name: input.name,
    kind: input.kind,
    isNew: input.isNew,
    requestedFen,
    category: input.category,
    description: input.description,
    status: 'draft',
    exAnteRequired: needsExAnte({ isNew: input.isNew, requestedFen }, d.config),
    configVersion: d.config.version,
    goalReviews: [],
    spentFen: 0,
    spendByDate: {},
    reports: [],
    rectifications: {},
    clawbackCauses: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

const touch = (p: Project, d: Decision, changes: Partial<Project>): Project => ({
  ...p,
  ...changes,
  version: p.version + 1,
  updatedAt: d.now.toISOString(),
});

// ---------------------------------------------------------------- goals

const toFieldError = (f: LintFinding): FieldError => ({
  path: f.path,
  message: f.messages.en,
  rule: f.rule,
  severity: f.severity,
  messages: f.messages,
});

/** Saves a goal set; a set that is not measurable is refused with every reason, warnings ride along. */
export function setGoals(
  p: Project,
  goals: GoalsInput,
  d: Decision,
  lastYear: LastYearIndicator[] = [],
): Project {
  nextStatus('editGoals', p.status);
  const findings = lintGoals(goals.indicators, {
    groupPoints: {
      output: d.config.scoring.output,
      benefit: d.config.scoring.benefit,
      satisfaction: d.config.scoring.satisfaction,
    },
    lastYear: { indicators: lastYear, margin: d.config.evaluation.learningMargin },
  });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length)
    throw new RuleViolation(
      'The goal set is not measurable; fix each indicator named',
      errors.map(toFieldError),
    );
  return touch(p, d, {
    goals: {
      ...goals,
      warnings: findings.filter((f) => f.severity === 'warning'),
      savedAt: d.now.toISOString(),
      configVersion: d.config.version,
    },
  });
}

export function submit(p: Project, d: Decision): Project {
  const status = nextStatus('submit', p.status);
  if (!p.goals) {
    throw new Conflict('The project has no goals yet: PUT /v1/projects/{id}/goals first', [
      { path: 'goals', message: 'required before submitting' },
    ]);
  }
  return touch(p, d, { status, submittedAt: d.now.toISOString() });
}

export const goalsApproved = (p: Project) => {
  const last = p.goalReviews.at(-1);
  return p.status !== 'returned' && (last?.grade === 'excellent' || last?.grade === 'good');
};

export const assessmentPassed = (p: Project) =>
  !p.exAnteRequired || (p.assessment !== undefined && p.assessment.conclusion !== 'not_supported');

/** Both gates passed → the project enters the library, whichever decision came last. */
function admitIfReady(p: Project): Project {
  return goalsApproved(p) && assessmentPassed(p) ? { ...p, status: nextStatus('admit', p.status) } : p;
}

// ---------------------------------------------------------------- goal review

export const goalReviewInput = z
  .strictObject({ grade: z.enum(goalGrades), comments: z.string().trim().max(4000).optional() })
  .meta({ id: 'GoalReviewInput' });

export function reviewGoals(p: Project, input: z.infer<typeof goalReviewInput>, d: Decision): Project {
  nextStatus('reviewGoals', p.status);
  if (goalsApproved(p)) {
    throw new Conflict('The goals are approved already; they change only through a budget adjustment');
  }
  const review = {
    grade: input.grade,
    comments: input.comments,
    reviewedAt: d.now.toISOString(),
    reviewedBy: d.by,
    configVersion: d.config.version,
  };
  const reviewed = touch(p, d, { goalReviews: [...p.goalReviews, review] });
  if (input.grade === 'fair') return { ...reviewed, status: nextStatus('returnGoals', p.status) };
  if (input.grade === 'poor') return { ...reviewed, status: nextStatus('goalsRejected', p.status) };
  return admitIfReady(reviewed);
}

// ---------------------------------------------------------------- ex-ante assessment

// Decimals are counted on the number's shortest form: `n * 100` is not an integer for 1.1, 2.01, 19.99…
const score = z.number().min(0).max(20).refine(hasAtMostTwoDecimals, 'at most two decimals');
export const assessmentInput = z
  .strictObject({
    scores: z.strictObject({
      necessity: score,
      economy: score,
      goalReasonableness: score,
      feasibility: score,
      financingCompliance: score,
    }),
    conclusion: z.enum(conclusions),
    recommendedAmount: yuan.optional(),
    reason: z.string().trim().min(1).max(4000).optional(),
  })
  .meta({ id: 'ExAnteAssessmentInput' });

export function guidanceFor(total: number, exAnte: RuleConfig['exAnte']): Conclusion {
  if (total >= exAnte.supportedFrom) return 'supported';
  if (total >= exAnte.supportedAfterAdjustmentFrom) return 'supported_after_adjustment';
  return 'not_supported';
}

export function assess(p: Project, input: z.infer<typeof assessmentInput>, d: Decision): Project {
  nextStatus('assess', p.status);
  if (!p.exAnteRequired) {
    throw new Conflict('This project does not need an ex-ante assessment (not new, or below the threshold)');
  }
  if (p.assessment) throw new Conflict('This project has been assessed already');
  const total = Math.round(Object.values(input.scores).reduce((a, b) => a + b, 0) * 100) / 100;
  const guidance = guidanceFor(total, d.config.exAnte);
  const errors: FieldError[] = [];
  if (input.conclusion !== guidance && !input.reason) {
    errors.push({
      path: 'reason',
      message: `A total of ${total} suggests "${guidance}"; concluding "${input.conclusion}" needs a written reason`,
    });
  }
  let recommendedFen: number | undefined;
  if (input.conclusion === 'supported_after_adjustment') {
    if (input.recommendedAmount === undefined) {
      errors.push({
        path: 'recommendedAmount',
        message: 'required when the conclusion is supported_after_adjustment',
      });
    } else {
      recommendedFen = yuanToFen(input.recommendedAmount);
      if (recommendedFen > p.requestedFen || recommendedFen <= 0) {
        errors.push({
          path: 'recommendedAmount',
          message: `must be above 0 and at most the requested ${fenToYuan(p.requestedFen)}`,
        });
      }
    }
  } else if (input.recommendedAmount !== undefined) {
    errors.push({
      path: 'recommendedAmount',
      message: 'only with the conclusion supported_after_adjustment',
    });
  }
  if (errors.length) throw new RuleViolation('The assessment breaks a rule', errors);
  const assessed = touch(p, d, {
    assessment: {
      scores: input.scores,
      total,
      guidance,
      conclusion: input.conclusion,
      recommendedFen,
      reason: input.reason,
      assessedAt: d.now.toISOString(),
      assessedBy: d.by,
      configVersion: d.config.version,
    },
  });
  if (input.conclusion === 'not_supported')
    return { ...assessed, status: nextStatus('assessmentFailed', p.status) };
  return admitIfReady(assessed);
}

// ---------------------------------------------------------------- budget

export const budgetInput = z
  .strictObject({
    approvedAmount: yuan,
    disbursementPlan: z.array(measure(0, 1)).length(12).optional().meta({
      description: 'Cumulative share of the budget to be spent by the end of each month, Jan…Dec; last = 1',
    }),
  })
  .meta({ id: 'BudgetInput' });

/** The most the budget may be: what was asked, or what the assessment recommended after adjustment. */
export function budgetCeilingFen(p: Project): number {
  return p.assessment?.conclusion === 'supported_after_adjustment' &&
    p.assessment.recommendedFen !== undefined
    ? p.assessment.recommendedFen
    : p.requestedFen;
}

export function approveBudget(p: Project, input: z.infer<typeof budgetInput>, d: Decision): Project {
  const status = nextStatus('approveBudget', p.status);
  const errors: FieldError[] = [];
  const approvedFen = yuanToFen(input.approvedAmount);
  const ceiling = budgetCeilingFen(p);
  if (approvedFen <= 0 || approvedFen > ceiling) {
    const what =
      ceiling === p.requestedFen ? 'the requested amount' : 'the amount the assessment recommended';
    errors.push({
      path: 'approvedAmount',
      message: `must be above 0 and at most ${what}, ${fenToYuan(ceiling)}`,
    });
  }
  const plan = input.disbursementPlan;
  plan?.forEach((share, i) => {
    if (i > 0 && share < plan[i - 1]!) {
      errors.push({ path: `disbursementPlan[${i}]`, message: 'cumulative shares never decrease' });
    }
  });
  if (plan && plan[11] !== 1)
    errors.push({ path: 'disbursementPlan[11]', message: 'the December share is 1 (the whole budget)' });
  if (errors.length) throw new RuleViolation('The budget breaks a rule', errors);
  return touch(p, d, {
    status,
    budget: {
      initialFen: approvedFen,
      approvedFen,
      disbursementPlan: plan,
      approvedAt: d.now.toISOString(),
      approvedBy: d.by,
      configVersion: d.config.version,
    },
  });
}

// ---------------------------------------------------------------- the API's view

/** The project as the API shows it: money in yuan, the contract's names. */
export function projectView(p: Project) {
  const { requestedFen, assessment, budget, goalReviews, spentFen, spendByDate, reports, ...rest } = p;
  return {
    ...rest,
    spentAmount: fenToYuan(spentFen),
    latestReport: reports.at(-1),
    requestedAmount: fenToYuan(requestedFen),
    goalsApproved: goalsApproved(p),
    goalReview: goalReviews.at(-1),
    goalReviews,
    assessment: assessment && {
      ...withoutKey(assessment, 'recommendedFen'),
      ...(assessment.recommendedFen !== undefined
        ? { recommendedAmount: fenToYuan(assessment.recommendedFen) }
        : {}),
    },
    budget: budget && {
      approvedAmount: fenToYuan(budget.approvedFen),
      initialAmount: fenToYuan(budget.initialFen),
      ...(budget.disbursementPlan ? { disbursementPlan: budget.disbursementPlan } : {}),
      approvedAt: budget.approvedAt,
      approvedBy: budget.approvedBy,
      configVersion: budget.configVersion,
    },
  };
}
export type ProjectView = ReturnType<typeof projectView>;

function withoutKey<T extends object, K extends keyof T>(o: T, k: K): Omit<T, K> {
  const { [k]: _, ...rest } = o;
  return rest;
}
