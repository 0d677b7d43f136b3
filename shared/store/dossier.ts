import * as z from 'zod';
import { clawbackRecord, rectificationRecord } from '../domain/rectification.js';
import { type AuditRecord, auditRecordSchema } from './audit.js';
import { type Db, encodeNextToken, invalidNextToken, type Page } from './db.js';
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

/** Where a merged page stopped: per entity, the sort key of the last record already given. */
const mergedToken = z.record(z.string().max(200), z.string().min(1).max(1024));

/**
 * A page of several entities' audit trails merged into one, oldest first (by the records' `<at>#<id>` sort key,
 * then the entity id): one Query per trail (`AUDIT#<entityId>`), each from where the previous page stopped,
 * at most `limit` records from each, of which the `limit` oldest are given. The token holds, per entity, the
 * last record given; it is checked against `entityIds` (a token of another list, or naming another entity, is a
 * 400), so a caller reads only the trails of the ids it passes.
 */
export async function mergedAuditPage(
  db: Db,
  entityIds: readonly string[],
  page: { limit?: number; nextToken?: string },
): Promise<Page<AuditRecord>> {
  const limit = page.limit ?? 50;
  const ids = [...new Set(entityIds)];
  let after: Record<string, string> = {};
  if (page.nextToken !== undefined) {
    try {
      after = mergedToken.parse(JSON.parse(Buffer.from(page.nextToken, 'base64url').toString('utf8')));
    } catch {
      throw invalidNextToken();
    }
    if (!Object.keys(after).every((id) => ids.includes(id))) throw invalidNextToken();
  }
  const trails = await Promise.all(
    ids.map(async (entityId) => {
      const pk = keys.audit(entityId, '', '').pk;
      const last = after[entityId];
      const out = await db.query(
        { pk, limit, ...(last ? { nextToken: encodeNextToken({ pk, sk: last }) } : {}) },
        auditRecordSchema,
      );
      return { entityId, records: out.items, more: out.nextToken !== undefined };
    }),
  );
  const sk = (r: AuditRecord) => keys.audit(r.entityId, r.at, r.id).sk;
  const merged = trails
    .flatMap((t) => t.records.map((record) => ({ entityId: t.entityId, record, sk: sk(record) })))
    .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : a.entityId < b.entityId ? -1 : 1))
    .slice(0, limit);
  const given = new Map<string, number>();
  const positions = { ...after };
  for (const m of merged) {
    given.set(m.entityId, (given.get(m.entityId) ?? 0) + 1);
    positions[m.entityId] = m.sk;
  }
  const more = trails.some((t) => (given.get(t.entityId) ?? 0) < t.records.length || t.more);
  return {
    items: merged.map((m) => m.record),
    ...(more ? { nextToken: Buffer.from(JSON.stringify(positions)).toString('base64url') } : {}),
  };
}

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
