import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import { rankCandidates, type Scorecard, scorecardOf, seededIndex } from '../domain/agency-scorecard.js';
import { businessDate } from '../domain/calendar.js';
import { type DocumentRecord, documentRecord } from '../domain/document.js';
import { Conflict, type FieldError, NotFound, RuleViolation } from '../domain/errors.js';
import {
  assertAllowed,
  assertUploadAllowed,
  checkRating,
  checkScoreAndGrade,
  checkSupervisionDate,
  type Evaluation,
  type Finding,
  type Grade,
  isOpen,
  type RatingScores,
  type ReviewDecision,
  ratingTotal,
  transition,
  type UploadKind,
} from '../domain/evaluation.js';
import type { Project } from '../domain/project.js';
import type { Agency } from '../domain/reference.js';
import { type DeliveryLogger, deliver } from '../mail/delivery.js';
import type { Mailer } from '../mail/ses.js';
import { auditAction } from '../store/audit.js';
import { currentConfig } from '../store/config.js';
import type { Db, WriteAction } from '../store/db.js';
import { type ChangeContext, checkIfMatch } from '../store/entity-store.js';
import {
  agencyEvaluations,
  agencyRatings,
  claimOpenEvaluationAction,
  createRatingAction,
  evaluations,
  newEvaluationId,
  newSupervisionRecord,
  projectEvaluations,
  type RatingRecord,
  releaseOpenEvaluationAction,
  type SupervisionRecord,
  selfEvaluationsOf,
  supervisionItem,
  thirdPartyGradeAction,
} from '../store/evaluations.js';
import { keys } from '../store/keys.js';
import { DynamoMailLog } from '../store/mail-log.js';
import { projects } from '../store/projects.js';
import { agencies } from '../store/reference.js';
import { evaluationChangeAction } from '../store/self-evaluations.js';
import { retryOnConcurrentChange } from './retry.js';
import { newUploadDocument, type UploadLinkReply, uploadLinkOf } from './uploads.js';

/**
 * Third-party evaluation (domain.md §4) as use cases: commissioning, upload links, the plan's arrival, the two
 * reviews, the report, supervision, the agency's rating, its scorecard, the eligible agencies of a project and
 * the evidence behind a project's points. Each takes its dependencies first; every state change is written
 * with its audit record in one transaction, on the version it was read at.
 */
export interface EvaluationDeps {
  db: Db;
  /** When absent (or without a sender), the "due" mails are skipped and logged. */
  mailer?: Mailer;
  from?: string;
  logger?: DeliveryLogger;
}

async function mustExist<T>(found: Promise<T | undefined>, what: string): Promise<T> {
  const value = await found;
  if (value === undefined) throw new NotFound(what);
  return value;
}

// Commissioning ---------------------------------------------------------------------------------------------

export async function commission(
  deps: EvaluationDeps,
  ctx: ChangeContext,
  body: { projectId: string; agencyId: string },
  baseUrl: string,
): Promise<Evaluation> {
  const [project, agency] = await Promise.all([
    projects.get(deps.db, body.projectId),
    agencies.get(deps.db, body.agencyId),
  ]);
  const missing: FieldError[] = [];
  if (!project) missing.push({ path: 'projectId', message: `no project ${body.projectId}（项目不存在）` });
  if (!agency) missing.push({ path: 'agencyId', message: `no agency ${body.agencyId}（机构不存在）` });
  if (!project || !agency) throw new RuleViolation('The project or the agency does not exist', missing);
  if (agency.conflictDepartmentIds.includes(project.departmentId)) {
    throw new Conflict(
      `Agency ${agency.id} has a declared conflict with department ${project.departmentId} and may not evaluate ` +
        `its projects（该机构与项目所属部门 ${project.departmentId} 存在利益冲突，不得承担评价）`,
    );
  }
  if (project.status !== 'executing') {
    throw new Conflict(
      `Only a budgeted (executing) project can be evaluated; project ${project.id} is ${project.status}` +
        '（仅已批复预算的项目可以委托评价）',
    );
  }
  const open = (await projectEvaluations(deps.db, project.id)).find((e) => e.status !== 'closed');
  if (open) {
    throw new Conflict(
      `Project ${project.id} already has an open third-party evaluation (${open.id}, ${open.status})` +
        '（该项目已有进行中的第三方评价）',
    );
  }
  const at = ctx.now.toISOString();
  const evaluation: Evaluation = {
    id: newEvaluationId(),
    version: 1,
    projectId: project.id,
    departmentId: project.departmentId,
    agencyId: agency.id,
    fiscalYear: project.fiscalYear,
    status: 'plan_pending',
    commissionedAt: at,
    commissionedOn: businessDate(ctx.now),
    commissionedBy: ctx.actor.sub,
    returnedReports: [],
    reviews: [],
    planReturns: 0,
    reportReturns: 0,
    createdAt: at,
    updatedAt: at,
  };
  await deps.db.write([
    ...evaluations.createActions(evaluation, ctx, 'commission'),
    claimOpenEvaluationAction(project.id, evaluation.id),
  ]);
  await notifyDue(deps, evaluation, 'plan', { project, agency, baseUrl, now: ctx.now });
  return evaluation;
}

/**
 * Mails the agency's contacts that its plan (or report) is due and how to request upload links; once per
 * occasion (the first plan, each plan after a return, the report after the plan's approval or a return).
 * A mail that cannot be sent never undoes the change that made it due: it is logged, and its record says so.
 */
export async function notifyDue(
  deps: EvaluationDeps,
  e: Evaluation,
  due: 'plan' | 'report',
  opts: { project?: Project; agency?: Agency; baseUrl: string; now: Date },
): Promise<void> {
  if (!deps.mailer || !deps.from) {
    deps.logger?.warn('evaluation due mail skipped: no mailer', { evaluationId: e.id, due });
    return;
  }
  const [project, agency] = await Promise.all([
    opts.project ?? projects.get(deps.db, e.projectId),
    opts.agency ?? agencies.get(deps.db, e.agencyId),
  ]);
  if (!project || !agency) return;
  const occasion = due === 'plan' ? e.planReturns : e.reportReturns;
  // The renderers are loaded by the first due mail a process sends, not at the start of every evaluation route.
  const [{ message }, { renderEvaluationDue }] = await Promise.all([
    import('../mail/compose.js'),
    import('../mail/evaluation-due.js'),
  ]);
  const mail = renderEvaluationDue({
    due,
    evaluationId: e.id,
    projectId: project.id,
    projectName: project.name,
    agencyName: agency.name,
    apiBaseUrl: opts.baseUrl,
    generatedAt: opts.now,
  });
  const from = deps.from;
  await deliver(
    [
      {
        draft: {
          scope: keys.evaluationMailScope(e.id),
          key: `${due}-due#${occasion}`,
          kind: due === 'plan' ? 'plan-due' : 'report-due',
          to: agency.contactEmails,
          subject: mail.subject,
          context: { evaluationId: e.id, agencyId: agency.id, projectId: project.id },
        },
        build: async () =>
          message(mail, agency.contactEmails, from, opts.now, undefined, {
            'X-Evaluation-Id': e.id,
          }),
      },
    ],
    { log: new DynamoMailLog(deps.db), mailer: deps.mailer, from, now: () => opts.now, logger: deps.logger },
  );
}

// Upload links and the plan's arrival -----------------------------------------------------------------------

export async function requestUploadLink(
  deps: EvaluationDeps,
  ctx: ChangeContext,
  e: Evaluation,
  body: { kind: UploadKind; fileName: string; contentType: string; size: number },
  baseUrl: string,
): Promise<UploadLinkReply> {
  assertUploadAllowed(e, body.kind);
  const { document, actions } = newUploadDocument(
    {
      purpose: 'document',
      kind: body.kind,
      fileName: body.fileName,
      contentType: body.contentType,
      size: body.size,
      projectId: e.projectId,
      evaluationId: e.id,
      // The agency's document, whoever asked for the link: its evaluators and the bureau read it.
      owner: { ownerType: 'agency', agencyId: e.agencyId },
    },
    ctx,
  );
  await deps.db.write([
    ...actions,
    {
      kind: 'check',
      key: keys.evaluation(e.id),
      expression: 'version = :v',
      values: { ':v': e.version },
      conflict: `Evaluation ${e.id} changed meanwhile; ask for the link again`,
    },
  ]);
  return uploadLinkOf(document, { baseUrl });
}

export const arrivalActor: Actor = { sub: 'system:upload-arrived', role: 'finance' };

/**
 * After an upload was judged: a received plan moves its evaluation from plan_pending to plan_submitted
 * (audited). Idempotent: a redelivered event finds the plan recorded and changes nothing; a plan that arrives
 * when no plan is due (another one came first, or the evaluation moved on) is left as a document only.
 */
export async function planArrived(
  deps: { db: Db; now: () => Date },
  document: DocumentRecord,
  requestId?: string,
): Promise<{ outcome: 'not-a-plan' | 'submitted' | 'unchanged' | 'not-due'; evaluation?: Evaluation }> {
  if (document.kind !== 'plan' || !document.evaluationId || document.status !== 'received') {
    return { outcome: 'not-a-plan' };
  }
  const evaluationId = document.evaluationId;
  return retryOnConcurrentChange(
    async () => {
      const e = await evaluations.get(deps.db, evaluationId);
      if (!e) return { outcome: 'not-due' as const };
      if (e.planDocumentId === document.id) return { outcome: 'unchanged' as const, evaluation: e };
      if (e.status !== 'plan_pending') return { outcome: 'not-due' as const, evaluation: e };
      const now = deps.now();
      const after = transition(e, { type: 'plan_received', documentId: document.id }, now, arrivalActor.sub);
      await deps.db.write(
        evaluations.updateActions(e, after, { actor: arrivalActor, now, requestId }, 'plan-received'),
      );
      return { outcome: 'submitted' as const, evaluation: after };
    },
    { what: `Evaluation ${evaluationId}` },
  );
}

// The reviews and the report ----------------------------------------------------------------------------------

/**
 * Decides on `e` as the handler read it (its owner checked); when the write finds that it changed meanwhile
 * (another clerk's review won the race), reads it again and decides again — so the loser of a race hears
 * what the state is now (a 409 state conflict), not only that something moved.
 */
function onFreshRead<T>(db: Db, e: Evaluation, attempt: (current: Evaluation) => Promise<T>): Promise<T> {
  return retryOnConcurrentChange(
    async (n) => attempt(n === 1 ? e : await mustExist(evaluations.get(db, e.id), `Evaluation ${e.id}`)),
    { what: `Evaluation ${e.id}` },
  );
}

export async function reviewPlan(
  deps: EvaluationDeps,
  ctx: ChangeContext,
  e: Evaluation,
  body: { decision: ReviewDecision; comments?: string },
  opts: { ifMatch?: number; baseUrl: string },
): Promise<Evaluation> {
  const after = await onFreshRead(deps.db, e, async (current) => {
    assertAllowed(current, 'plan_review');
    checkIfMatch(current, opts.ifMatch, `Evaluation ${current.id}`);
    const next = transition(current, { type: 'plan_review', ...body }, ctx.now, ctx.actor.sub);
    await deps.db.write(evaluations.updateActions(current, next, ctx, `plan-${body.decision}`));
    return next;
  });
  await notifyDue(deps, after, body.decision === 'approve' ? 'report' : 'plan', {
    baseUrl: opts.baseUrl,
    now: ctx.now,
  });
  return after;
}

const MAX_REFERENCED_DOCUMENTS = 90;

export function submitReport(
  deps: EvaluationDeps,
  ctx: ChangeContext,
  e: Evaluation,
  body: { documentId: string; score: number; grade: Grade; findings: Finding[] },
  opts: { ifMatch?: number },
): Promise<Evaluation> {
  return onFreshRead(deps.db, e, (current) => submitReportOnce(deps, ctx, current, body, opts));
}

async function submitReportOnce(
  deps: EvaluationDeps,
  ctx: ChangeContext,
  e: Evaluation,
  body: { documentId: string; score: number; grade: Grade; findings: Finding[] },
  opts: { ifMatch?: number },
): Promise<Evaluation> {
  assertAllowed(e, 'report_submitted');
  checkIfMatch(e, opts.ifMatch, `Evaluation ${e.id}`);
  const [config, project] = await Promise.all([
    currentConfig(deps.db, e.fiscalYear),
    projects.get(deps.db, e.projectId),
  ]);
  const errors: FieldError[] = [...checkScoreAndGrade(body.score, body.grade, config.grades)];
  const ids = [...new Set([body.documentId, ...body.findings.flatMap((f) => f.evidenceDocumentIds)])];
  if (ids.length > MAX_REFERENCED_DOCUMENTS) {
    errors.push({ path: 'findings', message: `at most ${MAX_REFERENCED_DOCUMENTS} documents in all` });
    throw new RuleViolation('The report cannot be accepted', errors);
  }
  const docs = new Map(
    (await deps.db.batchGet(ids.map(keys.document), documentRecord)).flatMap((d) => (d ? [[d.id, d]] : [])),
  );
  const report = docs.get(body.documentId);
  if (!report || report.evaluationId !== e.id || report.kind !== 'report' || report.status !== 'received') {
    errors.push({
      path: 'documentId',
      message: `${body.documentId} is not a received report document of this evaluation（不是本评价已接收的报告文件）`,
    });
  }
  const indicatorNames = new Set((project?.goals?.indicators ?? []).map((i) => i.name));
  body.findings.forEach((f, i) => {
    if (!f.evidenceDocumentIds.length) {
      errors.push({
        path: `findings[${i}].evidenceDocumentIds`,
        message: 'every finding must be backed by at least one document（每条评价发现须有证据文件）',
      });
    }
    f.evidenceDocumentIds.forEach((id, j) => {
      const d = docs.get(id);
      const ours = d && (d.evaluationId === e.id || d.projectId === e.projectId);
      if (!d || !ours || d.status !== 'received') {
        errors.push({
          path: `findings[${i}].evidenceDocumentIds[${j}]`,
          message: `${id} is not a received document of this evaluation or its project（不是本评价或本项目已接收的文件）`,
        });
      }
    });
    if (f.indicator !== undefined && !indicatorNames.has(f.indicator)) {
      errors.push({
        path: `findings[${i}].indicator`,
        message: `the project has no indicator named ${f.indicator}（项目没有此指标）`,
      });
    }
  });
  if (errors.length) throw new RuleViolation('The report cannot be accepted', errors);
  const after = transition(
    e,
    {
      type: 'report_submitted',
      report: { ...body, configVersion: config.version },
    },
    ctx.now,
    ctx.actor.sub,
  );
  // The documents must still be the ones checked (not replaced and rejected meanwhile).
  const unchanged: WriteAction[] = [...docs.values()].map((d) => ({
    kind: 'check',
    key: keys.document(d.id),
    expression: 'version = :v',
    values: { ':v': d.version },
    conflict: `Document ${d.id} changed meanwhile; check it and submit again`,
  }));
  await deps.db.write([...evaluations.updateActions(e, after, ctx, 'report-submit'), ...unchanged]);
  return after;
}

export async function reviewReport(
  deps: EvaluationDeps,
  ctx: ChangeContext,
  e: Evaluation,
  body: { decision: ReviewDecision; comments?: string },
  opts: { ifMatch?: number; baseUrl: string },
): Promise<Evaluation> {
  const after = await onFreshRead(deps.db, e, async (current) => {
    assertAllowed(current, 'report_review');
    checkIfMatch(current, opts.ifMatch, `Evaluation ${current.id}`);
    const next = transition(current, { type: 'report_review', ...body }, ctx.now, ctx.actor.sub);
    const actions = evaluations.updateActions(current, next, ctx, `report-${body.decision}`);
    // An approved report's grade becomes the project's third-party grade (the results read it).
    if (body.decision === 'approve') {
      actions.push(
        thirdPartyGradeAction(next),
        // What changed under the year's published bulletin and results (the staleness guard).
        evaluationChangeAction({
          fiscalYear: next.fiscalYear,
          at: ctx.now.toISOString(),
          kind: 'third-party-approval',
          projectId: next.projectId,
          departmentId: next.departmentId,
          detail: `第三方评价：项目 ${next.projectId} 评价报告通过，等级 ${next.report!.grade}（${next.report!.score} 分）`,
        }),
      );
    }
    await deps.db.write(actions);
    return next;
  });
  if (body.decision === 'return')
    await notifyDue(deps, after, 'report', { baseUrl: opts.baseUrl, now: ctx.now });
  return after;
}

// Supervision and rating -------------------------------------------------------------------------------------

export async function addSupervision(
  deps: EvaluationDeps,
  ctx: ChangeContext,
  e: Evaluation,
  body: { date: string; checked: string; findings: string },
): Promise<SupervisionRecord> {
  const errors = checkSupervisionDate(body.date, e.commissionedOn, businessDate(ctx.now));
  if (errors.length) throw new RuleViolation('The supervision date is outside the evaluation', errors);
  const record = newSupervisionRecord(e.id, body, ctx);
  await deps.db.write([
    { kind: 'put', item: supervisionItem(record) },
    auditAction({
      actor: ctx.actor,
      at: ctx.now.toISOString(),
      requestId: ctx.requestId,
      entityType: 'evaluation',
      entityId: e.id,
      action: 'supervise',
      before: null,
      after: record,
    }),
  ]);
  return record;
}

export async function rate(
  deps: EvaluationDeps,
  ctx: ChangeContext,
  agencyId: string,
  body: { evaluationId: string; scores: RatingScores; comments?: string },
): Promise<RatingRecord> {
  await mustExist(agencies.get(deps.db, agencyId), `Agency ${agencyId}`);
  const e = await evaluations.get(deps.db, body.evaluationId);
  if (!e || e.agencyId !== agencyId)
    throw new NotFound(`Evaluation ${body.evaluationId} of agency ${agencyId}`);
  if (e.status === 'closed') {
    throw new Conflict(
      `Evaluation ${e.id} is rated already (one rating per evaluation)（每项评价只能考核一次）`,
    );
  }
  assertAllowed(e, 'rated');
  const config = await currentConfig(deps.db, e.fiscalYear);
  const errors = checkRating(body.scores, config.agencyRating);
  if (errors.length) throw new RuleViolation('The rating is out of bounds', errors);
  const { total, parts } = ratingTotal(body.scores);
  const rating: RatingRecord = {
    id: `RATING-${e.id}`,
    agencyId,
    evaluationId: e.id,
    projectId: e.projectId,
    scores: body.scores,
    total,
    parts,
    comments: body.comments,
    configVersion: config.version,
    ratedAt: ctx.now.toISOString(),
    ratedBy: ctx.actor.sub,
  };
  const after = transition(e, { type: 'rated', total }, ctx.now, ctx.actor.sub);
  await deps.db.write([
    createRatingAction(rating),
    ...evaluations.updateActions(e, after, ctx, 'rate'),
    releaseOpenEvaluationAction(e.projectId, e.id),
    auditAction({
      actor: ctx.actor,
      at: ctx.now.toISOString(),
      requestId: ctx.requestId,
      entityType: 'agency',
      entityId: agencyId,
      action: 'rate',
      before: null,
      after: rating,
    }),
  ]);
  return rating;
}

// Scorecards, eligible agencies, evidence --------------------------------------------------------------------

const NO_COMPARISON_NOTE =
  'No project with an approved report of this agency has a reviewed self-evaluation yet（尚无可比对的复核自评）';

/** The bureau's reviewed self-evaluation totals (points) of the projects that have one. */
export type SelfEvaluationTotals = (db: Db, projectIds: string[]) => Promise<Map<string, number>>;
export const reviewedSelfEvaluationTotals: SelfEvaluationTotals = async (db, projectIds) => {
  const facts = await selfEvaluationsOf(db, projectIds);
  return new Map(
    [...facts.values()].flatMap((f) =>
      f.status === 'reviewed' && f.reviewed ? [[f.projectId, f.reviewed.total / 100] as const] : [],
    ),
  );
};

export async function scorecard(
  db: Db,
  agencyId: string,
  selfTotals: SelfEvaluationTotals = reviewedSelfEvaluationTotals,
): Promise<Scorecard> {
  await mustExist(agencies.get(db, agencyId), `Agency ${agencyId}`);
  const [evals, ratings] = await Promise.all([agencyEvaluations(db, agencyId), agencyRatings(db, agencyId)]);
  return scorecardWith(db, agencyId, evals, ratings, selfTotals);
}

async function scorecardWith(
  db: Db,
  agencyId: string,
  evals: Evaluation[],
  ratings: RatingRecord[],
  selfTotals: SelfEvaluationTotals = reviewedSelfEvaluationTotals,
): Promise<Scorecard> {
  // Only approved reports are compared: read the self-evaluations of those projects.
  const approved = [...new Set(evals.filter((e) => e.reportApprovedAt).map((e) => e.projectId))];
  const self = await selfTotals(db, approved);
  const none = [...approved].every((id) => !self.has(id));
  return scorecardOf(agencyId, evals, ratings, self, none ? NO_COMPARISON_NOTE : undefined);
}

export interface EligibleAgency {
  agencyId: string;
  name: string;
  openWorkload: number;
  averageRating: number | null;
  /** It has an open evaluation of this project already: listed, but not a candidate. */
  evaluatingThisProject: boolean;
  scorecard: Scorecard;
}

export async function eligibleAgencies(
  db: Db,
  ctx: ChangeContext,
  project: Project,
  opts: { pick: boolean; seed?: string; top: number },
): Promise<{
  projectId: string;
  items: EligibleAgency[];
  excluded: { agencyId: string; reason: string }[];
  pick?: { seed: string; top: number; candidates: string[]; index: number; agencyId: string };
}> {
  const all = await agencies.all(db);
  const excluded = all
    .filter((a) => a.conflictDepartmentIds.includes(project.departmentId))
    .map((a) => ({ agencyId: a.id, reason: `declared conflict with department ${project.departmentId}` }));
  const eligible = all.filter((a) => !a.conflictDepartmentIds.includes(project.departmentId));
  const items = rankCandidates(
    await Promise.all(
      eligible.map(async (a): Promise<EligibleAgency> => {
        const [evals, ratings] = await Promise.all([agencyEvaluations(db, a.id), agencyRatings(db, a.id)]);
        const card = await scorecardWith(db, a.id, evals, ratings);
        return {
          agencyId: a.id,
          name: a.name,
          openWorkload: evals.filter((e) => isOpen(e.status)).length,
          averageRating: card.ratings.average,
          evaluatingThisProject: evals.some((e) => e.projectId === project.id && e.status !== 'closed'),
          scorecard: card,
        };
      }),
    ),
  );
  if (!opts.pick) return { projectId: project.id, items, excluded };
  const candidates = items
    .filter((i) => !i.evaluatingThisProject)
    .slice(0, opts.top)
    .map((i) => i.agencyId);
  if (!candidates.length) {
    throw new Conflict(`No agency may evaluate project ${project.id}（没有可委托的机构）`);
  }
  const seed = opts.seed ?? randomUUID();
  const index = seededIndex(seed, candidates.length);
  const pick = { seed, top: opts.top, candidates, index, agencyId: candidates[index]! };
  await db.write([
    auditAction({
      actor: ctx.actor,
      at: ctx.now.toISOString(),
      requestId: ctx.requestId,
      entityType: 'project',
      entityId: project.id,
      action: 'pick-agency',
      before: null,
      after: pick,
    }),
  ]);
  return { projectId: project.id, items, excluded, pick };
}

export interface EvidenceDocument {
  documentId: string;
  fileName?: string;
  contentType?: string;
  size?: number;
  sha256?: string;
  status: DocumentRecord['status'] | 'missing';
}

export interface ThirdPartyEvidence {
  evaluationId: string;
  agencyId: string;
  evaluationStatus: Evaluation['status'];
  finding: string;
  documents: EvidenceDocument[];
}

/**
 * The documents behind a project's points, per indicator: from the third-party report findings (each finding
 * names its indicator); the self-evaluation's evidence is another source of the same shape (`selfEvaluation`),
 * filled in by the self-evaluation (issue 9). An indicator with no document from any source is unsupported.
 */
export async function projectEvidence(db: Db, project: Project) {
  const [all, selves] = await Promise.all([
    projectEvaluations(db, project.id),
    selfEvaluationsOf(db, [project.id]),
  ]);
  const evals = all.filter((e) => e.report);
  const self = selves.get(project.id);
  const ids = [
    ...new Set([
      ...evals.flatMap((e) => [
        e.report!.documentId,
        ...e.report!.findings.flatMap((f) => f.evidenceDocumentIds),
      ]),
      ...(self?.claimed.indicators.flatMap((i) => i.evidenceDocumentIds) ?? []),
    ]),
  ];
  const found = ids.length ? await db.batchGet(ids.map(keys.document), documentRecord) : [];
  const byId = new Map(found.flatMap((d) => (d ? [[d.id, d]] : [])));
  const docOf = (id: string): EvidenceDocument => {
    const d = byId.get(id);
    if (!d) return { documentId: id, status: 'missing' };
    return {
      documentId: d.id,
      fileName: d.fileName,
      contentType: d.contentType,
      size: d.actualSize ?? d.size,
      sha256: d.sha256,
      status: d.status,
    };
  };
  const findings = evals.flatMap((e) =>
    e.report!.findings.map((f) => ({
      indicator: f.indicator,
      evidence: {
        evaluationId: e.id,
        agencyId: e.agencyId,
        evaluationStatus: e.status,
        finding: f.text,
        documents: f.evidenceDocumentIds.map(docOf),
      } satisfies ThirdPartyEvidence,
    })),
  );
  const indicators = (project.goals?.indicators ?? []).map((i) => {
    const thirdParty = findings.filter((f) => f.indicator === i.name).map((f) => f.evidence);
    const claimed = self?.claimed.indicators.find((c) => c.name === i.name);
    const selfEvaluation = self ? { documents: (claimed?.evidenceDocumentIds ?? []).map(docOf) } : null;
    const supported =
      thirdParty.some((t) => t.documents.some((d) => d.status === 'received')) ||
      Boolean(selfEvaluation?.documents.some((d) => d.status === 'received'));
    return { name: i.name, level1: i.level1, level2: i.level2, thirdParty, selfEvaluation, supported };
  });
  return {
    projectId: project.id,
    reports: evals.map((e) => ({
      evaluationId: e.id,
      agencyId: e.agencyId,
      evaluationStatus: e.status,
      score: e.report!.score,
      grade: e.report!.grade,
      document: docOf(e.report!.documentId),
    })),
    indicators,
    /** Findings that name no indicator of the project: evidence of the report as a whole. */
    general: findings.filter((f) => f.indicator === undefined).map((f) => f.evidence),
    unsupported: indicators.filter((i) => !i.supported).map((i) => i.name),
    /** Which sources exist for this project: approved or submitted third-party reports, a self-evaluation. */
    sources: { thirdParty: evals.length > 0, selfEvaluation: self !== undefined },
  };
}
