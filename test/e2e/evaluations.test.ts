// Third-party evaluation end to end (issue 10), against the system global-setup.ts started: commissioning
// (conflicts refused), the evaluators' upload links and real uploads to the local S3 (the object-created event
// judges each file), the two reviews, the report's checks, supervision, ratings, the TPGRADE item, the mails to
// the agency, the scorecard, eligible agencies and the evidence view — and another agency sees nothing.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  api,
  createDepartment,
  expectProblem,
  financeToken,
  runtime,
  token,
  uniqueId,
} from './support.js';
import { SYSTEM_TODAY } from './today.js';

const YEAR = Number(SYSTEM_TODAY.slice(0, 4));
// biome-ignore lint/suspicious/noExplicitAny: API bodies; the assertions check them
type Json = any;

let finance: string;
let goalSet: Json[];

function ok(res: ApiResponse, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  return res.json;
}

beforeAll(async () => {
  finance = await financeToken();
  goalSet = ok(await api('/v1/indicator-templates?category=education', { token: finance })).goalSet
    .indicators;
});

async function executingProject(departmentId: string) {
  const bearer = await token({ role: 'department', departmentId });
  const p = ok(
    await api('/v1/projects', {
      token: bearer,
      body: {
        fiscalYear: YEAR,
        name: '智慧校园建设',
        kind: 'project',
        isNew: true,
        requestedAmount: 800_000,
        category: 'education',
      },
    }),
    201,
  );
  ok(
    await api(`/v1/projects/${p.id}/goals`, {
      method: 'PUT',
      token: bearer,
      body: { overallGoal: '建成智慧校园', indicators: goalSet },
    }),
  );
  ok(await api(`/v1/projects/${p.id}/submit`, { method: 'POST', token: bearer }));
  ok(await api(`/v1/projects/${p.id}/goal-review`, { token: finance, body: { grade: 'excellent' } }));
  expect(
    ok(await api(`/v1/projects/${p.id}/budget`, { token: finance, body: { approvedAmount: 800_000 } }))
      .status,
  ).toBe('executing');
  return { id: p.id as string, bearer };
}

async function newAgency(conflictDepartmentIds: string[] = []) {
  const id = uniqueId('A');
  const email = `${id.toLowerCase()}@agency.example.cn`;
  ok(
    await api('/v1/agencies', {
      token: finance,
      body: { id, name: `评价机构 ${id}`, contactEmails: [email], conflictDepartmentIds },
    }),
    201,
  );
  return { id, email, bearer: await token({ role: 'evaluator', agencyId: id }) };
}

/** A small but real PDF (magic bytes `%PDF-`, an `%%EOF` trailer). */
function pdfBytes(text: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

interface Link {
  documentId: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
  pageUrl: string;
}

const link = (evaluationId: string, bearer: string, kind: string, bytes: Buffer, fileName = `${kind}.pdf`) =>
  api(`/v1/evaluations/${evaluationId}/upload-links`, {
    token: bearer,
    body: { kind, fileName, contentType: 'application/pdf', size: bytes.length },
  });

/** The multipart POST a browser's form sends, straight to the bucket. */
async function upload(l: Link, bytes: Buffer, type = 'application/pdf') {
  const form = new FormData();
  for (const [k, v] of Object.entries(l.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), 'file');
  const res = await fetch(l.url, { method: 'POST', body: form, redirect: 'manual' });
  await res.arrayBuffer();
  expect(res.status).toBeLessThan(400);
}

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const documentOf = (id: string, bearer = finance) =>
  api(`/v1/documents/${id}`, { token: bearer }).then((r) => ok(r));
const judged = (id: string) =>
  waitFor(
    `document ${id}`,
    () => documentOf(id),
    (d) => d.status !== 'pending',
  );
const evaluationOf = (id: string, bearer = finance) =>
  api(`/v1/evaluations/${id}`, { token: bearer }).then((r) => ok(r));

/** Uploads a received document of `kind` and returns its record. */
async function received(evaluationId: string, bearer: string, kind: string, text: string) {
  const bytes = pdfBytes(text);
  const l: Link = ok(await link(evaluationId, bearer, kind, bytes), 201);
  await upload(l, bytes);
  const doc = await judged(l.documentId);
  expect(doc.status, doc.reason).toBe('received');
  return doc;
}

interface StoredMail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}
async function mailsTo(address: string): Promise<StoredMail[]> {
  const res = await fetch(`${runtime().mail}/store`);
  const { emails } = (await res.json()) as { emails: StoredMail[] };
  return emails.filter((m) => m.destination.to.some((t) => t.includes(address)));
}

function table() {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: runtime().dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
  return (key: { pk: string; sk: string }) =>
    client.send(new GetCommand({ TableName: 'budget-performance', Key: key })).then((o) => o.Item);
}

const full = { expertise: 15, stability: 14, diligence: 18, accuracy: 22.5, conclusions: 20 };

describe('commissioning', () => {
  it('an agency with a declared conflict with the project’s department is refused (409) and not eligible', async () => {
    const dept = await createDepartment(uniqueId('DE'));
    const project = await executingProject(dept.id);
    const conflicted = await newAgency([dept.id]);
    const free = await newAgency();
    const res = await api('/v1/evaluations', {
      token: finance,
      body: { projectId: project.id, agencyId: conflicted.id },
    });
    expect(expectProblem(res, 409).detail).toMatch(/conflict/);
    const eligible = ok(await api(`/v1/projects/${project.id}/eligible-agencies?top=20`, { token: finance }));
    const ids = eligible.items.map((i: Json) => i.agencyId);
    expect(ids).toContain(free.id);
    expect(ids).not.toContain(conflicted.id);
    expect(eligible.excluded).toContainEqual({
      agencyId: conflicted.id,
      reason: expect.stringContaining(dept.id),
    });
    // unknown project or agency: 422 naming the field; an evaluator or a department may not commission: 403
    const unknown = expectProblem(
      await api('/v1/evaluations', { token: finance, body: { projectId: 'P2026-NONE', agencyId: free.id } }),
      422,
    );
    expect(unknown.errors?.map((e) => e.path)).toEqual(['projectId']);
    expectProblem(
      await api('/v1/evaluations', {
        token: free.bearer,
        body: { projectId: project.id, agencyId: free.id },
      }),
      403,
    );
    expectProblem(
      await api('/v1/evaluations', {
        token: finance,
        body: { projectId: project.id, agencyId: free.id, extra: 1 },
      }),
      400,
    );
  });

  it('a seeded pick among the top candidates is repeatable and recorded with its seed in the audit', async () => {
    const dept = await createDepartment(uniqueId('DS'));
    const project = await executingProject(dept.id);
    await newAgency();
    await newAgency();
    const url = `/v1/projects/${project.id}/eligible-agencies?pick=1&seed=lot-2026&top=2`;
    const a = ok(await api(url, { token: finance }));
    const b = ok(await api(url, { token: finance }));
    expect(a.pick).toMatchObject({
      seed: 'lot-2026',
      top: 2,
      candidates: a.items.slice(0, 2).map((i: Json) => i.agencyId),
    });
    expect(b.pick).toEqual(a.pick);
    expect(a.pick.candidates).toContain(a.pick.agencyId);
    const audit = ok(await api(`/v1/audit?entityId=${project.id}&entityType=project`, { token: finance }));
    const picks = audit.items.filter((r: Json) => r.action === 'pick-agency');
    expect(picks).toHaveLength(2);
    expect(picks[0].after).toEqual(a.pick);
  });
});

describe('an evaluation from commissioning to the rating', () => {
  let dept: { id: string };
  let project: { id: string; bearer: string };
  let agency: Awaited<ReturnType<typeof newAgency>>;
  let other: Awaited<ReturnType<typeof newAgency>>;
  let evaluationId: string;

  beforeAll(async () => {
    dept = await createDepartment(uniqueId('DL'));
    project = await executingProject(dept.id);
    agency = await newAgency();
    other = await newAgency();
  });

  it('walks both reviews, refuses what the state or the rules do not allow, and closes with the rating', async () => {
    const created = ok(
      await api('/v1/evaluations', { token: finance, body: { projectId: project.id, agencyId: agency.id } }),
      201,
    );
    evaluationId = created.id;
    expect(created).toMatchObject({
      status: 'plan_pending',
      version: 1,
      commissionedOn: SYSTEM_TODAY,
      agencyId: agency.id,
      departmentId: dept.id,
    });
    // one open evaluation per project
    expectProblem(
      await api('/v1/evaluations', { token: finance, body: { projectId: project.id, agencyId: other.id } }),
      409,
    );

    // the plan is due: the agency's contact is told how to request upload links
    const planMail = await waitFor(
      'plan mail',
      () => mailsTo(agency.email),
      (m) => m.length > 0,
    );
    expect(planMail[0]!.subject).toMatch(/评价方案.*Please upload the evaluation plan/);
    expect(planMail[0]!.body.text).toContain(`/v1/evaluations/${evaluationId}/upload-links`);

    // a report before the plan is approved: neither a link nor the report itself (409)
    expectProblem(await link(evaluationId, agency.bearer, 'report', pdfBytes('early')), 409);
    expectProblem(await link(evaluationId, agency.bearer, 'evidence', pdfBytes('early')), 409);
    expectProblem(
      await api(`/v1/evaluations/${evaluationId}/report`, {
        token: agency.bearer,
        body: { documentId: 'DOC-X', score: 85, grade: 'good', findings: [] },
      }),
      409,
    );
    expectProblem(
      await api(`/v1/evaluations/${evaluationId}/plan-review`, {
        token: finance,
        body: { decision: 'approve' },
      }),
      409,
    );

    // the plan arrives (the storage event judges it): plan_submitted
    const plan1 = await received(evaluationId, agency.bearer, 'plan', 'plan one');
    const submitted = await waitFor(
      'plan_submitted',
      () => evaluationOf(evaluationId),
      (e) => e.status === 'plan_submitted',
    );
    expect(submitted.planDocumentId).toBe(plan1.id);
    expectProblem(await link(evaluationId, agency.bearer, 'plan', pdfBytes('second')), 409);

    // returned, a new plan, approved (If-Match must be the current version)
    const returned = ok(
      await api(`/v1/evaluations/${evaluationId}/plan-review`, {
        token: finance,
        body: { decision: 'return', comments: '抽样方案不足' },
      }),
    );
    expect(returned).toMatchObject({ status: 'plan_pending', planReturns: 1 });
    const plan2 = await received(evaluationId, agency.bearer, 'plan', 'plan two');
    const again = await waitFor(
      'plan_submitted again',
      () => evaluationOf(evaluationId),
      (e) => e.status === 'plan_submitted',
    );
    expect(again.planDocumentId).toBe(plan2.id);
    expectProblem(
      await api(`/v1/evaluations/${evaluationId}/plan-review`, {
        token: finance,
        body: { decision: 'approve' },
        headers: { 'if-match': `"${again.version - 1}"` },
      }),
      412,
    );
    const approved = ok(
      await api(`/v1/evaluations/${evaluationId}/plan-review`, {
        token: finance,
        body: { decision: 'approve' },
        headers: { 'if-match': `"${again.version}"` },
      }),
    );
    expect(approved.status).toBe('plan_approved');
    const reportMail = await waitFor(
      'report mail',
      () => mailsTo(agency.email),
      (m) => m.some((x) => /评价报告/.test(x.subject)),
    );
    expect(reportMail.some((m) => /Please upload the evaluation report/.test(m.subject))).toBe(true);

    // a file that is not what its link declared (a PNG of the declared PDF's size) is rejected and removed
    const fake = Buffer.concat([PNG, Buffer.alloc(200)]);
    const badLink: Link = ok(await link(evaluationId, agency.bearer, 'report', fake), 201);
    expect(badLink.fields).toMatchObject({ 'Content-Type': 'application/pdf' });
    await upload(badLink, fake, 'application/pdf');
    const rejected = await judged(badLink.documentId);
    expect(rejected).toMatchObject({ status: 'rejected', detectedType: 'image/png' });
    expect(rejected.reason).toMatch(/image\/png/);

    const report = await received(evaluationId, agency.bearer, 'report', 'the report');
    const evidence = await received(evaluationId, agency.bearer, 'evidence', 'site visit photos');
    const indicator = goalSet[0].name as string;
    const reportBody = (extra: Json = {}) => ({
      documentId: report.id,
      score: 86.5,
      grade: 'good',
      findings: [{ text: '抽查 12 所学校，设备到位率 100%', evidenceDocumentIds: [evidence.id], indicator }],
      ...extra,
    });
    const post = (body: Json, bearer = agency.bearer) =>
      api(`/v1/evaluations/${evaluationId}/report`, { token: bearer, body });

    // a grade that does not match the score; a rejected document; a document of another evaluation; no evidence
    const wrongGrade = expectProblem(await post(reportBody({ grade: 'excellent' })), 422);
    expect(wrongGrade.errors).toEqual([{ path: 'grade', message: expect.stringContaining('good') }]);
    expect(expectProblem(await post(reportBody({ score: 100.5 })), 422).errors?.map((e) => e.path)).toEqual([
      'score',
    ]);
    const badDocs = expectProblem(
      await post(
        reportBody({
          documentId: rejected.id,
          findings: [
            { text: 'a', evidenceDocumentIds: [evidence.id, 'DOC-NOSUCH'] },
            { text: 'b', evidenceDocumentIds: [] },
            { text: 'c', evidenceDocumentIds: [evidence.id], indicator: '没有这个指标' },
          ],
        }),
      ),
      422,
    );
    expect(badDocs.errors?.map((e) => e.path)).toEqual([
      'documentId',
      'findings[0].evidenceDocumentIds[1]',
      'findings[1].evidenceDocumentIds',
      'findings[2].indicator',
    ]);
    expectProblem(await post(reportBody(), finance), 403);

    // other files of the run may change the year's rules: the report records the version in force
    const { version: configVersion } = ok(await api(`/v1/config/${YEAR}`, { token: finance }));
    const reported = ok(await post(reportBody()), 201);
    expect(reported).toMatchObject({
      status: 'report_submitted',
      report: { documentId: report.id, score: 86.5, grade: 'good', configVersion },
    });
    expectProblem(await post(reportBody()), 409);

    // a rating before the report is approved: 409
    const rateIt = (scores: Json, evalId = evaluationId) =>
      api(`/v1/agencies/${agency.id}/ratings`, {
        token: finance,
        body: { evaluationId: evalId, scores, comments: '工作扎实' },
      });
    expectProblem(await rateIt(full), 409);

    const done = ok(
      await api(`/v1/evaluations/${evaluationId}/report-review`, {
        token: finance,
        body: { decision: 'approve' },
      }),
    );
    expect(done).toMatchObject({ status: 'report_approved', reportApprovedOn: SYSTEM_TODAY });
    expectProblem(
      await api(`/v1/evaluations/${evaluationId}/report-review`, {
        token: finance,
        body: { decision: 'approve' },
      }),
      409,
    );

    // the third-party grade the results read, written with the approval
    const grade = await table()({ pk: `PROJECT#${project.id}`, sk: `TPGRADE#${evaluationId}` });
    expect(grade).toMatchObject({
      type: 'third-party-grade',
      projectId: project.id,
      evaluationId,
      agencyId: agency.id,
      departmentId: dept.id,
      fiscalYear: YEAR,
      score: 86.5,
      grade: 'good',
      approvedAt: done.reportApprovedAt,
      configVersion,
    });

    // ratings: bounded (422 per item), then once (201 with the total; again 409), and the evaluation closes
    const over = expectProblem(await rateIt({ ...full, expertise: 15.5, accuracy: 26 }), 422);
    expect(over.errors?.map((e) => e.path)).toEqual(['scores.expertise', 'scores.accuracy']);
    expectProblem(await rateIt({ ...full, expertise: 'high' }), 400);
    const rating = ok(await rateIt(full), 201);
    expect(rating).toMatchObject({
      total: 89.5,
      parts: { before: 29, during: 18, after: 42.5 },
      evaluationId,
    });
    expect(expectProblem(await rateIt(full), 409).detail).toMatch(/rated already/);
    expect((await evaluationOf(evaluationId)).status).toBe('closed');
    // closed: the project may be evaluated again
    const third = await newAgency();
    const next = ok(
      await api('/v1/evaluations', { token: finance, body: { projectId: project.id, agencyId: third.id } }),
      201,
    );
    expect(next.status).toBe('plan_pending');
    // another agency's id in the path: that agency has no such evaluation
    expectProblem(
      await api(`/v1/agencies/${other.id}/ratings`, { token: finance, body: { evaluationId, scores: full } }),
      404,
    );

    // supervision: from the commissioning day to today
    const sup = (date: string) =>
      api(`/v1/evaluations/${evaluationId}/supervision-records`, {
        token: finance,
        body: { date, checked: '现场核查', findings: '资料齐全' },
      });
    expect(expectProblem(await sup('2026-11-27'), 422).errors?.[0]?.path).toBe('date');
    expectProblem(await sup('2026-11-29'), 422);
    expect(ok(await sup(SYSTEM_TODAY), 201)).toMatchObject({ evaluationId, date: SYSTEM_TODAY });
    expect(
      ok(await api(`/v1/evaluations/${evaluationId}/supervision-records`, { token: finance })).items,
    ).toHaveLength(1);

    // every transition audited
    const audit = ok(
      await api(`/v1/audit?entityId=${evaluationId}&entityType=evaluation`, { token: finance }),
    );
    expect(audit.items.map((r: Json) => r.action)).toEqual([
      'commission',
      'plan-received',
      'plan-return',
      'plan-received',
      'plan-approve',
      'report-submit',
      'report-approve',
      'rate',
      'supervise',
    ]);

    // the scorecard and the evidence
    const card = ok(await api(`/v1/agencies/${agency.id}/scorecard`, { token: finance }));
    expect(card).toMatchObject({
      agencyId: agency.id,
      evaluations: 1,
      open: 0,
      ratings: { count: 1, average: 89.5 },
      timeliness: { approvedReports: 1, averageDays: 0 },
      returns: { plans: 1, reports: 0, planReturnRate: 0.5, reportReturnRate: 0 },
      selfEvaluationGap: { comparedProjects: 0, meanSignedGap: null },
    });
    const ev = ok(await api(`/v1/projects/${project.id}/evidence`, { token: project.bearer }));
    const row = ev.indicators.find((i: Json) => i.name === indicator);
    expect(row).toMatchObject({
      supported: true,
      thirdParty: [
        {
          evaluationId,
          documents: [{ documentId: evidence.id, sha256: evidence.sha256, status: 'received' }],
        },
      ],
    });
    expect(evidence.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ev.unsupported).toHaveLength(goalSet.length - 1);
    expect(ev.reports).toEqual([
      expect.objectContaining({
        evaluationId,
        score: 86.5,
        document: expect.objectContaining({ sha256: report.sha256 }),
      }),
    ]);
    const stranger = await createDepartment(uniqueId('DX'));
    expectProblem(
      await api(`/v1/projects/${project.id}/evidence`, {
        token: await token({ role: 'department', departmentId: stranger.id }),
      }),
      404,
    );
  });

  it('another agency gets 404 everywhere, and lists only its own', async () => {
    const e = `/v1/evaluations/${evaluationId}`;
    expectProblem(await api(e, { token: other.bearer }), 404);
    expectProblem(await link(evaluationId, other.bearer, 'evidence', pdfBytes('x')), 404);
    expectProblem(
      await api(`${e}/report`, {
        token: other.bearer,
        body: { documentId: 'DOC-X', score: 50, grade: 'poor', findings: [] },
      }),
      404,
    );
    const own = ok(await api('/v1/evaluations', { token: agency.bearer }));
    expect(own.items.map((i: Json) => i.id)).toEqual([evaluationId]);
    expect(ok(await api('/v1/evaluations', { token: other.bearer })).items).toEqual([]);
    // the agency filter of an evaluator is its own, whatever it asks for
    expect(ok(await api(`/v1/evaluations?agencyId=${agency.id}`, { token: other.bearer })).items).toEqual([]);
    const planId = (await evaluationOf(evaluationId)).planDocumentId;
    expectProblem(await api(`/v1/documents/${planId}`, { token: other.bearer }), 404);
    expect((await documentOf(planId, agency.bearer)).status).toBe('received');
    // and the bureau's routes are not theirs
    expectProblem(await api(`/v1/agencies/${agency.id}/scorecard`, { token: agency.bearer }), 403);
    expectProblem(
      await api(`${e}/supervision-records`, {
        token: other.bearer,
        body: { date: SYSTEM_TODAY, checked: 'x', findings: 'y' },
      }),
      403,
    );
    const byProject = ok(await api(`/v1/evaluations?projectId=${project.id}`, { token: finance }));
    expect(byProject.items.map((i: Json) => i.id)).toContain(evaluationId);
    expect(byProject.items).toHaveLength(2);
  });
});
