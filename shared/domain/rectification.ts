import * as z from 'zod';
import type { IsoDate } from './calendar.js';
import { Conflict, type FieldError, RuleViolation } from './errors.js';
import { fenToYuan, yuan, yuanToFen } from './money.js';
import { type Project, rectificationCauses, rectificationStatuses } from './project.js';
import type { NewNotice, Recommendation } from './sweep.js';

/**
 * Rectification notices (整改通知) and clawback recommendations (调减/收回): issued by the sweep, answered by
 * the department, verified or decided by the bureau. Pure transitions; the store writes each with its
 * audit record and the project's summary of it, in one transaction.
 */
const localized = z.object({ 'zh-CN': z.string(), en: z.string() });

export const rectificationRecord = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  departmentId: z.string(),
  fiscalYear: z.int(),
  cause: z.enum(rectificationCauses),
  reason: z.string(),
  reasons: localized,
  issuedOn: z.string(),
  dueOn: z.string(),
  status: z.enum(rectificationStatuses),
  sweepId: z.string(),
  response: z
    .object({ causes: z.string(), measures: z.string(), respondedAt: z.string(), respondedBy: z.string() })
    .optional(),
  verification: z
    .object({
      result: z.enum(['resolved', 'not_resolved']),
      comments: z.string().optional(),
      verifiedAt: z.string(),
      verifiedBy: z.string(),
    })
    .optional(),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Rectification = z.infer<typeof rectificationRecord>;

export function issueNotice(
  p: Pick<Project, 'id' | 'name' | 'departmentId' | 'fiscalYear'>,
  n: NewNotice,
  sweepId: string,
  now: Date,
): Rectification {
  const at = now.toISOString();
  return {
    id: n.id,
    projectId: p.id,
    projectName: p.name,
    departmentId: p.departmentId,
    fiscalYear: p.fiscalYear,
    cause: n.cause,
    reason: n.reason['zh-CN'],
    reasons: n.reason,
    issuedOn: n.issuedOn,
    dueOn: n.dueOn,
    status: 'open',
    sweepId,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** The project keeps a summary of each of its notices: what the sweep needs without reading them. */
export function withNotice(p: Project, r: Rectification): Project {
  return {
    ...p,
    rectifications: {
      ...p.rectifications,
      [r.id]: { cause: r.cause, status: r.status, issuedOn: r.issuedOn, dueOn: r.dueOn },
    },
  };
}

const bump = <T extends { version: number; updatedAt: string }>(x: T, now: Date, changes: Partial<T>): T => ({
  ...x,
  ...changes,
  version: x.version + 1,
  updatedAt: now.toISOString(),
});

export function markOverdue(r: Rectification, now: Date): Rectification {
  return bump(r, now, { status: 'overdue' });
}

export const responseInput = z
  .strictObject({ causes: z.string().trim().min(1).max(4000), measures: z.string().trim().min(1).max(4000) })
  .meta({ id: 'RectificationResponse' });

/** The department answers an open or overdue notice (an overdue one can still be answered). */
export function respond(
  r: Rectification,
  input: z.infer<typeof responseInput>,
  by: string,
  now: Date,
): Rectification {
  if (r.status !== 'open' && r.status !== 'overdue') {
    throw new Conflict(`The notice is ${r.status}; only an open or overdue notice can be answered`);
  }
  return bump(r, now, {
    status: 'responded',
    response: { ...input, respondedAt: now.toISOString(), respondedBy: by },
  });
}

export const verificationInput = z
  .strictObject({
    result: z.enum(['resolved', 'not_resolved']),
    comments: z.string().trim().max(4000).optional(),
  })
  .meta({ id: 'RectificationVerification' });

export function verify(
  r: Rectification,
  input: z.infer<typeof verificationInput>,
  by: string,
  now: Date,
): Rectification {
  if (r.status !== 'responded')
    throw new Conflict(`The notice is ${r.status}; only a responded notice can be verified`);
  return bump(r, now, {
    status: input.result,
    verification: { ...input, verifiedAt: now.toISOString(), verifiedBy: by },
  });
}

export const rectificationView = (r: Rectification) => r;

// ---------------------------------------------------------------- clawbacks

export const clawbackStatuses = ['recommended', 'accepted', 'rejected'] as const;

export const clawbackRecord = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  departmentId: z.string(),
  fiscalYear: z.int(),
  asOf: z.string(),
  sweepId: z.string(),
  cause: z.string(),
  recommendedFen: z.int(),
  basis: z.object({
    approvedAmount: z.number(),
    spent: z.number(),
    timeProgress: z.number(),
    projectedSpend: z.number(),
    formula: z.string(),
  }),
  configVersion: z.int(),
  status: z.enum(clawbackStatuses),
  decision: z
    .object({
      decision: z.enum(['accept', 'reject']),
      amountFen: z.int().optional(),
      reason: z.string(),
      decidedAt: z.string(),
      decidedBy: z.string(),
    })
    .optional(),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Clawback = z.infer<typeof clawbackRecord>;

export function recommend(
  p: Pick<Project, 'id' | 'name' | 'departmentId' | 'fiscalYear'>,
  rec: Recommendation,
  asOf: IsoDate,
  sweepId: string,
  configVersion: number,
  now: Date,
): Clawback {
  const at = now.toISOString();
  return {
    id: rec.id,
    projectId: p.id,
    projectName: p.name,
    departmentId: p.departmentId,
    fiscalYear: p.fiscalYear,
    asOf,
    sweepId,
    cause: rec.cause,
    recommendedFen: rec.recommendedFen,
    basis: rec.basis,
    configVersion,
    status: 'recommended',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

export const clawbackView = (c: Clawback) => {
  const { recommendedFen, decision, ...rest } = c;
  return {
    ...rest,
    recommendedAmount: fenToYuan(recommendedFen),
    decision: decision && {
      decision: decision.decision,
      ...(decision.amountFen !== undefined ? { amount: fenToYuan(decision.amountFen) } : {}),
      reason: decision.reason,
      decidedAt: decision.decidedAt,
      decidedBy: decision.decidedBy,
    },
  };
};

export const decisionInput = z
  .strictObject({
    decision: z.enum(['accept', 'reject']),
    amount: yuan.optional(),
    reason: z.string().trim().min(1).max(4000),
  })
  .meta({ id: 'ClawbackDecision' });

/**
 * The bureau accepts (by default the recommended amount, never more, never below what is already spent) or
 * rejects. Acceptance lowers the project's approved budget; the adjustment is returned for the record.
 */
export function decide(
  c: Clawback,
  p: Project,
  input: z.infer<typeof decisionInput>,
  by: string,
  now: Date,
): { clawback: Clawback; project: Project; cutFen: number } {
  if (c.status !== 'recommended') throw new Conflict(`The recommendation is ${c.status} already`);
  const errors: FieldError[] = [];
  let cutFen = 0;
  if (input.decision === 'accept') {
    cutFen = input.amount === undefined ? c.recommendedFen : yuanToFen(input.amount);
    const approvedFen = p.budget?.approvedFen ?? 0;
    if (cutFen <= 0 || cutFen > c.recommendedFen) {
      errors.push({
        path: 'amount',
        message: `must be above 0 and at most the recommended ${fenToYuan(c.recommendedFen)}`,
      });
    } else if (approvedFen - cutFen < p.spentFen) {
      errors.push({
        path: 'amount',
        message: `would lower the budget to ${fenToYuan(approvedFen - cutFen)}, below what is already spent (${fenToYuan(p.spentFen)})`,
      });
    }
  } else if (input.amount !== undefined) {
    errors.push({ path: 'amount', message: 'only with the decision accept' });
  }
  if (errors.length) throw new RuleViolation('The decision breaks a rule', errors);
  const at = now.toISOString();
  const clawback = bump(c, now, {
    status: input.decision === 'accept' ? 'accepted' : 'rejected',
    decision: {
      decision: input.decision,
      amountFen: input.decision === 'accept' ? cutFen : undefined,
      reason: input.reason,
      decidedAt: at,
      decidedBy: by,
    },
  });
  const project: Project = {
    ...p,
    pendingClawbackId: undefined,
    budget:
      p.budget && input.decision === 'accept'
        ? { ...p.budget, approvedFen: p.budget.approvedFen - cutFen }
        : p.budget,
    version: p.version + 1,
    updatedAt: at,
  };
  return { clawback, project, cutFen };
}
