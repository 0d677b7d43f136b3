import * as z from 'zod';
import {
  addSupervision,
  commission,
  type EvaluationDeps,
  eligibleAgencies,
  projectEvidence,
  rate,
  requestUploadLink,
  reviewPlan,
  reviewReport,
  scorecard,
  submitReport,
} from '../../shared/app/evaluations.js';
import { apiBaseUrl } from '../../shared/docs/uploads.js';
import { documentStatuses } from '../../shared/domain/document.js';
import { NotFound } from '../../shared/domain/errors.js';
import {
  evaluationRecord,
  evaluationStatuses,
  grades,
  ratingItems,
  reviewDecisions,
  uploadKinds,
} from '../../shared/domain/evaluation.js';
import { statedPoints } from '../../shared/domain/numbers.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { changeContext, type Request, route } from '../../shared/http/route.js';
import { idParams, pageOf, pageQuery, uploadSize } from '../../shared/http/schemas.js';
import {
  agencyRatings,
  getOwnEvaluation,
  listEvaluations,
  listSupervision,
  ratingRecord,
  supervisionRecord,
} from '../../shared/store/evaluations.js';
import { getOwnProject } from '../../shared/store/projects.js';
import { agencies } from '../../shared/store/reference.js';

/**
 * Third-party evaluation (第三方评价) and "two reviews, one supervision" (两审一督导): commissioning, the
 * evaluators' upload links, the plan and report reviews, supervision records, the agencies' ratings and
 * scorecards, the eligible agencies of a project and the evidence behind its points (shared/app/evaluations.ts).
 */
const area = 'evaluations' as const;
const tags = ['Third-party evaluation'];

/** The use cases' dependencies: the table, and SES for the "due" mails (skipped when no sender is set). */
function deps(req: Request): EvaluationDeps {
  const from = process.env.SES_FROM;
  return { db: req.deps.db, mailer: from ? req.deps.mailer : undefined, from, logger: req.deps.logger };
}

const uploadLinkReply = z.object({
  documentId: z.string(),
  url: z.string().meta({ description: 'POST the file here as multipart/form-data: the fields, then `file`' }),
  fields: z.record(z.string(), z.string()),
  expiresAt: z.string(),
  pageUrl: z.string().meta({ description: 'An upload page for a browser (no token needed)' }),
});

const decisionBody = z.strictObject({
  decision: z.enum(reviewDecisions),
  comments: z.string().trim().max(4000).optional(),
});

const docId = z.string().min(1).max(64);

const scorecardView = z
  .object({
    agencyId: z.string(),
    evaluations: z.int(),
    open: z.int(),
    ratings: z.object({ count: z.int(), average: z.number().nullable() }),
    timeliness: z.object({
      approvedReports: z.int(),
      averageDays: z.number().nullable(),
      minDays: z.number().nullable(),
      maxDays: z.number().nullable(),
    }),
    returns: z.object({
      plans: z.int(),
      reports: z.int(),
      planReturnRate: z.number().nullable(),
      reportReturnRate: z.number().nullable(),
    }),
    selfEvaluationGap: z.object({
      comparedProjects: z.int(),
      meanSignedGap: z.number().nullable(),
      meanAbsoluteGap: z.number().nullable(),
      note: z.string().optional(),
    }),
  })
  .meta({ id: 'AgencyScorecard' });

const evidenceDocument = z.object({
  documentId: z.string(),
  fileName: z.string().optional(),
  contentType: z.string().optional(),
  size: z.int().optional(),
  sha256: z.string().optional(),
  status: z.enum([...documentStatuses, 'missing']),
});
const thirdPartyEvidence = z.object({
  evaluationId: z.string(),
  agencyId: z.string(),
  evaluationStatus: z.enum(evaluationStatuses),
  finding: z.string(),
  documents: z.array(evidenceDocument),
});

export const routes = [
  route({
    area,
    method: 'POST',
    path: '/v1/evaluations',
    roles: ['finance'],
    tags,
    summary: 'Commission a third-party agency to evaluate a project (委托第三方评价)',
    description:
      'The agency must have no declared conflict with the project’s department (else 409), the project must be ' +
      'executing and have no open evaluation (else 409); an unknown project or agency → 422. The agency’s ' +
      'contacts are mailed that the plan is due and how to request upload links.',
    body: z.strictObject({ projectId: z.string().min(1).max(64), agencyId: z.string().min(1).max(64) }),
    response: evaluationRecord,
    status: 201,
    handle: (req) => commission(deps(req), changeContext(req), req.body, apiBaseUrl(req.headers)),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/evaluations',
    roles: ['finance', 'evaluator'],
    tags,
    summary: 'List evaluations (an evaluator sees only its agency’s)',
    description:
      'The bureau’s list is by project; `agencyId` narrows it to one agency, `projectId` to one project. ' +
      'An evaluator’s list is its own agency’s, by commissioning time.',
    query: pageQuery.extend({
      projectId: z.string().min(1).max(64).optional(),
      agencyId: z.string().min(1).max(64).optional(),
    }),
    response: pageOf(evaluationRecord),
    handle: (req) => listEvaluations(req.deps.db, req.actor, req.query),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/evaluations/{id}',
    roles: ['finance', 'evaluator'],
    tags,
    summary: 'One evaluation (another agency’s → 404)',
    params: idParams,
    response: evaluationRecord,
    handle: (req) => getOwnEvaluation(req.deps.db, req.actor, req.params.id),
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/evaluations/{id}/upload-links',
    roles: ['finance', 'evaluator'],
    tags,
    summary: 'An upload link for the evaluation’s plan, report or evidence',
    description:
      'A presigned POST for exactly this file (its key, the declared size and content type; 15 minutes) and ' +
      'an upload page for a browser. `plan` while the plan is due (plan_pending); `report` and `evidence` ' +
      'once the plan is approved (else 409). PDF, DOCX, XLSX, JPEG or PNG of at most 50 MiB (else 422). ' +
      'When a plan arrives and is received, the evaluation becomes plan_submitted.',
    params: idParams,
    body: z.strictObject({
      kind: z.enum(uploadKinds),
      fileName: z.string().trim().min(1).max(255),
      contentType: z.string().min(1).max(255),
      size: uploadSize,
    }),
    response: uploadLinkReply,
    status: 201,
    async handle(req) {
      const e = await getOwnEvaluation(req.deps.db, req.actor, req.params.id);
      return requestUploadLink(deps(req), changeContext(req), e, req.body, apiBaseUrl(req.headers));
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/evaluations/{id}/plan-review',
    roles: ['finance'],
    tags,
    summary: 'Review 1 (审方案): approve the plan or return it (If-Match: the version)',
    description:
      'Only in plan_submitted (else 409). Approve → plan_approved (the agency is mailed that the report is ' +
      'due); return → plan_pending (a new plan is due).',
    params: idParams,
    body: decisionBody,
    response: evaluationRecord,
    async handle(req) {
      const e = await getOwnEvaluation(req.deps.db, req.actor, req.params.id);
      return reviewPlan(deps(req), changeContext(req), e, req.body, {
        ifMatch: req.ifMatch,
        baseUrl: apiBaseUrl(req.headers),
      });
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/evaluations/{id}/report',
    roles: ['evaluator'],
    tags,
    summary: 'Submit the evaluation report: its document, score, grade and findings with evidence',
    description:
      'Only in plan_approved (else 409). The grade must be the score’s band (excellent ≥ 90, good 80–89.99, ' +
      'fair 60–79.99, poor < 60 by default); `documentId` a received `report` document of this evaluation; ' +
      'every finding backed by received documents of this evaluation or its project; `indicator`, when given, ' +
      'names one of the project’s indicators — else 422 with an error per field.',
    params: idParams,
    body: z.strictObject({
      documentId: docId,
      score: statedPoints(),
      grade: z.enum(grades),
      findings: z
        .array(
          z.strictObject({
            text: z.string().trim().min(1).max(4000),
            evidenceDocumentIds: z.array(docId).max(20),
            indicator: z.string().trim().min(1).max(100).optional().meta({
              description: 'The project indicator the finding is about (GET /v1/projects/{id}/evidence)',
            }),
          }),
        )
        .max(100),
    }),
    response: evaluationRecord,
    status: 201,
    async handle(req) {
      const e = await getOwnEvaluation(req.deps.db, req.actor, req.params.id);
      return submitReport(deps(req), changeContext(req), e, req.body, { ifMatch: req.ifMatch });
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/evaluations/{id}/report-review',
    roles: ['finance'],
    tags,
    summary: 'Review 2 (审报告): approve the report or return it (If-Match: the version)',
    description:
      'Only in report_submitted (else 409). Approve → report_approved, and the report’s grade becomes the ' +
      'project’s third-party grade in the results; return → plan_approved (the agency submits a new report).',
    params: idParams,
    body: decisionBody,
    response: evaluationRecord,
    async handle(req) {
      const e = await getOwnEvaluation(req.deps.db, req.actor, req.params.id);
      return reviewReport(deps(req), changeContext(req), e, req.body, {
        ifMatch: req.ifMatch,
        baseUrl: apiBaseUrl(req.headers),
      });
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/evaluations/{id}/supervision-records',
    roles: ['finance'],
    tags,
    summary: 'Record a supervision check (督导): date, what was checked, findings',
    description: 'At any time after commissioning; dated between the commissioning day and today (else 422).',
    params: idParams,
    body: z.strictObject({
      date: z.iso.date(),
      checked: z.string().trim().min(1).max(4000),
      findings: z.string().trim().min(1).max(4000),
    }),
    response: supervisionRecord,
    status: 201,
    async handle(req) {
      const e = await getOwnEvaluation(req.deps.db, req.actor, req.params.id);
      return addSupervision(deps(req), changeContext(req), e, req.body);
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/evaluations/{id}/supervision-records',
    roles: ['finance'],
    tags,
    summary: 'The supervision records of an evaluation, by date',
    params: idParams,
    query: pageQuery,
    response: pageOf(supervisionRecord),
    async handle(req) {
      const e = await getOwnEvaluation(req.deps.db, req.actor, req.params.id);
      return listSupervision(req.deps.db, e.id, req.query);
    },
  }),
  route({
    area,
    method: 'POST',
    path: '/v1/agencies/{id}/ratings',
    roles: ['finance'],
    tags,
    summary: 'Rate the agency’s work on one evaluation (工作质量考核); closes the evaluation',
    description:
      'Points by default: expertise 15, stability 15 (before fieldwork), diligence 20 (during), accuracy 25, ' +
      'conclusions 25 (after); 100 in all. One rating per evaluation, once its report is approved (else 409); ' +
      'a score outside its bounds → 422.',
    params: idParams,
    body: z.strictObject({
      evaluationId: z.string().min(1).max(64),
      scores: z.strictObject(
        Object.fromEntries(ratingItems.map((i) => [i, statedPoints()])) as Record<
          (typeof ratingItems)[number],
          ReturnType<typeof statedPoints>
        >,
      ),
      comments: z.string().trim().max(4000).optional(),
    }),
    response: ratingRecord,
    status: 201,
    handle: (req) => rate(deps(req), changeContext(req), req.params.id, req.body),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/agencies/{id}/ratings',
    roles: ['finance'],
    tags,
    summary: 'The ratings of an agency',
    params: idParams,
    response: z.object({ items: z.array(ratingRecord) }),
    async handle(req) {
      if (!(await agencies.get(req.deps.db, req.params.id))) throw new NotFound(`Agency ${req.params.id}`);
      return { items: await agencyRatings(req.deps.db, req.params.id) };
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/agencies/{id}/scorecard',
    roles: ['finance'],
    tags,
    summary:
      'An agency’s scorecard: ratings, timeliness, returns, and its distance from the bureau’s reviews',
    description:
      'Average rating; days from commissioning to the approved report; plans and reports returned (and per ' +
      'review); the mean gap between its approved scores and the bureau’s reviewed self-evaluation totals of ' +
      'the same projects (`note` says when that data is not available).',
    params: idParams,
    response: scorecardView,
    handle: (req) => scorecard(req.deps.db, req.params.id),
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}/eligible-agencies',
    roles: ['finance'],
    tags,
    summary: 'The agencies that may evaluate a project, best first, with their workload and scorecard',
    description:
      'Agencies with a declared conflict with the project’s department are left out (listed in `excluded`). ' +
      'Ranked by average rating (unrated last), then open workload, then id. With `pick=1`, a repeatable random ' +
      'pick among the `top` candidates (default 3) by `seed` (sha256 of the seed, modulo the candidates; a seed ' +
      'is made when none is given), recorded with its seed in the project’s audit trail.',
    params: idParams,
    query: z.strictObject({
      pick: z.enum(['0', '1']).optional(),
      seed: z.string().min(1).max(200).optional(),
      top: z.coerce.number().int().min(1).max(20).default(3),
    }),
    response: z.object({
      projectId: z.string(),
      items: z.array(
        z.object({
          agencyId: z.string(),
          name: z.string(),
          openWorkload: z.int(),
          averageRating: z.number().nullable(),
          evaluatingThisProject: z.boolean(),
          scorecard: scorecardView,
        }),
      ),
      excluded: z.array(z.object({ agencyId: z.string(), reason: z.string() })),
      pick: z
        .object({
          seed: z.string(),
          top: z.int(),
          candidates: z.array(z.string()),
          index: z.int(),
          agencyId: z.string(),
        })
        .optional(),
    }),
    async handle(req) {
      const project = await getOwnProject(req.deps.db, req.actor, req.params.id);
      return eligibleAgencies(req.deps.db, changeContext(req), project, {
        pick: req.query.pick === '1',
        seed: req.query.seed,
        top: req.query.top,
      });
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/projects/{id}/evidence',
    roles: ['finance', 'department'],
    tags,
    summary: 'The evidence behind a project’s points: per indicator, the documents and their sha256',
    description:
      'From the third-party reports’ findings (each may name an indicator); `unsupported` lists the ' +
      'indicators without a received document from either source. `selfEvaluation` holds the documents the ' +
      'self-evaluation claimed for the indicator (null when the project has none). A department sees its own ' +
      'projects only.',
    params: idParams,
    response: z.object({
      projectId: z.string(),
      reports: z.array(
        z.object({
          evaluationId: z.string(),
          agencyId: z.string(),
          evaluationStatus: z.enum(evaluationStatuses),
          score: z.number(),
          grade: z.enum(grades),
          document: evidenceDocument,
        }),
      ),
      indicators: z.array(
        z.object({
          name: z.string(),
          level1: z.string(),
          level2: z.string(),
          thirdParty: z.array(thirdPartyEvidence),
          selfEvaluation: z
            .object({ documents: z.array(evidenceDocument) })
            .nullable()
            .meta({
              description: 'The self-evaluation’s evidence of this indicator; null without a self-evaluation',
            }),
          supported: z.boolean(),
        }),
      ),
      general: z.array(thirdPartyEvidence),
      unsupported: z.array(z.string()),
      sources: z.object({ thirdParty: z.boolean(), selfEvaluation: z.boolean() }),
    }),
    async handle(req) {
      const project = await getOwnProject(req.deps.db, req.actor, req.params.id);
      return projectEvidence(req.deps.db, project);
    },
  }),
];

export const handler = createApiHandler(routes);
