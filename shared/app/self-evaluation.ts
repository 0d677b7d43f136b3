import { businessDate } from '../domain/calendar.js';
import { Conflict, NotFound } from '../domain/errors.js';
import type { LastYearIndicator } from '../domain/goal-lint.js';
import type { Project } from '../domain/project.js';
import {
  checkMayEvaluate,
  evaluate,
  type ReviewInput,
  review,
  type SelfEvaluation,
  type SelfEvaluationInput,
  toPoints,
} from '../domain/self-evaluation.js';
import { currentConfig } from '../store/config.js';
import type { Db } from '../store/db.js';
import { documents } from '../store/documents.js';
import type { ChangeContext } from '../store/entity-store.js';
import { getOwnProject, projects } from '../store/projects.js';
import { evaluationChangeAction, reviewedEvaluations, selfEvaluations } from '../store/self-evaluations.js';
import { reviewUsageActions } from './indicator-templates.js';
import { retryOnConcurrentChange } from './retry.js';

/**
 * The self-evaluation use cases (domain.md §4): a department submits (or replaces, until the review) its
 * self-evaluation; the bureau reviews it once. Each is one transaction with its audit record; the first
 * submission also marks the project so no spend can be recorded after it (shared/domain/expenditure.ts), and
 * only lands on the project version whose spend it scored.
 */
export interface SelfEvaluationDeps {
  db: Db;
}

/** The received documents of the project among `ids` (others are not evidence of it). */
async function receivedEvidence(db: Db, project: Project, ids: string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Set();
  const found = await Promise.all(unique.map((id) => documents.get(db, id)));
  return new Set(
    found.filter((d) => d?.status === 'received' && d.projectId === project.id).map((d) => d!.id),
  );
}

export async function submitSelfEvaluation(
  deps: SelfEvaluationDeps,
  ctx: ChangeContext,
  projectId: string,
  input: SelfEvaluationInput,
): Promise<{ evaluation: SelfEvaluation; created: boolean }> {
  // A voucher recorded meanwhile moves the project's version: read again and score the new spend.
  return retryOnConcurrentChange(() => submitOnce(deps, ctx, projectId, input), {
    what: `Project ${projectId}`,
  });
}

async function submitOnce(
  deps: SelfEvaluationDeps,
  ctx: ChangeContext,
  projectId: string,
  input: SelfEvaluationInput,
): Promise<{ evaluation: SelfEvaluation; created: boolean }> {
  const project = await getOwnProject(deps.db, ctx.actor, projectId);
  const existing = await selfEvaluations.get(deps.db, project.id);
  const today = businessDate(ctx.now);
  checkMayEvaluate(project, existing, today);
  const config = await currentConfig(deps.db, project.fiscalYear);
  const evidence = input.indicators.flatMap((i) => i.evidenceDocumentIds ?? []);
  const evaluation = evaluate(project, input, existing, {
    now: ctx.now,
    by: ctx.actor.sub,
    config,
    today,
    receivedDocumentIds: await receivedEvidence(deps.db, project, evidence),
  });
  const actions = existing
    ? selfEvaluations.updateActions(existing, evaluation, ctx, 'replace-self-evaluation')
    : selfEvaluations.createActions(evaluation, ctx, 'submit-self-evaluation');
  if (!project.selfEvaluationSubmitted) {
    const marked: Project = {
      ...project,
      selfEvaluationSubmitted: true,
      version: project.version + 1,
      updatedAt: ctx.now.toISOString(),
    };
    actions.push(...projects.updateActions(project, marked, ctx, 'self-evaluation-submitted'));
  }
  await deps.db.write(actions);
  return { evaluation, created: !existing };
}

export async function getSelfEvaluation(
  deps: SelfEvaluationDeps,
  ctx: Pick<ChangeContext, 'actor'>,
  projectId: string,
) {
  const project = await getOwnProject(deps.db, ctx.actor, projectId);
  const evaluation = await selfEvaluations.get(deps.db, project.id);
  if (!evaluation) throw new NotFound(`The self-evaluation of project ${project.id}`);
  return evaluation;
}

export async function reviewSelfEvaluation(
  deps: SelfEvaluationDeps,
  ctx: ChangeContext,
  projectId: string,
  input: ReviewInput,
): Promise<SelfEvaluation> {
  // A replacement submitted meanwhile: read again and review what is there now.
  return retryOnConcurrentChange(() => reviewOnce(deps, ctx, projectId, input), {
    what: `The self-evaluation of project ${projectId}`,
  });
}

async function reviewOnce(
  deps: SelfEvaluationDeps,
  ctx: ChangeContext,
  projectId: string,
  input: ReviewInput,
): Promise<SelfEvaluation> {
  const project = await getOwnProject(deps.db, ctx.actor, projectId);
  const before = await selfEvaluations.get(deps.db, project.id);
  if (!before) {
    throw new Conflict(`Project ${project.id} has no self-evaluation to review yet (尚未提交自评)`);
  }
  const config = await currentConfig(deps.db, project.fiscalYear);
  const after = review(before, input, { now: ctx.now, by: ctx.actor.sub, config });
  const reviewed = after.reviewed!;
  await deps.db.write([
    // How the library's templates fared: counted in the review's own transaction.
    ...(await reviewUsageActions(deps.db, project, after, config)),
    ...selfEvaluations.updateActions(before, after, ctx, 'review-self-evaluation'),
    evaluationChangeAction({
      fiscalYear: after.fiscalYear,
      at: ctx.now.toISOString(),
      kind: 'review',
      projectId: after.projectId,
      departmentId: after.departmentId,
      detail: `复核：项目 ${after.projectId} 自评 ${toPoints(after.claimed.total)} 分，复核 ${toPoints(reviewed.total)} 分（${reviewed.grade}）`,
    }),
  ]);
  return after;
}

/**
 * The department's quantitative indicators of the year before `fiscalYear` with their actuals, from its reviewed
 * self-evaluations (one Query on the sparse index, the department's prefix): what the goal lint's
 * `target-below-last-actual` compares next year's targets with. The latest project's figure wins a name.
 */
export async function lastYearIndicators(
  deps: SelfEvaluationDeps,
  departmentId: string,
  fiscalYear: number,
): Promise<LastYearIndicator[]> {
  const reviewed = await reviewedEvaluations(deps.db, fiscalYear - 1, departmentId);
  return reviewed
    .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))
    .flatMap((e) =>
      e.claimed.indicators
        .filter((i) => typeof i.target === 'number' && i.actual !== undefined)
        .map((i) => ({
          name: i.name,
          operator: i.operator,
          target: i.target as number,
          actual: i.actual!,
          unit: i.unit,
          fiscalYear: e.fiscalYear,
          projectId: e.projectId,
        })),
    )
    .reverse();
}
