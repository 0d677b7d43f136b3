import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type Actor, assertOwnAgency } from '../domain/actor.js';
import { NotFound } from '../domain/errors.js';
import { type Evaluation, evaluationRecord, ratingItems } from '../domain/evaluation.js';
import type { Db, Item, Page, WriteAction } from './db.js';
import { entityStore } from './entity-store.js';
import { keys } from './keys.js';
import type { ThirdPartyGrade } from './self-evaluations.js';

/**
 * Third-party evaluations in the single table (keys.ts): the evaluation (versioned, audited), its
 * supervision records on its partition, the agency's ratings on the agency's partition (one per
 * evaluation: the key is the evaluation's id), and the third-party grade on the project's partition
 * (written when the bureau approves a report; read by the results).
 */
export const evaluations = entityStore({
  type: 'evaluation',
  label: 'Evaluation',
  schema: evaluationRecord,
  key: keys.evaluation,
  indexKeys: keys.evaluationIndexes,
});

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** `EV-` and 16 random Crockford base-32 characters. */
export const newEvaluationId = () => `EV-${[...randomBytes(16)].map((b) => ALPHABET[b % 32]).join('')}`;

/** The evaluation, if the caller may see it: another agency's is as missing as one that does not exist. */
export async function getOwnEvaluation(db: Db, actor: Actor, id: string): Promise<Evaluation> {
  const e = await evaluations.get(db, id);
  if (!e) throw new NotFound(`Evaluation ${id}`);
  assertOwnAgency(actor, e.agencyId, `Evaluation ${id}`);
  return e;
}

/** The bureau's list (every evaluation, by project), or an agency's own (by commissioning time): one Query. */
export function listEvaluations(
  db: Db,
  actor: Actor,
  page: { limit?: number; nextToken?: string; agencyId?: string; projectId?: string },
): Promise<Page<Evaluation>> {
  const agencyId = actor.role === 'evaluator' ? actor.agencyId! : page.agencyId;
  const p = { limit: page.limit, nextToken: page.nextToken };
  if (agencyId !== undefined) {
    return db.query(
      {
        index: 'gsi1',
        pk: keys.agencyEvaluations(agencyId),
        filter: page.projectId ? { projectId: page.projectId } : undefined,
        ...p,
      },
      evaluationRecord,
    );
  }
  return db.query(
    {
      index: 'gsi2',
      pk: keys.allEvaluations,
      skBeginsWith: page.projectId ? `${page.projectId}#` : undefined,
      ...p,
    },
    evaluationRecord,
  );
}

/** Every evaluation of an agency (its workload and scorecard). */
export const agencyEvaluations = (db: Db, agencyId: string) =>
  db.all({ index: 'gsi1', pk: keys.agencyEvaluations(agencyId), limit: 100 }, evaluationRecord);

/** Every evaluation of a project. */
export const projectEvaluations = (db: Db, projectId: string) =>
  db.all(
    { index: 'gsi2', pk: keys.allEvaluations, skBeginsWith: `${projectId}#`, limit: 100 },
    evaluationRecord,
  );

/**
 * One open evaluation per project, atomically: a guard item on the project's partition names the open one.
 * Commissioning claims it (it fails when another evaluation holds it: 409); the rating that closes the
 * evaluation releases it.
 */
export const claimOpenEvaluationAction = (projectId: string, evaluationId: string): WriteAction => ({
  kind: 'update',
  key: keys.projectOpenEvaluation(projectId),
  set: { type: 'open-evaluation-guard', openEvaluationId: evaluationId },
  condition: {
    expression: 'attribute_not_exists(openEvaluationId) OR openEvaluationId = :none',
    values: { ':none': '' },
  },
  conflict: `Project ${projectId} already has an open third-party evaluation（该项目已有进行中的第三方评价）`,
});

export const releaseOpenEvaluationAction = (projectId: string, evaluationId: string): WriteAction => ({
  kind: 'update',
  key: keys.projectOpenEvaluation(projectId),
  set: { openEvaluationId: '' },
  condition: { expression: 'openEvaluationId = :id', values: { ':id': evaluationId } },
  conflict: `Evaluation ${evaluationId} is not the open evaluation of project ${projectId}`,
});

// Supervision (督导) ---------------------------------------------------------------------------------------

export const supervisionRecord = z
  .object({
    id: z.string(),
    evaluationId: z.string(),
    date: z.iso.date(),
    checked: z.string(),
    findings: z.string(),
    recordedAt: z.string(),
    recordedBy: z.string(),
  })
  .meta({ id: 'SupervisionRecord' });
export type SupervisionRecord = z.infer<typeof supervisionRecord>;

export function newSupervisionRecord(
  evaluationId: string,
  body: { date: string; checked: string; findings: string },
  ctx: { actor: Actor; now: Date },
): SupervisionRecord {
  return {
    id: `SUP-${randomUUID()}`,
    evaluationId,
    ...body,
    recordedAt: ctx.now.toISOString(),
    recordedBy: ctx.actor.sub,
  };
}

export const supervisionItem = (r: SupervisionRecord): Item => ({
  ...keys.supervisionRecord(r.evaluationId, r.date, r.id),
  type: 'supervision',
  ...r,
});

export const listSupervision = (db: Db, evaluationId: string, page: { limit?: number; nextToken?: string }) =>
  db.query(
    { pk: keys.evaluation(evaluationId).pk, skBeginsWith: keys.supervisionPrefix, ...page },
    supervisionRecord,
  );

// Agency ratings (工作质量考核) ----------------------------------------------------------------------------

const scores = z.object(
  Object.fromEntries(ratingItems.map((i) => [i, z.number()])) as Record<
    (typeof ratingItems)[number],
    z.ZodNumber
  >,
);

export const ratingRecord = z
  .object({
    id: z.string(),
    agencyId: z.string(),
    evaluationId: z.string(),
    projectId: z.string(),
    scores,
    total: z.number(),
    parts: z.object({ before: z.number(), during: z.number(), after: z.number() }),
    comments: z.string().optional(),
    configVersion: z.int(),
    ratedAt: z.string(),
    ratedBy: z.string(),
  })
  .meta({ id: 'AgencyRating' });
export type RatingRecord = z.infer<typeof ratingRecord>;

/** Creates the rating; a second rating of the same evaluation fails its condition (409). */
export const createRatingAction = (r: RatingRecord): WriteAction => ({
  kind: 'create',
  item: { ...keys.agencyRating(r.agencyId, r.evaluationId), type: 'agency-rating', ...r },
  conflict: `Evaluation ${r.evaluationId} is rated already (one rating per evaluation)`,
});

export const agencyRatings = (db: Db, agencyId: string) =>
  db.all({ pk: keys.agency(agencyId).pk, skBeginsWith: keys.agencyRatingPrefix, limit: 100 }, ratingRecord);

// The third-party grade (read by the results) ---------------------------------------------------------------

/** The grade of an approved report, on the project's partition (one per evaluation). */
export function thirdPartyGradeAction(e: Evaluation): WriteAction {
  if (!e.report || !e.reportApprovedAt) throw new Error(`evaluation ${e.id} has no approved report`);
  const record: ThirdPartyGrade = {
    type: 'third-party-grade',
    projectId: e.projectId,
    evaluationId: e.id,
    agencyId: e.agencyId,
    departmentId: e.departmentId,
    fiscalYear: e.fiscalYear,
    score: e.report.score,
    grade: e.report.grade,
    approvedAt: e.reportApprovedAt,
    configVersion: e.report.configVersion,
  };
  return {
    kind: 'create',
    item: { ...keys.thirdPartyGrade(e.projectId, e.id), ...record },
    conflict: `The report of evaluation ${e.id} was approved already`,
  };
}

// The self-evaluation, as far as third-party evaluation reads it ----------------------------------------------

/**
 * What the scorecard and the evidence view read of a project's self-evaluation (written by the self-evaluation
 * of issue 9 on `PROJECT#<id>` / `SELFEVAL`): the claimed indicators' evidence and, once the bureau has
 * reviewed it, the reviewed total (in hundredths of a point). Only these fields are read, so the rest of
 * that record may change freely.
 */
export const selfEvaluationFacts = z.object({
  projectId: z.string(),
  status: z.string(),
  claimed: z.object({
    indicators: z.array(z.object({ name: z.string(), evidenceDocumentIds: z.array(z.string()).default([]) })),
  }),
  reviewed: z.object({ total: z.int() }).optional(),
});
export type SelfEvaluationFacts = z.infer<typeof selfEvaluationFacts>;

export async function selfEvaluationsOf(
  db: Db,
  projectIds: string[],
): Promise<Map<string, SelfEvaluationFacts>> {
  if (!projectIds.length) return new Map();
  const found = await db.batchGet(projectIds.map(keys.selfEvaluation), selfEvaluationFacts);
  return new Map(found.flatMap((f) => (f ? [[f.projectId, f]] : [])));
}
