import type * as z from 'zod';
import { type Actor, assertOwnDepartment } from '../domain/actor.js';
import { NotFound } from '../domain/errors.js';
import { fileReport, type MonitoringReportInput } from '../domain/monitoring-report.js';
import {
  type Clawback,
  decide,
  type decisionInput,
  type Rectification,
  withNotice,
} from '../domain/rectification.js';
import { metricNames } from '../metric-names.js';
import { type BusinessMetrics, noMetrics } from '../metrics.js';
import type { Db, WriteAction } from '../store/db.js';
import { checkIfMatch } from '../store/entity-store.js';
import {
  budgetAdjustmentActions,
  clawbacks,
  type MonitoringReportItem,
  monitoringReportActions,
  rectifications,
} from '../store/monitoring.js';
import { getOwnProject, projects } from '../store/projects.js';
import { evaluationChangeAction } from '../store/self-evaluations.js';
import { retryOnConcurrentChange } from './retry.js';

/**
 * The changes people make during monitoring (domain.md §3): a department files a monitoring report,
 * answers a rectification notice; the bureau verifies the answer and decides a clawback. Each is a
 * read-modify-write of the project and what belongs to it, in one transaction with its audit records,
 * retried on a fresh read when a sweep or an expenditure moved the project meanwhile (shared/app/retry.ts).
 * The checks keep the contract's order: 404 → 409 (the state) → 412 (If-Match) → 422 (the rule).
 */
export interface ChangeDeps {
  db: Db;
  metrics?: BusinessMetrics;
}

/** Who changes what, when, and the version the client based it on (If-Match). */
export interface Change {
  actor: Actor;
  now: Date;
  requestId?: string;
  ifMatch?: number;
}

export async function fileMonitoringReport(
  deps: ChangeDeps,
  change: Change,
  projectId: string,
  input: MonitoringReportInput,
): Promise<MonitoringReportItem> {
  return retryOnConcurrentChange(
    async () => {
      const before = await getOwnProject(deps.db, change.actor, projectId);
      const after = fileReport(before, input, change.now);
      const report: MonitoringReportItem = {
        projectId: before.id,
        departmentId: before.departmentId,
        ...input,
        filedAt: change.now.toISOString(),
        filedBy: change.actor.sub,
      };
      await deps.db.write(monitoringReportActions(before, after, report, change));
      return report;
    },
    { what: `Project ${projectId}` },
  );
}

/** A notice's change (an answer, a verification), with the project's summary of it. */
export async function changeNotice(
  deps: ChangeDeps,
  change: Change,
  noticeId: string,
  apply: (r: Rectification) => Rectification,
  action: string,
): Promise<Rectification> {
  return retryOnConcurrentChange(
    async () => {
      const before = await rectifications.get(deps.db, noticeId);
      if (!before) throw new NotFound(`Rectification notice ${noticeId}`);
      assertOwnDepartment(change.actor, before.departmentId, `Rectification notice ${noticeId}`);
      const after = apply(before);
      checkIfMatch(before, change.ifMatch, `Rectification notice ${before.id}`);
      const project = await projects.get(deps.db, before.projectId);
      if (!project) throw new NotFound(`Project ${before.projectId}`);
      const projectAfter = {
        ...withNotice(project, after),
        version: project.version + 1,
        updatedAt: change.now.toISOString(),
      };
      await deps.db.write([
        ...rectifications.updateActions(before, after, change, action),
        projects.replaceAction(project, projectAfter),
      ]);
      return after;
    },
    { what: `Rectification notice ${noticeId}` },
  );
}

/**
 * Accepts (possibly a smaller amount) or rejects a clawback recommendation; an acceptance lowers the
 * project's approved budget, with a budget-adjustment record.
 */
export async function decideClawback(
  deps: ChangeDeps,
  change: Change,
  clawbackId: string,
  input: z.infer<typeof decisionInput>,
): Promise<Clawback> {
  const decided = await retryOnConcurrentChange(
    async () => {
      const before = await clawbacks.get(deps.db, clawbackId);
      if (!before) throw new NotFound(`Clawback recommendation ${clawbackId}`);
      const project = await projects.get(deps.db, before.projectId);
      if (!project) throw new NotFound(`Project ${before.projectId}`);
      const {
        clawback,
        project: after,
        cutFen,
      } = decide(before, project, input, change.actor.sub, change.now);
      checkIfMatch(before, change.ifMatch, `Clawback recommendation ${before.id}`);
      const actions: WriteAction[] = [
        ...clawbacks.updateActions(before, clawback, change, input.decision),
        projects.replaceAction(project, after),
      ];
      if (cutFen > 0) {
        actions.push(
          ...budgetAdjustmentActions(
            {
              projectId: project.id,
              clawbackId: before.id,
              reason: input.reason,
              beforeFen: project.budget!.approvedFen,
              cutFen,
              afterFen: after.budget!.approvedFen,
              at: change.now.toISOString(),
              by: change.actor.sub,
            },
            change,
          ),
          // What changed under the year's published bulletin and results (the staleness guard).
          evaluationChangeAction({
            fiscalYear: project.fiscalYear,
            at: change.now.toISOString(),
            kind: 'budget-adjustment',
            projectId: project.id,
            departmentId: project.departmentId,
            detail: `预算调整：项目 ${project.id} 批复预算 ${project.budget!.approvedFen / 100} → ${after.budget!.approvedFen / 100} 元`,
          }),
        );
      }
      await deps.db.write(actions);
      return clawback;
    },
    { what: `Clawback recommendation ${clawbackId}` },
  );
  (deps.metrics ?? noMetrics).count(metricNames.clawbacksDecided, 1);
  return decided;
}
