import * as z from 'zod';
import { clawbackRecord, rectificationRecord } from '../domain/rectification.js';
import { auditRecordSchema } from './audit.js';
import type { Db } from './db.js';
import { ratingRecord, supervisionRecord } from './evaluations.js';
import { keys } from './keys.js';

/**
 * The reads of a project's dossier that no other module makes: every one a Query on the project's partition
 * (or on an index partition of keys.ts), or a read by key. None is a Scan.
 */
export const budgetAdjustmentRecord = z.object({
  projectId: z.string(),
  clawbackId: z.string(),
  reason: z.string(),
  beforeFen: z.int(),
  cutFen: z.int(),
  afterFen: z.int(),
  at: z.string(),
  by: z.string(),
});
export type BudgetAdjustmentRecord = z.infer<typeof budgetAdjustmentRecord>;

/** A project's budget adjustments, oldest first (`PROJECT#<id>` / `ADJ#<at>#…`). */
export const budgetAdjustments = (db: Db, projectId: string) =>
  db.all(
    { pk: keys.projectPartition(projectId), skBeginsWith: keys.budgetAdjustmentPrefix, limit: 100 },
    budgetAdjustmentRecord,
  );

/** The rectification notices named by the project's summary of them, by key. */
export async function rectificationsByIds(db: Db, ids: string[]) {
  const found = ids.length ? await db.batchGet(ids.map(keys.rectification), rectificationRecord) : [];
  return found.filter((r) => r !== undefined);
}

/**
 * A project's clawback recommendations: the department's clawbacks (gsi1 `DEPT#<d>#CLAWS`, a handful a year)
 * filtered to the project.
 */
export const projectClawbacks = (db: Db, departmentId: string, projectId: string) =>
  db.all(
    { index: 'gsi1', pk: keys.departmentClawbacks(departmentId), filter: { projectId }, limit: 100 },
    clawbackRecord,
  );

/** A page of the project's audit trail, oldest first (`AUDIT#<projectId>`). */
export const auditPage = (db: Db, projectId: string, page: { limit?: number; nextToken?: string }) =>
  db.query({ pk: keys.audit(projectId, '', '').pk, ...page }, auditRecordSchema);

/**
 * The project's audit records up to `until` (inclusive), every page: the goal stages, which all happen
 * before the budget is approved (approved goals change only through a budget adjustment), so the read
 * stops there however long the trail grows afterwards.
 */
export const auditUntil = (db: Db, projectId: string, until: string) =>
  db.all(
    { pk: keys.audit(projectId, '', '').pk, skBetween: ['0', `${until}#~`], limit: 100 },
    auditRecordSchema,
  );

/** Every supervision record of an evaluation, by date. */
export const supervisionOf = (db: Db, evaluationId: string) =>
  db.all(
    { pk: keys.evaluation(evaluationId).pk, skBeginsWith: keys.supervisionPrefix, limit: 100 },
    supervisionRecord,
  );

/** The rating of an evaluation, if it is rated. */
export const ratingOf = (db: Db, agencyId: string, evaluationId: string) =>
  db.get(keys.agencyRating(agencyId, evaluationId), ratingRecord);
