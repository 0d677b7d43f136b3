import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type SelfEvaluation, selfEvaluationRecord } from '../domain/self-evaluation.js';
import type { Db, Page, WriteAction } from './db.js';
import { entityStore } from './entity-store.js';
import { keys } from './keys.js';

/**
 * Self-evaluations in the single table: one item on the project's partition (`PROJECT#<id>` / `SELFEVAL`),
 * versioned and audited (entity-store.ts). Once reviewed it joins the sparse index of the year's reviewed
 * self-evaluations (gsi1 `REVIEWED#<year>` / `<dept>#<projectId>`), which the rankings and the results read
 * with one Query — never a Scan.
 */
export const selfEvaluations = entityStore({
  type: 'self-evaluation',
  label: 'Self-evaluation',
  schema: selfEvaluationRecord,
  key: keys.selfEvaluation,
  indexKeys: keys.selfEvaluationIndexes,
});

/** Every reviewed self-evaluation of a year (or of one department in it), page by page. */
export function reviewedEvaluations(
  db: Db,
  fiscalYear: number,
  departmentId?: string,
): Promise<SelfEvaluation[]> {
  return db.all(
    {
      index: 'gsi1',
      pk: keys.reviewedEvaluations(fiscalYear),
      skBeginsWith: departmentId ? `${departmentId}#` : undefined,
      limit: 100,
    },
    selfEvaluationRecord,
  );
}

export function reviewedEvaluationsPage(
  db: Db,
  fiscalYear: number,
  page: { departmentId?: string; limit?: number; nextToken?: string },
): Promise<Page<SelfEvaluation>> {
  return db.query(
    {
      index: 'gsi1',
      pk: keys.reviewedEvaluations(fiscalYear),
      skBeginsWith: page.departmentId ? `${page.departmentId}#` : undefined,
      limit: page.limit,
      nextToken: page.nextToken,
    },
    selfEvaluationRecord,
  );
}

// ---------------------------------------------------------------- third-party grades (written by `tpe`)

/** `PROJECT#<projectId>` / `TPGRADE#<evaluationId>`: an approved third-party report's grade (common brief). */
export const thirdPartyGradeRecord = z.object({
  type: z.literal('third-party-grade').optional(),
  projectId: z.string(),
  evaluationId: z.string(),
  agencyId: z.string(),
  departmentId: z.string(),
  fiscalYear: z.int(),
  score: z.number().min(0).max(100),
  grade: z.enum(['excellent', 'good', 'fair', 'poor']),
  approvedAt: z.string(),
  configVersion: z.int(),
});
export type ThirdPartyGrade = z.infer<typeof thirdPartyGradeRecord>;

/** A project's approved third-party grades, oldest approval first. */
export async function thirdPartyGrades(db: Db, projectId: string): Promise<ThirdPartyGrade[]> {
  const items = await db.all(
    { pk: keys.project(projectId).pk, skBeginsWith: keys.thirdPartyGradePrefix, limit: 100 },
    thirdPartyGradeRecord,
  );
  return items.sort((a, b) => a.approvedAt.localeCompare(b.approvedAt));
}

// ---------------------------------------------------------------- what changed under a year's results

export const changeKinds = ['review', 'budget-adjustment', 'third-party-approval'] as const;
export const evaluationChangeRecord = z.object({
  fiscalYear: z.int(),
  at: z.string(),
  kind: z.enum(changeKinds),
  projectId: z.string(),
  departmentId: z.string(),
  /** What changed, for people. */
  detail: z.string(),
});
export type EvaluationChange = z.infer<typeof evaluationChangeRecord>;

/**
 * One entry of the year's change log (`EVALYEAR#<year>` / `CHANGE#<at>#<id>`), written in the transaction of
 * the change itself (a review, a budget adjustment, a third-party approval): a published bulletin compares
 * the entries after its publication to know it is stale, and says what changed.
 */
export function evaluationChangeAction(change: EvaluationChange): WriteAction {
  return {
    kind: 'put',
    item: {
      ...keys.evaluationChange(change.fiscalYear, change.at, randomUUID()),
      type: 'evaluation-change',
      ...change,
    },
  };
}

/** The changes of a year after `since` (exclusive), oldest first. */
export function changesSince(db: Db, fiscalYear: number, since: string): Promise<EvaluationChange[]> {
  return db.all(
    {
      pk: keys.evaluationChanges(fiscalYear),
      skBetween: [`${keys.evaluationChangePrefix}${since}#~`, `${keys.evaluationChangePrefix}~`],
      limit: 100,
    },
    evaluationChangeRecord,
  );
}
