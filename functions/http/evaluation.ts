import * as z from 'zod';
import { bulletinRecord, getBulletin, publishBulletin } from '../../shared/app/bulletin.js';
import { resultsPage, yearRanking } from '../../shared/app/results.js';
import {
  getSelfEvaluation,
  reviewSelfEvaluation,
  submitSelfEvaluation,
} from '../../shared/app/self-evaluation.js';
import { openUpload } from '../../shared/app/uploads.js';
import { apiBaseUrl } from '../../shared/docs/uploads.js';
import { Conflict } from '../../shared/domain/errors.js';
import { level1Codes, tiers } from '../../shared/domain/indicators.js';
import { recommendations } from '../../shared/domain/ranking.js';
import {
  grades,
  reviewInput,
  selfEvaluationInput,
  selfEvaluationView,
} from '../../shared/domain/self-evaluation.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { changeContext, Reply, route } from '../../shared/http/route.js';
import {
  amount,
  deliveryReport,
  fiscalYear,
  fiscalYearInBody,
  idParams,
  pageOf,
  pageQuery,
  timestamp,
  uploadSize,
} from '../../shared/http/schemas.js';
import type { DeliveryReport } from '../../shared/mail/delivery.js';
import { getOwnProject } from '../../shared/store/projects.js';

/**
 * Evaluation and results (api-contract.md): the department's self-evaluation and its evidence uploads, the
 * bureau's review, the ranking of departments, the published bulletin, the results for next year's budget.
 */
const area = 'evaluation' as const;
const tags = ['Evaluation'];

const indicatorScore = z.strictObject({
  name: z.string(),
  level1: z.enum(level1Codes),
  operator: z.string(),
  target: z.union([z.number(), z.string()]).optional(),
  unit: z.string().optional(),
  actual: z.number().optional(),
  tier: z.enum(tiers).optional(),
  score: z.number().meta({ description: 'Points' }),
  weight: z.number(),
  supported: z.boolean().meta({ description: 'False for a score without evidence' }),
  evidenceDocumentIds: z.array(z.string()),
  rule: z.string().meta({ description: 'How the score came about, for people' }),
});
const sheet = {
  executionScore: z.number().meta({ description: 'Points' }),
  executionWeight: z.number(),
  indicatorScores: z.array(indicatorScore),
  total: z.number().meta({ description: 'Points' }),
  grade: z.enum(grades),
};
export const selfEvaluationSchema = z
  .strictObject({
    projectId: z.string(),
    departmentId: z.string(),
    fiscalYear: z.int(),
    status: z.enum(['submitted', 'reviewed']),
    summary: z.string(),
    spentAmount: amount,
    approvedAmount: amount,
    configVersion: z.int(),
    submittedAt: timestamp,
    submissions: z.int().meta({ description: 'How many times it was submitted (replaced)' }),
    version: z.int(),
    ...sheet,
    claimed: z.strictObject(sheet).meta({ description: 'The department’s own figures' }),
    review: z
      .strictObject({
        adjustments: z.array(
          z.strictObject({ name: z.string(), claimed: z.number(), score: z.number(), reason: z.string() }),
        ),
        comments: z.string().optional(),
        reviewedAt: timestamp,
        reviewedBy: z.string(),
        configVersion: z.int(),
      })
      .optional()
      .meta({ description: 'Once reviewed' }),
  })
  .meta({
    id: 'SelfEvaluation',
    description:
      'The top-level figures are the reviewed ones once reviewed; `claimed` keeps the department’s',
  });

const rankingRow = z.strictObject({
  rank: z.int(),
  departmentId: z.string(),
  averageScore: z.number(),
  projects: z.int(),
});
const inflationRow = z.strictObject({
  departmentId: z.string(),
  averageGap: z.number(),
  thirdPartyGap: z.number().nullable(),
  thirdPartyProjects: z.int(),
  flagged: z.boolean(),
  threshold: z.number(),
  departmentName: z.string().optional(),
});
const bulletinSchema = bulletinRecord
  .omit({ id: true, ranking: true, results: true })
  .extend({
    items: bulletinRecord.shape.ranking.meta({ description: 'The ranking, highest first' }),
    stale: z.boolean(),
    changes: z.array(
      z.strictObject({
        at: z.string().optional(),
        kind: z.string(),
        projectId: z.string().optional(),
        detail: z.string(),
      }),
    ),
    mail: deliveryReport.optional().meta({ description: 'POST: the delivery of its mails' }),
    created: z.boolean().optional().meta({ description: 'POST: whether a new publication was made' }),
  })
  .meta({ id: 'Bulletin' });

type BulletinOut = Awaited<ReturnType<typeof getBulletin>>;
const bulletinView = (
  { bulletin: b, stale, changes }: BulletinOut,
  extra: { mail?: DeliveryReport; created?: boolean } = {},
) => {
  const { ranking, results: _results, id: _id, ...rest } = b;
  return { ...rest, items: ranking, stale, changes, ...extra };
};

export const routes = [
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/self-evaluation',
    roles: ['department'],
    tags,
    summary:
      'Submit (or replace, until the bureau has reviewed it) the self-evaluation of a project (绩效自评)',
    description:
      'After the fiscal year has ended and only for a budgeted project (else 409). Every indicator of the goals ' +
      'answered: quantitative with `actual`, qualitative with `tier` and `score` inside the tier’s band (else 422). ' +
      'Evidence must be received documents of the project; a score without evidence is `supported: false`. ' +
      'The first submission answers 201, a replacement 200; once it is in, no more spend can be recorded.',
    params: idParams,
    body: selfEvaluationInput,
    response: selfEvaluationSchema,
    status: 201,
    also: { 200: 'A replacement of the self-evaluation submitted before' },
    async handle(req) {
      const out = await submitSelfEvaluation(req.deps, changeContext(req), req.params.id, req.body);
      const view = selfEvaluationView(out.evaluation);
      return out.created ? view : new Reply(200, view);
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}/self-evaluation',
    roles: ['finance', 'department'],
    tags,
    summary: 'The self-evaluation: the claimed figures and, once reviewed, the reviewed ones',
    params: idParams,
    response: selfEvaluationSchema,
    handle: async (req) =>
      selfEvaluationView(await getSelfEvaluation(req.deps, { actor: req.actor }, req.params.id)),
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/self-evaluation/review',
    roles: ['finance'],
    tags,
    summary:
      'Review a self-evaluation once (综合考核): correct any score within [0, its weight], with a reason',
    description:
      '`name` is an indicator’s name or `execution`. A qualitative score may leave its claimed tier’s band. ' +
      'Claimed and reviewed figures are both kept; a second review → 409; no self-evaluation yet → 409.',
    params: idParams,
    body: reviewInput,
    response: selfEvaluationSchema,
    handle: async (req) =>
      selfEvaluationView(await reviewSelfEvaluation(req.deps, changeContext(req), req.params.id, req.body)),
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/projects/{id}/upload-links',
    roles: ['finance', 'department'],
    tags,
    summary: 'An upload link for evidence of a self-evaluation (a presigned POST and an upload page)',
    description:
      'PDF, DOCX, XLSX, JPEG or PNG of at most 50 MiB (else 422). The document belongs to the project and its ' +
      'department; once received it can be named in `evidenceDocumentIds`. A project never budgeted → 409.',
    params: idParams,
    body: z.strictObject({
      kind: z.literal('evidence'),
      fileName: z.string().trim().min(1).max(255),
      contentType: z.string().max(255),
      size: uploadSize,
    }),
    response: z.object({
      documentId: z.string(),
      url: z.string(),
      fields: z.record(z.string(), z.string()),
      expiresAt: z.string(),
      pageUrl: z.string(),
    }),
    status: 201,
    async handle(req) {
      const project = await getOwnProject(req.deps.db, req.actor, req.params.id);
      if (!project.budget) {
        throw new Conflict(`Project ${project.id} was never budgeted: it has nothing to give evidence for`);
      }
      return openUpload(
        req.deps,
        changeContext(req),
        {
          purpose: 'document',
          kind: req.body.kind,
          fileName: req.body.fileName,
          contentType: req.body.contentType,
          size: req.body.size,
          projectId: project.id,
          owner: { ownerType: 'department', departmentId: project.departmentId },
        },
        apiBaseUrl(req.headers),
      );
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/rankings',
    roles: ['finance', 'department'],
    tags,
    summary: 'The ranking of departments by the average reviewed self-evaluation total, highest first',
    description:
      'Averages rounded half up to two decimals; ties on the rounded average → more projects first → department ' +
      'id ascending; ranks 1, 2, 3… with no gaps; a department with no reviewed project is not ranked. ' +
      '`inflation` is the score-inflation signal (claimed − reviewed, and − third-party, per department; flagged ' +
      'above the configured gap). `whatIf=true` (bureau only) adds the ranking under each alternative weighting ' +
      'of the configuration, with how far each department moves. A department sees only its own row and signal.',
    query: z.strictObject({
      fiscalYear,
      whatIf: z
        .enum(['true', 'false'])
        .optional()
        .meta({ description: 'Add the alternative weightings (bureau)' }),
    }),
    response: z
      .strictObject({
        fiscalYear: z.int(),
        configVersion: z.int(),
        items: z.array(rankingRow),
        inflation: z.array(inflationRow),
        whatIf: z
          .array(
            z.strictObject({
              name: z.string(),
              weights: z.strictObject({
                execution: z.number(),
                output: z.number(),
                benefit: z.number(),
                satisfaction: z.number(),
              }),
              items: z.array(
                rankingRow.extend({
                  baselineRank: z.int(),
                  moved: z.int().meta({ description: 'Places climbed (> 0) or fallen (< 0)' }),
                }),
              ),
            }),
          )
          .optional()
          .meta({ description: '`whatIf=true` (bureau): the ranking under each alternative weighting' }),
      })
      .meta({ id: 'Ranking' }),
    async handle({ query, actor, deps }) {
      const whatIf = query.whatIf === 'true' && actor.role === 'finance';
      const r = await yearRanking(deps, query.fiscalYear, { whatIf });
      const own = (d: { departmentId: string }) =>
        actor.role !== 'department' || d.departmentId === actor.departmentId;
      return {
        fiscalYear: r.fiscalYear,
        configVersion: r.configVersion,
        items: r.items.filter(own),
        inflation: r.inflation.filter(own),
        ...(r.whatIf ? { whatIf: r.whatIf } : {}),
      };
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/bulletins',
    roles: ['finance'],
    tags,
    summary:
      'Publish the year’s ranking (通报): stored as an HTML page and an .xlsx, mailed to every department and the bureau',
    description:
      'With the commended departments (a project whose final grade is excellent) and the criticised ones (a ' +
      'poor one), the score-inflation signal, and the year’s public disclosure package (CSV, JSON and ' +
      'datapackage.json under `public-data/performance/<year>/`). Each mail goes once per publication. Publishing ' +
      'again while nothing under the bulletin changed answers 200 with it (and completes any delivery left); ' +
      'once it is stale, the next publication is made (201). No reviewed self-evaluation → 409.',
    body: z.strictObject({ fiscalYear: fiscalYearInBody }),
    response: bulletinSchema,
    status: 201,
    also: { 200: 'Nothing under the bulletin changed: the published one' },
    async handle(req) {
      const out = await publishBulletin(
        {
          db: req.deps.db,
          publisher: req.deps.publisher,
          mailer: req.deps.mailer,
          from: req.deps.mailFrom(),
          logger: req.deps.logger,
        },
        changeContext(req),
        req.body.fiscalYear,
      );
      const view = bulletinView(
        { bulletin: out.bulletin, stale: false, changes: [] },
        { mail: out.delivery, created: out.created },
      );
      return out.created ? view : new Reply(200, view);
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/bulletins/{fiscalYear}',
    roles: ['finance', 'department'],
    tags,
    summary: 'The published bulletin of a year, and whether anything under it has changed since (stale)',
    description:
      '`stale` is true once a review, a budget adjustment or a third-party approval changed what the bulletin ' +
      'stood on; `changes` says what. No bulletin yet → 404.',
    params: z.strictObject({ fiscalYear }),
    response: bulletinSchema,
    handle: async (req) => bulletinView(await getBulletin(req.deps.db, req.params.fiscalYear)),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/results',
    roles: ['finance', 'department'],
    tags,
    summary: 'Per project: the final grade and next year’s budget recommendation, with its basis (结果应用)',
    description:
      'The final grade is the approved third-party grade where one exists, else the reviewed self-evaluation’s; ' +
      'excellent → priority, good → maintain (the current approved budget), fair → cut (floor(budget × (1 − ' +
      'cutShare)) in whole yuan), poor → cancel (0). A project with no final grade yet has no row. Paged over ' +
      'the year’s projects: a page may hold fewer rows than `limit`. A department sees only its own.',
    query: pageQuery.extend({ fiscalYear, departmentId: z.string().max(32).optional() }),
    response: pageOf(
      z
        .strictObject({
          projectId: z.string(),
          projectName: z.string(),
          departmentId: z.string(),
          fiscalYear: z.int(),
          grade: z.enum(grades),
          recommendation: z.enum(recommendations),
          recommendedAmount: amount,
          approvedAmount: amount,
          basis: z.strictObject({
            evaluation: z.strictObject({
              source: z.enum(['third-party', 'self-evaluation']),
              id: z.string(),
              score: z.number(),
              configVersion: z.int(),
            }),
            grade: z.enum(grades),
            rule: z.string(),
            cutShare: z.number(),
            approvedAmount: amount,
            configVersion: z.int(),
          }),
        })
        .meta({ id: 'Result' }),
    ),
    async handle({ query, actor, deps }) {
      if (actor.role === 'department' && query.departmentId && query.departmentId !== actor.departmentId) {
        return { items: [] };
      }
      const page = await resultsPage(deps, actor, query);
      return { items: page.items.map(({ goals: _g, ...r }) => r), nextToken: page.nextToken };
    },
  }),
];

export const handler = createApiHandler(routes);
