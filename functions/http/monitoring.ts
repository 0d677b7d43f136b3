import { z } from 'zod';
import { type Actor, assertOwnDepartment } from '../../shared/domain/actor.js';
import { businessDate, yearOf } from '../../shared/domain/calendar.js';
import { Conflict, NotFound, RuleViolation } from '../../shared/domain/errors.js';
import { expenditureInput, expenditureView } from '../../shared/domain/expenditure.js';
import { fenToYuan } from '../../shared/domain/money.js';
import { lights } from '../../shared/domain/monitoring.js';
import { fileReport, monitoringReportInput } from '../../shared/domain/monitoring-report.js';
import { rectificationStatuses } from '../../shared/domain/project.js';
import {
  clawbackRecord,
  clawbackStatuses,
  clawbackView,
  decide,
  decisionInput,
  type Rectification,
  rectificationRecord,
  respond,
  responseInput,
  verificationInput,
  verify,
  withNotice,
} from '../../shared/domain/rectification.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { changeContext, Reply, type Request, route } from '../../shared/http/route.js';
import { fiscalYear, idParams, pageOf, pageQuery } from '../../shared/http/schemas.js';
import { auditAction } from '../../shared/store/audit.js';
import type { Db } from '../../shared/store/db.js';
import { checkIfMatch } from '../../shared/store/entity-store.js';
import { listExpenditures, recordExpenditure } from '../../shared/store/expenditures.js';
import { keys } from '../../shared/store/keys.js';
import {
  clawbacks,
  getSnapshot,
  rectifications,
  snapshotRecord,
  sweepRecord,
} from '../../shared/store/monitoring.js';
import { getOwnProject, projects } from '../../shared/store/projects.js';
import { evaluationChangeAction } from '../../shared/store/self-evaluations.js';
import { runSweepHere } from '../../shared/store/sweep-runner.js';

/** Execution and monitoring: expenditures, monitoring reports, sweeps, lights, rectifications, clawbacks. */
const area = 'monitoring' as const;

const expenditure = z
  .object({ projectId: z.string(), voucherNo: z.string(), date: z.string(), amount: z.number() })
  .meta({ id: 'Expenditure' });

export const routes = [
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/expenditures',
    roles: ['department', 'finance'],
    tags: ['Execution'],
    summary: 'Record an expenditure (idempotent by voucher number)',
    description:
      'The same voucherNo and body again → 200 and nothing new; the same voucherNo with another body → 409. ' +
      'A date outside the fiscal year or after today, or spend above the current budget → 422.',
    params: idParams,
    body: expenditureInput,
    response: expenditure,
    status: 201,
    async handle(req) {
      const project = await getOwnProject(req.deps.db, req.actor, req.params.id);
      const out = await recordExpenditure(req.deps.db, changeContext(req), project.id, req.body, project);
      const body = { ...expenditureView(out.expenditure), cumulativeAmount: fenToYuan(out.project.spentFen) };
      return out.outcome === 'known' ? new Reply(200, body) : body;
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}/expenditures',
    roles: ['department', 'finance'],
    tags: ['Execution'],
    summary: 'A project’s expenditures (by voucher number), with the cumulative amount',
    params: idParams,
    query: pageQuery,
    response: pageOf(expenditure).extend({ cumulativeAmount: z.number() }),
    async handle(req) {
      const project = await getOwnProject(req.deps.db, req.actor, req.params.id);
      const page = await listExpenditures(req.deps.db, project.id, req.query);
      return {
        items: page.items.map(expenditureView),
        nextToken: page.nextToken,
        cumulativeAmount: fenToYuan(project.spentFen),
      };
    },
  }),
];

routes.push(
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/monitoring-reports',
    roles: ['department'],
    tags: ['Monitoring'],
    summary: 'File the monitoring report of a period: progress on every indicator',
    description:
      'Every indicator of the goals answered once (quantitative: actual; qualitative: tier), with the ' +
      'likelihood of meeting the target and, unless certain, the cause of the deviation and the measures. A ' +
      'second report of the same period replaces the first.',
    params: idParams,
    body: monitoringReportInput,
    response: z.looseObject({ projectId: z.string(), period: z.string() }),
    status: 201,
    async handle(req) {
      const before = await getOwnProject(req.deps.db, req.actor, req.params.id);
      const after = fileReport(before, req.body, req.now);
      const at = req.now.toISOString();
      const report = {
        projectId: before.id,
        departmentId: before.departmentId,
        ...req.body,
        filedAt: at,
        filedBy: req.actor.sub,
      };
      await req.deps.db.write([
        {
          kind: 'put',
          item: {
            ...keys.monitoringReport(before.id, req.body.period, at),
            type: 'monitoring-report',
            ...report,
          },
        },
        projects.replaceAction(before, after),
        auditAction({
          ...changeContext(req),
          at,
          entityType: 'project',
          entityId: before.id,
          action: 'file-monitoring-report',
          before: null,
          after: report,
        }),
      ]);
      return report;
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/monitoring/sweeps',
    roles: ['finance'],
    tags: ['Monitoring'],
    summary: 'Run a monitoring sweep as of a day (the scheduled sweep runs the same code daily)',
    description:
      'Scans the executing projects of the fiscal year of `asOf`; a rerun recomputes them all but issues no ' +
      'second notice or recommendation for the same cause. `lights` counts execution lights.',
    body: z.strictObject({ asOf: z.iso.date() }),
    response: sweepRecord,
    async handle(req) {
      const today = businessDate(req.now);
      if (req.body.asOf > today) {
        throw new RuleViolation('A sweep cannot look into the future', [
          { path: 'asOf', message: `must not be after today (${today})` },
        ]);
      }
      return runSweepHere(req.deps.db, { asOf: req.body.asOf, trigger: 'request', ...changeContext(req) });
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/monitoring/sweeps',
    roles: ['finance'],
    tags: ['Monitoring'],
    summary: 'The sweeps run so far, newest first, with their counts',
    query: pageQuery,
    response: pageOf(sweepRecord),
    handle: ({ query, deps }) =>
      deps.db.query({ index: 'gsi1', pk: keys.sweepsPartition, newestFirst: true, ...query }, sweepRecord),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}/monitoring',
    roles: ['finance', 'department'],
    tags: ['Monitoring'],
    summary: 'The result of the most recent sweep for a project: lights, indices, inputs and formula',
    params: idParams,
    response: snapshotRecord,
    async handle(req) {
      const project = await getOwnProject(req.deps.db, req.actor, req.params.id);
      const snapshot = await getSnapshot(req.deps.db, project.id);
      if (!snapshot)
        throw new NotFound(`A monitoring result for project ${project.id} (no sweep has covered it yet)`);
      return snapshot;
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/monitoring/flags',
    roles: ['finance', 'department'],
    tags: ['Monitoring'],
    summary: 'Projects with their lights (a department sees its own)',
    description:
      '`light` filters on the worse of the execution and goal lights (red, yellow, blue, green, none); ' +
      '`fiscalYear` defaults to the current one.',
    query: pageQuery.extend({
      fiscalYear: fiscalYear.optional(),
      light: z.enum(lights).optional(),
      departmentId: z.string().max(32).optional(),
    }),
    response: pageOf(snapshotRecord),
    async handle({ query, actor, deps, now }) {
      const departmentId = actor.role === 'department' ? actor.departmentId! : query.departmentId;
      const year = query.fiscalYear ?? yearOf(businessDate(now));
      const page = { limit: query.limit, nextToken: query.nextToken };
      if (departmentId !== undefined) {
        return deps.db.query(
          {
            index: 'gsi2',
            pk: keys.departmentSnapshots(departmentId, year),
            skBeginsWith: query.light && `${query.light}#`,
            ...page,
          },
          snapshotRecord,
        );
      }
      return deps.db.query(
        {
          index: 'gsi1',
          pk: keys.yearSnapshots(year),
          skBeginsWith: query.light && `${query.light}#`,
          ...page,
        },
        snapshotRecord,
      );
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/rectifications',
    roles: ['finance', 'department'],
    tags: ['Rectification'],
    summary: 'Rectification notices (a department sees its own), by status',
    query: pageQuery.extend({ status: z.enum(rectificationStatuses).optional() }),
    response: pageOf(rectificationRecord),
    handle: ({ query, actor, deps }) => listByStatus(deps.db, actor, 'notices', query, rectificationRecord),
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/rectifications/{id}/response',
    roles: ['department'],
    tags: ['Rectification'],
    summary: 'Answer a notice with causes and measures (an overdue notice can still be answered)',
    params: idParams,
    body: responseInput,
    response: rectificationRecord,
    handle: (req) => changeNotice(req, (r) => respond(r, req.body, req.actor.sub, req.now), 'respond'),
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/rectifications/{id}/verification',
    roles: ['finance'],
    tags: ['Rectification'],
    summary: 'Verify a responded notice: resolved or not_resolved',
    params: idParams,
    body: verificationInput,
    response: rectificationRecord,
    handle: (req) => changeNotice(req, (r) => verify(r, req.body, req.actor.sub, req.now), 'verify'),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/clawbacks',
    roles: ['finance', 'department'],
    tags: ['Clawback'],
    summary: 'Clawback recommendations with their basis (a department sees its own), by status',
    query: pageQuery.extend({ status: z.enum(clawbackStatuses).optional() }),
    response: pageOf(z.looseObject({ id: z.string(), recommendedAmount: z.number() })),
    async handle({ query, actor, deps }) {
      const page = await listByStatus(deps.db, actor, 'clawbacks', query, clawbackRecord);
      return { items: page.items.map(clawbackView), nextToken: page.nextToken };
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/clawbacks/{id}/decision',
    roles: ['finance'],
    tags: ['Clawback'],
    summary: 'Accept (possibly a smaller amount) or reject a recommendation; acceptance lowers the budget',
    params: idParams,
    body: decisionInput,
    response: z.looseObject({ id: z.string(), status: z.enum(clawbackStatuses) }),
    async handle(req) {
      const db = req.deps.db;
      const before = await clawbacks.get(db, req.params.id);
      if (!before) throw new NotFound(`Clawback recommendation ${req.params.id}`);
      const project = await projects.get(db, before.projectId);
      if (!project) throw new NotFound(`Project ${before.projectId}`);
      const { clawback, project: after, cutFen } = decide(before, project, req.body, req.actor.sub, req.now);
      checkIfMatch(before, req.ifMatch, `Clawback recommendation ${before.id}`);
      const ctx = changeContext(req);
      const actions = [
        ...clawbacks.updateActions(before, clawback, ctx, req.body.decision),
        projects.replaceAction(project, after),
      ];
      if (cutFen > 0) {
        const at = req.now.toISOString();
        const adjustment = {
          projectId: project.id,
          clawbackId: before.id,
          reason: req.body.reason,
          beforeFen: project.budget!.approvedFen,
          cutFen,
          afterFen: after.budget!.approvedFen,
          at,
          by: req.actor.sub,
        };
        actions.push(
          {
            kind: 'create',
            item: {
              ...keys.budgetAdjustment(project.id, at, before.id),
              type: 'budget-adjustment',
              ...adjustment,
            },
            conflict: 'The adjustment exists already',
          },
          auditAction({
            ...ctx,
            at,
            entityType: 'project',
            entityId: project.id,
            action: 'budget-adjustment',
            before: { approvedFen: adjustment.beforeFen },
            after: adjustment,
          }),
          // What changed under the year's published bulletin and results (the staleness guard).
          evaluationChangeAction({
            fiscalYear: project.fiscalYear,
            at,
            kind: 'budget-adjustment',
            projectId: project.id,
            departmentId: project.departmentId,
            detail: `预算调整：项目 ${project.id} 批复预算 ${adjustment.beforeFen / 100} → ${adjustment.afterFen / 100} 元`,
          }),
        );
      }
      await db.write(actions);
      return clawbackView(clawback);
    },
  }),
);

async function listByStatus<S extends z.ZodType>(
  db: Db,
  actor: Actor,
  partition: 'notices' | 'clawbacks',
  query: { status?: string; limit?: number; nextToken?: string },
  schema: S,
) {
  const prefix = query.status ? `${query.status}#` : undefined;
  const page = { limit: query.limit, nextToken: query.nextToken, skBeginsWith: prefix };
  if (actor.role === 'department') {
    const own = partition === 'notices' ? keys.departmentNotices : keys.departmentClawbacks;
    return db.query({ index: 'gsi1', pk: own(actor.departmentId!), ...page }, schema);
  }
  return db.query(
    { index: 'gsi2', pk: partition === 'notices' ? keys.allNotices : keys.allClawbacks, ...page },
    schema,
  );
}

/** A notice's change, with the project's summary of it and the audit record, in one transaction. */
async function changeNotice(
  req: Request<{ id: string }>,
  apply: (r: Rectification) => Rectification,
  action: string,
) {
  const db = req.deps.db;
  for (let attempt = 1; ; attempt++) {
    const before = await rectifications.get(db, req.params.id);
    if (!before) throw new NotFound(`Rectification notice ${req.params.id}`);
    assertOwnDepartment(req.actor, before.departmentId, `Rectification notice ${req.params.id}`);
    const after = apply(before);
    checkIfMatch(before, req.ifMatch, `Rectification notice ${before.id}`);
    const project = await projects.get(db, before.projectId);
    if (!project) throw new NotFound(`Project ${before.projectId}`);
    const projectAfter = {
      ...withNotice(project, after),
      version: project.version + 1,
      updatedAt: req.now.toISOString(),
    };
    try {
      await db.write([
        ...rectifications.updateActions(before, after, changeContext(req), action),
        projects.replaceAction(project, projectAfter),
      ]);
      return after;
    } catch (err) {
      // A sweep or an expenditure moved the project meanwhile: read both again.
      if (!(err instanceof Conflict) || attempt >= 3) throw err;
    }
  }
}

export const handler = createApiHandler(routes);
