import * as z from 'zod';
import { dossierPart, projectDossier } from '../../shared/app/dossier.js';
import { approvalUsageActions } from '../../shared/app/indicator-templates.js';
import { changeProject as applyChange } from '../../shared/app/project-change.js';
import { lastYearIndicators } from '../../shared/app/self-evaluation.js';
import { businessDate, yearOf } from '../../shared/domain/calendar.js';
import {
  auditEntrySchema,
  documentSchema,
  dossierSchema,
  lightPointSchema,
} from '../../shared/domain/dossier.js';
import { RuleViolation } from '../../shared/domain/errors.js';
import { goalsInput } from '../../shared/domain/indicators.js';
import {
  approveBudget,
  assess,
  assessmentDimensions,
  assessmentInput,
  budgetInput,
  type Decision,
  goalReviewInput,
  newProject,
  type Project,
  projectInput,
  projectRecord,
  projectView,
  reviewGoals,
  setGoals,
  submit,
} from '../../shared/domain/project.js';
import { type ProjectEvent, projectStatuses } from '../../shared/domain/project-status.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { localeOf } from '../../shared/http/problem-types.js';
import { changeContext, Reply, type Request, route } from '../../shared/http/route.js';
import { amount, fiscalYear, idParams, pageOf, pageQuery, timestamp } from '../../shared/http/schemas.js';
import { currentConfig } from '../../shared/store/config.js';
import type { WriteAction } from '../../shared/store/db.js';
import { getOwnProjectWithSnapshot, snapshotRecord } from '../../shared/store/monitoring.js';
import { getOwnProject, listProjects, newProjectId, projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';

/** Projects: intake, ex-ante assessment, goals and their review, the project library, the budget. */
const area = 'projects' as const;
const tags = ['Projects'];
const stored = projectRecord.shape;
/** The project as `projectView` shows it: the record without its internals, money in yuan. */
const assessmentSchema = stored.assessment
  .unwrap()
  .omit({ recommendedFen: true })
  .extend({
    scores: z.strictObject(
      Object.fromEntries(
        assessmentDimensions.map((d) => [d, z.number().meta({ description: '0–20' })]),
      ) as Record<(typeof assessmentDimensions)[number], z.ZodNumber>,
    ),
    recommendedAmount: amount.optional(),
  });
const projectSchema = projectRecord
  .omit({
    requestedFen: true,
    assessment: true,
    budget: true,
    goalReviews: true,
    spentFen: true,
    spendByDate: true,
    reports: true,
  })
  .extend({
    spentAmount: amount.meta({ description: 'Spend recorded so far (yuan)' }),
    latestReport: stored.reports
      .unwrap()
      .element.optional()
      .meta({ description: 'The latest monitoring report' }),
    requestedAmount: amount,
    goalsApproved: z.boolean(),
    goalReview: stored.goalReviews
      .unwrap()
      .element.optional()
      .meta({ description: 'The latest goal review' }),
    goalReviews: stored.goalReviews.unwrap(),
    assessment: assessmentSchema.optional(),
    budget: z
      .strictObject({
        approvedAmount: amount.meta({ description: 'The current budget, after every adjustment' }),
        initialAmount: amount,
        disbursementPlan: z
          .array(z.number())
          .optional()
          .meta({ description: '12 cumulative monthly shares' }),
        approvedAt: timestamp,
        approvedBy: z.string(),
        configVersion: z.int(),
      })
      .optional(),
    monitoring: snapshotRecord
      .optional()
      .meta({ description: 'GET of one project: the most recent sweep’s result, once one covered it' }),
  })
  .meta({
    id: 'Project',
    description: 'A project with its goals, assessment and budget (money in yuan)',
  });

/** A project's change as this request makes it (shared/app/project-change.ts). */
const changeProject = (
  req: Request<{ id: string }>,
  event: ProjectEvent,
  action: string,
  apply: (p: Project, d: Decision) => Project,
  also?: (before: Project, after: Project) => Promise<WriteAction[]>,
) =>
  applyChange(
    req.deps,
    { ...changeContext(req), ifMatch: req.ifMatch },
    req.params.id,
    event,
    action,
    apply,
    also,
  );

export const routes = [
  route({
    area,
    method: 'POST',
    path: '/v1/projects',
    roles: ['department'],
    tags,
    summary: 'Propose a project or policy for a fiscal year (the department comes from the token)',
    body: projectInput,
    response: projectSchema,
    status: 201,
    async handle(req) {
      const { actor, body, deps } = req;
      const departmentId = actor.departmentId!;
      if (!(await departments.get(deps.db, departmentId))) {
        throw new RuleViolation(`Your department ${departmentId} is not registered with the bureau`, [
          { path: 'departmentId', message: 'ask the bureau to register the department first' },
        ]);
      }
      const config = await currentConfig(deps.db, body.fiscalYear);
      const project = newProject(newProjectId(body.fiscalYear), departmentId, body, {
        by: actor.sub,
        now: req.now,
        config,
      });
      await deps.db.write(projects.createActions(project, changeContext(req)));
      return projectView(project);
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects',
    roles: ['finance', 'department'],
    tags,
    summary: 'List projects (a department sees only its own)',
    description:
      'Filters: fiscalYear, status, departmentId. The bureau listing all departments sees one fiscal year at a ' +
      'time (the current one unless fiscalYear is given).',
    query: pageQuery.extend({
      fiscalYear: fiscalYear.optional(),
      status: z.enum(projectStatuses).optional(),
      departmentId: z.string().max(32).optional(),
    }),
    response: pageOf(projectSchema),
    async handle({ query, actor, deps, now }) {
      const ownOrNamed = actor.role === 'department' || query.departmentId !== undefined;
      const fiscalYear = query.fiscalYear ?? (ownOrNamed ? undefined : yearOf(businessDate(now)));
      if (actor.role === 'department' && query.departmentId && query.departmentId !== actor.departmentId) {
        return { items: [] };
      }
      const page = await listProjects(deps.db, actor, { ...query, fiscalYear });
      return { items: page.items.map(projectView), nextToken: page.nextToken };
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}',
    roles: ['finance', 'department'],
    tags,
    summary: 'One project with its goals, assessment, budget and latest monitoring',
    description:
      '`monitoring` is the result of the most recent sweep that covered the project (absent before one).',
    params: idParams,
    response: projectSchema,
    async handle(req) {
      const { project, snapshot } = await getOwnProjectWithSnapshot(req.deps.db, req.actor, req.params.id);
      return { ...projectView(project), ...(snapshot ? { monitoring: snapshot } : {}) };
    },
  }),
  route({
    area,
    method: 'PUT',
    path: '/v1/projects/{id}/goals',
    roles: ['department'],
    tags,
    summary:
      'Set the overall goal and the indicators (in draft or returned); warnings come back with the 200',
    description:
      'A goal set that is not measurable is refused with 422 and one error per failing indicator ' +
      '(`errors[].path` like `indicators[3].unit`, with the lint rule id and zh-CN/English messages).',
    params: idParams,
    body: goalsInput,
    response: projectSchema,
    async handle(req) {
      // Targets that learn: last year's reviewed actuals of the department's indicators of the same name.
      const own = await getOwnProject(req.deps.db, req.actor, req.params.id);
      const lastYear = await lastYearIndicators(req.deps, own.departmentId, own.fiscalYear);
      return projectView(
        await changeProject(req, 'editGoals', 'set-goals', (p, d) => setGoals(p, req.body, d, lastYear)),
      );
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/submit',
    roles: ['department'],
    tags,
    summary: 'Submit the project with its goals to the bureau (from draft or returned)',
    params: idParams,
    response: projectSchema,
    handle: async (req) => projectView(await changeProject(req, 'submit', 'submit', submit)),
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/ex-ante-assessment',
    roles: ['finance'],
    tags,
    summary: 'Record the ex-ante performance assessment (事前绩效评估) of a project under review',
    description:
      'Five scores of 0–20. Guidance: total ≥ 80 supported, ≥ 60 supported after adjustment, else not supported ' +
      '(as configured); another conclusion needs a reason. not_supported rejects the project.',
    params: idParams,
    body: assessmentInput,
    response: assessmentSchema
      .extend({ projectId: z.string(), projectStatus: z.enum(projectStatuses), project: projectSchema })
      .meta({ description: 'The assessment recorded, with the project after it' }),
    status: 201,
    async handle(req) {
      const after = await changeProject(req, 'assess', 'ex-ante-assessment', (p, d) =>
        assess(p, req.body, d),
      );
      const view = projectView(after);
      if (!view.assessment) throw new Error(`project ${after.id}: assessed without an assessment`);
      return { projectId: after.id, projectStatus: after.status, ...view.assessment, project: view };
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/goal-review',
    roles: ['finance'],
    tags,
    summary: 'Review the goals: excellent/good approve, fair returns to the department, poor rejects',
    params: idParams,
    body: goalReviewInput,
    response: projectSchema,
    handle: async (req) =>
      projectView(
        await changeProject(
          req,
          'reviewGoals',
          'goal-review',
          (p, d) => reviewGoals(p, req.body, d),
          // An approval counts the library templates its goal set uses, in the same transaction.
          (before, after) => approvalUsageActions(req.deps.db, before, after),
        ),
      ),
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/budget',
    roles: ['finance'],
    tags,
    summary: 'Approve the budget of a project in the library → executing',
    description:
      'At most the requested amount (the recommended amount after an adjustment); an optional plan of 12 cumulative monthly shares.',
    params: idParams,
    body: budgetInput,
    response: projectSchema,
    handle: async (req) =>
      projectView(
        await changeProject(req, 'approveBudget', 'approve-budget', (p, d) => approveBudget(p, req.body, d)),
      ),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}/dossier',
    roles: ['finance', 'department'],
    tags,
    summary: 'The whole record of a project (项目绩效全信息): every stage in one reply, oldest first',
    description:
      'The request, the ex-ante assessment, each version of the goals (from the audit trail), the budget and ' +
      'its adjustments, spend by month against the plan or time progress, the latest monitoring snapshot and ' +
      'the lights over time, rectifications, clawbacks, the self-evaluation claimed against reviewed, the ' +
      'third-party evaluations with their reviews, supervision and rating, the result, the documents and ' +
      'the audit trail, and a `timeline` of every stage. The long parts (`audit`, `monitoring.history`, ' +
      '`documents`) hold their first 100 items; a `nextToken` continues at /dossier/audit, /dossier/lights, ' +
      '/dossier/documents. The audit trail merges, oldest first, the trails of the project (and its ' +
      'self-evaluation), of its rectification notices, its clawback recommendations and its third-party ' +
      'evaluations (each record names its `entityType` and `entityId`). A department sees only its own ' +
      'projects (another’s is 404).',
    params: idParams,
    response: dossierSchema,
    handle: (req) => projectDossier(req.deps, { actor: req.actor, now: req.now }, req.params.id),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}/dossier.html',
    roles: ['finance', 'department'],
    tags,
    summary: 'The dossier as a printable page (A4), zh-CN, or English by Accept-Language',
    description:
      'The same record as /dossier, as HTML with inline CSS and the light history as an inline SVG chart; ' +
      'print it from a browser. The long parts show their first 100 items.',
    params: idParams,
    produces: 'text/html',
    async handle(req) {
      const dossier = await projectDossier(req.deps, { actor: req.actor, now: req.now }, req.params.id);
      const department = await departments.get(req.deps.db, dossier.request.departmentId);
      const locale = localeOf(req.headers['accept-language']);
      // The page renderer is loaded by the first page asked for, not at the cold start of every project route.
      const { dossierPageCsp, renderDossierPage } = await import('../../shared/mail/dossier-page.js');
      return new Reply(200, renderDossierPage(dossier, locale, { department: department?.name }), {
        'content-type': 'text/html; charset=utf-8',
        'content-language': locale,
        vary: 'Accept-Language',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': dossierPageCsp,
      });
    },
  }),
  ...(
    [
      [
        'audit',
        auditEntrySchema,
        'The project’s audit trail: the project’s, its self-evaluation’s, its notices’, clawbacks’ and evaluations’ records merged',
      ],
      ['lights', lightPointSchema, 'The project’s light history (one point per swept day)'],
      ['documents', documentSchema, 'The project’s documents with their sha256 and status'],
    ] as const
  ).map(([part, item, what]) =>
    route({
      area,
      method: 'GET',
      path: `/v1/projects/{id}/dossier/${part}`,
      roles: ['finance', 'department'],
      tags,
      summary: `${what}, oldest first: the pages after the dossier’s first`,
      params: idParams,
      query: pageQuery,
      response: pageOf(item),
      handle: (req) => dossierPart(req.deps, { actor: req.actor }, req.params.id, part, req.query),
    }),
  ),
];

export const handler = createApiHandler(routes);
