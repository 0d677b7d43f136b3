import * as z from 'zod';
import { changeNotice, decideClawback, fileMonitoringReport } from '../../shared/app/monitoring-changes.js';
import { requestSweep } from '../../shared/app/sweep.js';
import type { Actor } from '../../shared/domain/actor.js';
import { businessDate, yearOf } from '../../shared/domain/calendar.js';
import { NotFound, RuleViolation } from '../../shared/domain/errors.js';
import { expenditureInput, expenditureView } from '../../shared/domain/expenditure.js';
import { fenToYuan } from '../../shared/domain/money.js';
import { lights } from '../../shared/domain/monitoring.js';
import { monitoringReportInput } from '../../shared/domain/monitoring-report.js';
import { rectificationStatuses } from '../../shared/domain/project.js';
import {
  clawbackRecord,
  clawbackStatuses,
  clawbackView,
  decisionInput,
  rectificationRecord,
  respond,
  responseInput,
  verificationInput,
  verify,
} from '../../shared/domain/rectification.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { changeContext, Reply, type Request, route } from '../../shared/http/route.js';
import { amount, fiscalYear, idParams, pageOf, pageQuery, timestamp } from '../../shared/http/schemas.js';
import { listExpenditures, recordExpenditure } from '../../shared/store/expenditures.js';
import {
  getSnapshot,
  getSweepProgress,
  listByStatus,
  listFlags,
  listSweeps,
  snapshotRecord,
  sweepProgress,
  sweepRecord,
} from '../../shared/store/monitoring.js';
import { getOwnProject } from '../../shared/store/projects.js';

/** Execution and monitoring: expenditures, monitoring reports, sweeps, lights, rectifications, clawbacks. */
const area = 'monitoring' as const;

const expenditure = z
  .strictObject({
    projectId: z.string(),
    voucherNo: z.string(),
    date: z.string().meta({ description: 'YYYY-MM-DD' }),
    amount,
    note: z.string().optional(),
    recordedAt: timestamp,
    recordedBy: z.string().meta({ description: 'The user (token subject) who recorded it' }),
  })
  .meta({ id: 'Expenditure' });
const recordedExpenditure = expenditure
  .extend({ cumulativeAmount: amount.meta({ description: 'The project’s spend with this one (yuan)' }) })
  .meta({ id: 'RecordedExpenditure' });

const monitoringReport = monitoringReportInput
  .extend({ projectId: z.string(), departmentId: z.string(), filedAt: timestamp, filedBy: z.string() })
  .meta({ id: 'MonitoringReport' });

/** A clawback recommendation as `clawbackView` shows it: money in yuan. */
const clawback = clawbackRecord
  .omit({ recommendedFen: true, decision: true })
  .extend({
    recommendedAmount: amount,
    decision: clawbackRecord.shape.decision
      .unwrap()
      .omit({ amountFen: true })
      .extend({ amount: amount.optional().meta({ description: 'The amount clawed back, when accepted' }) })
      .optional(),
  })
  .meta({ id: 'Clawback' });

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
      'A date outside the fiscal year or after today, or spend above the current budget → 422. ' +
      '`cumulativeAmount` is the project’s spend as read for this voucher plus it (vouchers recorded at the ' +
      'same moment may be missing: the list gives the current total).',
    params: idParams,
    body: expenditureInput,
    response: recordedExpenditure,
    status: 201,
    also: { 200: 'The same voucher and body again: the recorded expenditure, nothing new' },
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
    response: pageOf(expenditure).extend({ cumulativeAmount: amount }),
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
    response: monitoringReport,
    status: 201,
    async handle(req) {
      const r = await fileMonitoringReport(req.deps, change(req), req.params.id, req.body);
      return {
        ...req.body,
        projectId: r.projectId,
        departmentId: r.departmentId,
        filedAt: r.filedAt,
        filedBy: r.filedBy,
      };
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
    also: {
      202: {
        description:
          'The sweep runs on (its departments through the sweep queue, like the scheduled ones) and did not ' +
          'finish within 10 seconds: its progress so far; follow it at `Location` ' +
          '(GET /v1/monitoring/sweeps/{sweepId}).',
        schema: sweepProgress,
        headers: { Location: { description: 'The sweep to follow', schema: { type: 'string' } } },
      },
    },
    async handle(req) {
      const today = businessDate(req.now);
      if (req.body.asOf > today) {
        throw new RuleViolation('A sweep cannot look into the future', [
          { path: 'asOf', message: `must not be after today (${today})` },
        ]);
      }
      const { summary, finished } = await requestSweep(req.deps, {
        asOf: req.body.asOf,
        actor: req.actor,
        now: req.now,
      });
      if (finished) return summary;
      const progress = await getSweepProgress(req.deps.db, summary.sweepId);
      return new Reply(202, progress, { location: `/v1/monitoring/sweeps/${summary.sweepId}` });
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/monitoring/sweeps/{sweepId}',
    roles: ['finance'],
    tags: ['Monitoring'],
    summary: 'One sweep as a job: its counts so far and where each department stands',
    description:
      'Each department is `done` (with what its work counted), `pending` (not reported yet) or `failed` ' +
      '(its work failed; the next sweep run completes it). `complete` once every department is counted.',
    params: z.strictObject({ sweepId: z.string().min(1).max(64) }),
    response: sweepProgress,
    async handle(req) {
      const progress = await getSweepProgress(req.deps.db, req.params.sweepId);
      if (!progress) throw new NotFound(`Sweep ${req.params.sweepId}`);
      return progress;
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
    handle: ({ query, deps }) => listSweeps(deps.db, query),
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
      return listFlags(deps.db, { departmentId, fiscalYear: year, light: query.light }, page);
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
    handle: ({ query, actor, deps }) =>
      listByStatus(deps.db, 'notices', ownScope(actor, query), query, rectificationRecord),
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
    handle: (req) =>
      changeNotice(
        req.deps,
        change(req),
        req.params.id,
        (r) => respond(r, req.body, req.actor.sub, req.now),
        'respond',
      ),
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
    handle: (req) =>
      changeNotice(
        req.deps,
        change(req),
        req.params.id,
        (r) => verify(r, req.body, req.actor.sub, req.now),
        'verify',
      ),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/clawbacks',
    roles: ['finance', 'department'],
    tags: ['Clawback'],
    summary: 'Clawback recommendations with their basis (a department sees its own), by status',
    query: pageQuery.extend({ status: z.enum(clawbackStatuses).optional() }),
    response: pageOf(clawback),
    async handle({ query, actor, deps }) {
      const page = await listByStatus(deps.db, 'clawbacks', ownScope(actor, query), query, clawbackRecord);
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
    response: clawback,
    handle: async (req) => clawbackView(await decideClawback(req.deps, change(req), req.params.id, req.body)),
  }),
);

/** A department sees its own; the bureau everyone's. */
const ownScope = (actor: Actor, query: { status?: string }) => ({
  departmentId: actor.role === 'department' ? actor.departmentId! : undefined,
  status: query.status,
});

/** The change a request makes: who, when, and the version its If-Match names. */
const change = (req: Request) => ({ ...changeContext(req), ifMatch: req.ifMatch });

export const handler = createApiHandler(routes);
