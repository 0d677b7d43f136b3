import type { Actor } from '../domain/actor.js';
import { businessDate } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import type { DocumentRecord } from '../domain/document.js';
import {
  assembleDossier,
  currentGoals,
  type DocumentView,
  type Dossier,
  evaluationPart,
  goalVersions,
  selfEvaluationPart,
  spendByMonth,
} from '../domain/dossier.js';
import { checkpointLights, lastCheckpoint } from '../domain/library-usage.js';
import { fenToYuan } from '../domain/money.js';
import { goalsApproved, type Project } from '../domain/project.js';
import { clawbackView } from '../domain/rectification.js';
import type { SelfEvaluation } from '../domain/self-evaluation.js';
import { currentConfig } from '../store/config.js';
import type { Db } from '../store/db.js';
import { projectDocumentsPage } from '../store/documents.js';
import {
  auditUntil,
  budgetAdjustments,
  mergedAuditPage,
  projectClawbacks,
  ratingOf,
  rectificationsByIds,
  supervisionOf,
} from '../store/dossier.js';
import { projectEvaluations } from '../store/evaluations.js';
import { getSnapshot, lightHistoryPage } from '../store/monitoring.js';
import { getOwnProject } from '../store/projects.js';
import { selfEvaluations, thirdPartyGrades } from '../store/self-evaluations.js';
import { resultOf } from './results.js';

/**
 * A project's dossier (项目绩效全信息), read with Queries on the project's partition and the index partitions
 * of keys.ts, and by key — never a Scan — then assembled by shared/domain/dossier.ts. The parts that can
 * grow long (the audit trail, the light history, the documents) come as their first page with a nextToken,
 * continued by `dossierPart`. The caller sees the project as GET /v1/projects/{id} does: a department only
 * its own (another department's is 404).
 */
export interface DossierDeps {
  db: Db;
}

export const DOSSIER_PAGE = 100;

export const documentView = (d: DocumentRecord): DocumentView => ({
  id: d.id,
  kind: d.kind,
  fileName: d.fileName,
  contentType: d.contentType,
  size: d.size,
  ...(d.actualSize !== undefined ? { actualSize: d.actualSize } : {}),
  ...(d.sha256 !== undefined ? { sha256: d.sha256 } : {}),
  status: d.status,
  ...(d.reason !== undefined ? { reason: d.reason } : {}),
  ownerType: d.ownerType,
  ...(d.evaluationId !== undefined ? { evaluationId: d.evaluationId } : {}),
  createdAt: d.createdAt,
  createdBy: d.createdBy,
  ...(d.receivedAt !== undefined ? { receivedAt: d.receivedAt } : {}),
});

const withoutUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export async function projectDossier(
  deps: DossierDeps,
  ctx: { actor: Actor; now: Date },
  projectId: string,
): Promise<Dossier> {
  const { db } = deps;
  const p = await getOwnProject(db, ctx.actor, projectId);
  const first = { limit: DOSSIER_PAGE };
  const [
    goalTrail,
    adjustments,
    snapshot,
    history,
    notices,
    claws,
    selfEvaluation,
    evaluations,
    grades,
    config,
    docs,
  ] = await Promise.all([
    // The goal stages all come before the budget (approved goals change only through an adjustment).
    auditUntil(db, p.id, p.budget?.approvedAt ?? ctx.now.toISOString()),
    budgetAdjustments(db, p.id),
    getSnapshot(db, p.id),
    lightHistoryPage(db, p.id, first),
    rectificationsByIds(db, Object.keys(p.rectifications)),
    projectClawbacks(db, p.departmentId, p.id),
    selfEvaluations.get(db, p.id),
    projectEvaluations(db, p.id),
    thirdPartyGrades(db, p.id),
    currentConfig(db, p.fiscalYear),
    projectDocumentsPage(db, p.id, first),
  ]);
  const trail = await mergedAuditPage(db, auditTrailIds(p, claws, evaluations), first);
  const evaluationFacts = await Promise.all(
    evaluations
      .sort((a, b) => a.commissionedAt.localeCompare(b.commissionedAt))
      .map(async (evaluation) => {
        const [supervision, rating] = await Promise.all([
          supervisionOf(db, evaluation.id),
          ratingOf(db, evaluation.agencyId, evaluation.id),
        ]);
        return {
          evaluation,
          supervision: supervision.map(({ id, date, checked, findings, recordedAt, recordedBy }) => ({
            id,
            date,
            checked,
            findings,
            recordedAt,
            recordedBy,
          })),
          rating: rating
            ? withoutUndefined({
                total: rating.total,
                scores: rating.scores,
                parts: rating.parts,
                comments: rating.comments,
                ratedAt: rating.ratedAt,
                ratedBy: rating.ratedBy,
              })
            : null,
        };
      }),
  );
  const result = resultOf(p, selfEvaluation, grades, config);
  const a = p.assessment;
  return assembleDossier(p.id, ctx.now.toISOString(), {
    request: withoutUndefined({
      departmentId: p.departmentId,
      fiscalYear: p.fiscalYear,
      name: p.name,
      kind: p.kind,
      isNew: p.isNew,
      category: p.category,
      description: p.description,
      requestedAmount: fenToYuan(p.requestedFen),
      exAnteRequired: p.exAnteRequired,
      configVersion: p.configVersion,
      status: p.status,
      version: p.version,
      createdAt: p.createdAt,
      submittedAt: p.submittedAt,
    }),
    exAnteAssessment: {
      required: p.exAnteRequired,
      assessment: a
        ? withoutUndefined({
            scores: {
              necessity: a.scores.necessity ?? 0,
              economy: a.scores.economy ?? 0,
              goalReasonableness: a.scores.goalReasonableness ?? 0,
              feasibility: a.scores.feasibility ?? 0,
              financingCompliance: a.scores.financingCompliance ?? 0,
            },
            total: a.total,
            guidance: a.guidance,
            conclusion: a.conclusion,
            recommendedAmount: a.recommendedFen !== undefined ? fenToYuan(a.recommendedFen) : undefined,
            reason: a.reason,
            assessedAt: a.assessedAt,
            assessedBy: a.assessedBy,
            configVersion: a.configVersion,
          })
        : null,
    },
    goals: {
      approved: goalsApproved(p),
      current: currentGoals(p),
      versions: goalVersions(goalTrail),
      reviews: p.goalReviews.map(withoutUndefined),
    },
    budget: p.budget
      ? {
          initialAmount: fenToYuan(p.budget.initialFen),
          approvedAmount: fenToYuan(p.budget.approvedFen),
          disbursementPlan: p.budget.disbursementPlan ?? null,
          approvedAt: p.budget.approvedAt,
          approvedBy: p.budget.approvedBy,
          configVersion: p.budget.configVersion,
          adjustments: adjustments.map((j) => ({
            at: j.at,
            by: j.by,
            cause: 'clawback' as const,
            clawbackId: j.clawbackId,
            reason: j.reason,
            beforeAmount: fenToYuan(j.beforeFen),
            cutAmount: fenToYuan(j.cutFen),
            afterAmount: fenToYuan(j.afterFen),
          })),
        }
      : null,
    spend: spendByMonth(p),
    monitoring: {
      latest: snapshot
        ? (({ projectId: _p, departmentId: _d, fiscalYear: _y, projectName: _n, formula: _f, ...s }) => s)(
            snapshot,
          )
        : null,
      history: { items: history.items, ...(history.nextToken ? { nextToken: history.nextToken } : {}) },
      reports: p.reports.map((r) => ({
        period: r.period,
        filedOn: r.filedOn,
        indicators: r.indicators.map(withoutUndefined),
      })),
      lastCheckpoint: lastCheckpointOf(p, selfEvaluation, config, ctx.now),
    },
    rectifications: notices
      .sort((x, y) => x.issuedOn.localeCompare(y.issuedOn) || x.id.localeCompare(y.id))
      .map((n) => ({
        id: n.id,
        cause: n.cause,
        reason: n.reason,
        reasons: n.reasons,
        issuedOn: n.issuedOn,
        dueOn: n.dueOn,
        status: n.status,
        sweepId: n.sweepId,
        createdAt: n.createdAt,
        response: n.response ?? null,
        verification: n.verification ? withoutUndefined(n.verification) : null,
      })),
    clawbacks: claws
      .sort((x, y) => x.asOf.localeCompare(y.asOf) || x.createdAt.localeCompare(y.createdAt))
      .map((c) => {
        const v = clawbackView(c);
        return {
          id: v.id,
          asOf: v.asOf,
          sweepId: v.sweepId,
          cause: v.cause,
          status: v.status,
          recommendedAmount: v.recommendedAmount,
          basis: v.basis,
          configVersion: v.configVersion,
          decision: v.decision
            ? withoutUndefined({
                decision: v.decision.decision,
                amount: v.decision.amount,
                reason: v.decision.reason,
                decidedAt: v.decision.decidedAt,
                decidedBy: v.decision.decidedBy,
              })
            : null,
          createdAt: v.createdAt,
        };
      }),
    selfEvaluation: selfEvaluationPart(selfEvaluation),
    thirdPartyEvaluations: evaluationFacts.map(evaluationPart),
    result: result
      ? {
          grade: result.grade,
          recommendation: result.recommendation,
          recommendedAmount: result.recommendedAmount,
          approvedAmount: result.approvedAmount,
          basis: result.basis,
        }
      : null,
    documents: {
      items: docs.items.map(documentView),
      ...(docs.nextToken ? { nextToken: docs.nextToken } : {}),
    },
    audit: {
      items: trail.items.map(withoutUndefined),
      ...(trail.nextToken ? { nextToken: trail.nextToken } : {}),
    },
  });
}

/**
 * The trails the dossier's audit part merges: the project's own (`AUDIT#<projectId>`: the project and its
 * self-evaluation), and those of its rectification notices, its clawback recommendations and its third-party
 * evaluations — the ids the dossier holds already (the project's summary of its notices, the department's
 * clawbacks of the project, the project's evaluations).
 */
export const auditTrailIds = (
  p: { id: string; rectifications: Record<string, unknown> },
  clawbacks: readonly { id: string }[],
  evaluations: readonly { id: string }[],
): string[] => [
  p.id,
  ...Object.keys(p.rectifications),
  ...clawbacks.map((c) => c.id),
  ...evaluations.map((e) => e.id),
];

/** The indicators' lights at the year's last checkpoint, once it has passed (the library's reading of them). */
function lastCheckpointOf(
  p: Project,
  selfEvaluation: SelfEvaluation | undefined,
  config: RuleConfig,
  now: Date,
): Dossier['monitoring']['lastCheckpoint'] {
  const asOf = lastCheckpoint(p.fiscalYear, config);
  if (!p.goals || businessDate(now) <= asOf) return null;
  return { asOf, indicators: checkpointLights(p, selfEvaluation, config) };
}

export const dossierParts = ['audit', 'lights', 'documents'] as const;
export type DossierPart = (typeof dossierParts)[number];

/** The next page of a long part of the dossier (the token is the one the dossier or the previous page gave). */
export async function dossierPart(
  deps: DossierDeps,
  ctx: { actor: Actor },
  projectId: string,
  part: DossierPart,
  page: { limit?: number; nextToken?: string },
) {
  const p = await getOwnProject(deps.db, ctx.actor, projectId);
  if (part === 'audit') {
    const [claws, evaluations] = await Promise.all([
      projectClawbacks(deps.db, p.departmentId, p.id),
      projectEvaluations(deps.db, p.id),
    ]);
    const out = await mergedAuditPage(deps.db, auditTrailIds(p, claws, evaluations), page);
    return { items: out.items.map(withoutUndefined), nextToken: out.nextToken };
  }
  if (part === 'lights') return lightHistoryPage(deps.db, p.id, page);
  const out = await projectDocumentsPage(deps.db, p.id, page);
  return { items: out.items.map(documentView), nextToken: out.nextToken };
}
