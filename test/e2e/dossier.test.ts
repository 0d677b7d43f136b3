// A project's dossier end to end (issue 13), against the system global-setup.ts started: one project of fiscal
// year 2024 (no other e2e file uses it, so the year's sweeps see this project alone) walked through the whole
// cycle over HTTP — request, ex-ante assessment, goals submitted / returned with comments / resubmitted /
// approved, budget, expenditures, three sweeps (red, green, yellow), a rectification answered and verified
// not resolved, the clawback it brings accepted for less, the self-evaluation and its review, a third-party
// evaluation through both reviews with supervision and the rating, the results — then GET .../dossier: every
// stage present, in order, with the figures the stage routes answered, and the reply valid against the
// schema /openapi.json publishes. Another department gets 404, an agency 403.
import { mkdir, writeFile } from 'node:fs/promises';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  api,
  createDepartment,
  expectProblem,
  financeToken,
  token,
  uniqueId,
} from './support.js';
import { SYSTEM_TODAY } from './today.js';

const YEAR = 2024;
// biome-ignore lint/suspicious/noExplicitAny: API bodies; the assertions check them
type Json = any;

function ok(res: ApiResponse, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  return res.json;
}

let finance: string;
let dept: { id: string; bearer: string };
let projectId: string;
let agency: { id: string; bearer: string };
/** What each stage route answered, to compare with the dossier. */
const seen: Record<string, Json> = {};

async function listAll(route: string, bearer: string): Promise<Json[]> {
  const items: Json[] = [];
  let next: string | undefined;
  do {
    const sep = route.includes('?') ? '&' : '?';
    const page = ok(
      await api(`${route}${sep}limit=100${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`, {
        token: bearer,
      }),
    );
    items.push(...page.items);
    next = page.nextToken;
  } while (next);
  return items;
}

function pdfBytes(text: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Asks for an upload link at `route`, posts the file to the bucket, waits for the document to be received. */
async function uploaded(route: string, bearer: string, kind: string, text: string): Promise<Json> {
  const bytes = pdfBytes(text);
  const l = ok(
    await api(route, {
      token: bearer,
      body: { kind, fileName: `${kind}.pdf`, contentType: 'application/pdf', size: bytes.length },
    }),
    201,
  );
  const form = new FormData();
  for (const [k, v] of Object.entries(l.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'file');
  const res = await fetch(l.url, { method: 'POST', body: form, redirect: 'manual' });
  await res.arrayBuffer();
  expect(res.status).toBeLessThan(400);
  const doc = await waitFor(
    `document ${l.documentId}`,
    () => api(`/v1/documents/${l.documentId}`, { token: finance }).then((r) => ok(r)),
    (d) => d.status !== 'pending',
  );
  expect(doc.status, doc.reason).toBe('received');
  return doc;
}

const sweep = async (asOf: string) =>
  ok(await api('/v1/monitoring/sweeps', { token: finance, body: { asOf } }));

/** The whole cycle, each stage's reply kept in `seen`. */
async function walkTheCycle() {
  const lib = ok(await api('/v1/indicator-templates?category=education', { token: finance }));
  const indicators: Json[] = lib.goalSet.indicators;
  const p = ok(
    await api('/v1/projects', {
      token: dept.bearer,
      body: {
        fiscalYear: YEAR,
        name: '义务教育学校改扩建（档案）',
        kind: 'project',
        isNew: true,
        requestedAmount: 3_000_000,
        category: 'education',
        description: '新增学位 1200 个',
      },
    }),
    201,
  );
  projectId = p.id;
  seen.created = p;
  const put = (overallGoal: string, set: Json[]) =>
    api(`/v1/projects/${projectId}/goals`, {
      method: 'PUT',
      token: dept.bearer,
      body: { overallGoal, indicators: set },
    });
  ok(await put('新增学位1200个', indicators));
  ok(await api(`/v1/projects/${projectId}/submit`, { method: 'POST', token: dept.bearer }));
  seen.assessment = ok(
    await api(`/v1/projects/${projectId}/ex-ante-assessment`, {
      token: finance,
      body: {
        scores: {
          necessity: 18,
          economy: 17,
          goalReasonableness: 16,
          feasibility: 18,
          financingCompliance: 19,
        },
        conclusion: 'supported',
      },
    }),
    201,
  );
  seen.returned = ok(
    await api(`/v1/projects/${projectId}/goal-review`, {
      token: finance,
      body: { grade: 'fair', comments: '新增学位目标偏低，请对照规划修改' },
    }),
  );
  expect(seen.returned.status).toBe('returned');
  const revised = indicators.map((i, n) => (n === 0 ? { ...i, target: 1500 } : i));
  ok(await put('新增学位1500个', revised));
  ok(await api(`/v1/projects/${projectId}/submit`, { method: 'POST', token: dept.bearer }));
  seen.approved = ok(
    await api(`/v1/projects/${projectId}/goal-review`, {
      token: finance,
      body: { grade: 'good', comments: '可' },
    }),
  );
  expect(seen.approved.status).toBe('in_library');
  seen.budget = ok(
    await api(`/v1/projects/${projectId}/budget`, { token: finance, body: { approvedAmount: 3_000_000 } }),
  );
  for (const [voucherNo, date, amount] of [
    ['V-1', `${YEAR}-02-15`, 300_000],
    ['V-2', `${YEAR}-05-20`, 900_000],
  ] as const) {
    ok(
      await api(`/v1/projects/${projectId}/expenditures`, {
        token: dept.bearer,
        body: { voucherNo, date, amount },
      }),
      201,
    );
  }

  // April: 300,000 of 3,000,000 at a third of the year — index 30, red: a notice
  seen.lights = [];
  await sweep(`${YEAR}-04-30`);
  seen.lights.push(ok(await api(`/v1/projects/${projectId}/monitoring`, { token: dept.bearer })));
  const [notice] = (await listAll('/v1/rectifications', dept.bearer)).filter(
    (n) => n.projectId === projectId,
  );
  seen.response = ok(
    await api(`/v1/rectifications/${notice.id}/response`, {
      token: dept.bearer,
      body: { causes: '招标延期', measures: '加快合同签订与支付' },
    }),
  );
  seen.verification = ok(
    await api(`/v1/rectifications/${notice.id}/verification`, {
      token: finance,
      body: { result: 'not_resolved', comments: '支付进度仍滞后' },
    }),
  );
  // June: 1,200,000 at half the year — index 80, green; the unresolved notice brings a clawback
  await sweep(`${YEAR}-06-30`);
  seen.lights.push(ok(await api(`/v1/projects/${projectId}/monitoring`, { token: dept.bearer })));
  const [clawback] = (await listAll('/v1/clawbacks', finance)).filter((c) => c.projectId === projectId);
  seen.clawback = clawback;
  seen.decision = ok(
    await api(`/v1/clawbacks/${clawback.id}/decision`, {
      token: finance,
      body: { decision: 'accept', amount: 500_000, reason: '按整改未到位调减预算' },
    }),
  );
  // August: 1,200,000 of 2,500,000 at two thirds — index 72, yellow
  await sweep(`${YEAR}-08-31`);
  seen.lights.push(ok(await api(`/v1/projects/${projectId}/monitoring`, { token: dept.bearer })));

  // the self-evaluation (with evidence) and the bureau's review
  const evidence = await uploaded(`/v1/projects/${projectId}/upload-links`, dept.bearer, 'evidence', '台账');
  seen.evidence = evidence;
  const names = revised.map((i) => i.name as string);
  seen.selfEvaluation = ok(
    await api(`/v1/projects/${projectId}/self-evaluation`, {
      token: dept.bearer,
      body: {
        summary: '年度目标基本完成',
        indicators: [
          { name: names[0], actual: 1400, evidenceDocumentIds: [evidence.id] },
          { name: names[1], actual: 100 },
          { name: names[2], actual: 95 },
          { name: names[3], actual: 3.5 },
          { name: names[4], actual: 99.5 },
          { name: names[5], tier: 'achieved', score: 13 },
          { name: names[6], actual: 91 },
        ],
      },
    }),
    201,
  );
  seen.review = ok(
    await api(`/v1/projects/${projectId}/self-evaluation/review`, {
      token: finance,
      body: {
        adjustments: [{ name: names[0], score: 12, reason: '学位数以教育局备案为准' }],
        comments: '核减',
      },
    }),
  );

  // a third-party evaluation: plan, its review, the report with evidence, its review, supervision, the rating
  agency = { id: uniqueId('A'), bearer: '' };
  ok(
    await api('/v1/agencies', {
      token: finance,
      body: {
        id: agency.id,
        name: `评价机构 ${agency.id}`,
        contactEmails: [`${agency.id.toLowerCase()}@agency.example.cn`],
        conflictDepartmentIds: [],
      },
    }),
    201,
  );
  agency.bearer = await token({ role: 'evaluator', agencyId: agency.id });
  const evaluation = ok(
    await api('/v1/evaluations', { token: finance, body: { projectId, agencyId: agency.id } }),
    201,
  );
  const links = `/v1/evaluations/${evaluation.id}/upload-links`;
  seen.plan = await uploaded(links, agency.bearer, 'plan', 'plan');
  await waitFor(
    'plan_submitted',
    () => api(`/v1/evaluations/${evaluation.id}`, { token: finance }).then((r) => ok(r)),
    (e) => e.status === 'plan_submitted',
  );
  ok(
    await api(`/v1/evaluations/${evaluation.id}/plan-review`, {
      token: finance,
      body: { decision: 'approve' },
    }),
  );
  seen.report = await uploaded(links, agency.bearer, 'report', 'report');
  const tpEvidence = await uploaded(links, agency.bearer, 'evidence', 'photos');
  seen.reported = ok(
    await api(`/v1/evaluations/${evaluation.id}/report`, {
      token: agency.bearer,
      body: {
        documentId: seen.report.id,
        score: 86.5,
        grade: 'good',
        findings: [
          { text: '抽查 12 所学校，学位数属实', evidenceDocumentIds: [tpEvidence.id], indicator: names[0] },
        ],
      },
    }),
    201,
  );
  seen.reportApproved = ok(
    await api(`/v1/evaluations/${evaluation.id}/report-review`, {
      token: finance,
      body: { decision: 'approve', comments: '报告通过' },
    }),
  );
  seen.supervision = ok(
    await api(`/v1/evaluations/${evaluation.id}/supervision-records`, {
      token: finance,
      body: { date: SYSTEM_TODAY, checked: '现场核查', findings: '资料齐全' },
    }),
    201,
  );
  seen.rating = ok(
    await api(`/v1/agencies/${agency.id}/ratings`, {
      token: finance,
      body: {
        evaluationId: evaluation.id,
        scores: { expertise: 15, stability: 14, diligence: 18, accuracy: 22.5, conclusions: 20 },
      },
    }),
    201,
  );
  seen.evaluation = evaluation;
  seen.tpEvidence = tpEvidence;
  seen.results = (await listAll(`/v1/results?fiscalYear=${YEAR}`, finance)).filter(
    (r) => r.projectId === projectId,
  );
}

let dossier: Json;

beforeAll(async () => {
  finance = await financeToken();
  const d = await createDepartment(uniqueId('DD'));
  dept = { id: d.id, bearer: await token({ role: 'department', departmentId: d.id }) };
  await walkTheCycle();
  dossier = ok(await api(`/v1/projects/${projectId}/dossier`, { token: dept.bearer }));
  // What a real run answers (test/fixtures/sample-dossier.json was taken from it).
  await mkdir('test-results', { recursive: true });
  await writeFile('test-results/dossier.json', `${JSON.stringify(dossier, null, 2)}\n`);
}, 180_000);

describe('the dossier of a project walked through the whole cycle', () => {
  it('is valid against the response schema /openapi.json publishes (every field named)', async () => {
    const doc = ok(await api('/openapi.json'));
    const schema =
      doc.paths['/v1/projects/{id}/dossier'].get.responses['200'].content['application/json'].schema;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile({ ...schema, components: doc.components });
    expect(validate(dossier), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    // the schema is closed: an unknown field would be refused
    expect(validate({ ...dossier, surprise: 1 })).toBe(false);
  });

  it('has the request and the ex-ante assessment as they were answered', () => {
    expect(dossier.request).toMatchObject({
      departmentId: dept.id,
      fiscalYear: YEAR,
      requestedAmount: 3_000_000,
      exAnteRequired: true,
      createdAt: seen.created.createdAt,
    });
    expect(dossier.exAnteAssessment).toEqual({
      required: true,
      assessment: expect.objectContaining({
        total: seen.assessment.total,
        conclusion: 'supported',
        assessedAt: seen.assessment.assessedAt,
      }),
    });
    expect(dossier.exAnteAssessment.assessment.total).toBe(88);
  });

  it('has both versions of the goals: the first returned with the review’s comments, the second approved', () => {
    const [first, second] = dossier.goals.versions;
    expect(dossier.goals.versions).toHaveLength(2);
    expect(first).toMatchObject({
      number: 1,
      overallGoal: '新增学位1200个',
      outcome: 'returned',
      review: { grade: 'fair', comments: '新增学位目标偏低，请对照规划修改' },
    });
    expect(first.indicators[0].target).toBe(1200);
    expect(second).toMatchObject({ number: 2, overallGoal: '新增学位1500个', outcome: 'approved' });
    expect(second.indicators[0].target).toBe(1500);
    expect(second.review).toEqual(seen.approved.goalReview);
    expect(first.submittedAt < first.review.reviewedAt).toBe(true);
    expect(dossier.goals.approved).toBe(true);
  });

  it('has the budget with its adjustment and cause, and the spend by month against time progress', () => {
    expect(dossier.budget).toMatchObject({
      initialAmount: 3_000_000,
      approvedAmount: 2_500_000,
      approvedAt: seen.budget.budget.approvedAt,
      adjustments: [
        {
          cause: 'clawback',
          clawbackId: seen.clawback.id,
          reason: '按整改未到位调减预算',
          beforeAmount: 3_000_000,
          cutAmount: 500_000,
          afterAmount: 2_500_000,
        },
      ],
    });
    const months = dossier.spend.months;
    expect(months.map((m: Json) => m.spent)).toEqual([0, 300_000, 0, 0, 900_000, 0, 0, 0, 0, 0, 0, 0]);
    expect(months[5]).toEqual({
      month: `${YEAR}-06`,
      spent: 0,
      cumulative: 1_200_000,
      cumulativeRate: 0.48,
      plannedShare: 0.5,
      plannedCumulative: 1_250_000,
    });
    expect(dossier.spend).toMatchObject({ totalSpent: 1_200_000, basis: 'months' });
  });

  it('has the lights over time, oldest first, as each sweep left them', () => {
    const history = dossier.monitoring.history.items;
    expect(history.map((h: Json) => h.asOf)).toEqual([`${YEAR}-04-30`, `${YEAR}-06-30`, `${YEAR}-08-31`]);
    expect(history.map((h: Json) => h.executionLight)).toEqual(['red', 'green', 'yellow']);
    history.forEach((h: Json, i: number) => {
      expect(h).toMatchObject({
        asOf: seen.lights[i].asOf,
        executionIndex: seen.lights[i].executionIndex,
        executionRate: seen.lights[i].executionRate,
        timeProgress: seen.lights[i].timeProgress,
      });
    });
    expect(history.map((h: Json) => h.executionIndex)).toEqual([30, 80, 72]);
    expect(dossier.monitoring.latest).toMatchObject({ asOf: `${YEAR}-08-31`, executionLight: 'yellow' });
    expect(dossier.monitoring.history.nextToken).toBeUndefined();
    // no monitoring report was filed: the lights at the last checkpoint come from the year-end figures
    // (1400 of the revised 1500 is 93.33, green; every other indicator met)
    expect(dossier.monitoring.lastCheckpoint.asOf).toBe(`${YEAR}-10-31`);
    expect(dossier.monitoring.lastCheckpoint.indicators).toHaveLength(7);
    for (const l of dossier.monitoring.lastCheckpoint.indicators)
      expect(l).toMatchObject({
        light: 'green',
        source: 'year-end',
        asOf: `${YEAR}-12-31`,
        reportPeriod: null,
      });
  });

  it('has the rectification with its response and verification, and the clawback with its decision', () => {
    expect(dossier.rectifications).toHaveLength(1);
    expect(dossier.rectifications[0]).toMatchObject({
      cause: 'execution',
      issuedOn: `${YEAR}-04-30`,
      status: 'not_resolved',
      response: seen.response.response,
      verification: seen.verification.verification,
    });
    expect(dossier.clawbacks).toEqual([
      expect.objectContaining({
        id: seen.clawback.id,
        asOf: `${YEAR}-06-30`,
        status: 'accepted',
        recommendedAmount: seen.clawback.recommendedAmount,
        basis: seen.clawback.basis,
        decision: expect.objectContaining({ decision: 'accept', amount: 500_000 }),
      }),
    ]);
    expect(seen.clawback.recommendedAmount).toBe(600_000);
  });

  it('has the self-evaluation claimed against reviewed, line by line', () => {
    const s = dossier.selfEvaluation;
    expect(s.claimed).toEqual({
      executionScore: seen.selfEvaluation.executionScore,
      total: seen.selfEvaluation.total,
      grade: seen.selfEvaluation.grade,
    });
    expect(s.reviewed).toMatchObject({
      total: seen.review.total,
      grade: seen.review.grade,
      comments: '核减',
    });
    const first = s.lines[1];
    expect(first).toMatchObject({
      claimed: seen.review.claimed.indicatorScores[0].score,
      reviewed: 12,
      reason: '学位数以教育局备案为准',
      evidenceDocumentIds: [seen.evidence.id],
    });
    expect(s.lines[0]).toMatchObject({ name: 'execution', claimed: 4.8, reviewed: 4.8 });
  });

  it('has the third-party evaluation with its reviews, supervision, rating, and the result', () => {
    const [e] = dossier.thirdPartyEvaluations;
    expect(dossier.thirdPartyEvaluations).toHaveLength(1);
    expect(e).toMatchObject({
      id: seen.evaluation.id,
      agencyId: agency.id,
      status: 'closed',
      plan: { documentId: seen.plan.id },
      reportApprovedAt: seen.reportApproved.reportApprovedAt,
    });
    expect(e.reviews.map((r: Json) => [r.stage, r.decision])).toEqual([
      ['plan', 'approve'],
      ['report', 'approve'],
    ]);
    expect(e.reports).toEqual([
      expect.objectContaining({
        documentId: seen.report.id,
        score: 86.5,
        grade: 'good',
        outcome: 'approved',
      }),
    ]);
    expect(e.supervision).toEqual([
      expect.objectContaining({ id: seen.supervision.id, checked: '现场核查' }),
    ]);
    expect(e.rating).toMatchObject({ total: seen.rating.total, parts: seen.rating.parts });
    expect(seen.results).toHaveLength(1);
    const {
      projectId: _p,
      projectName: _n,
      departmentId: _d,
      fiscalYear: _y,
      goals: _g,
      ...result
    } = seen.results[0];
    expect(dossier.result).toEqual(result);
    expect(dossier.result).toMatchObject({
      grade: 'good',
      recommendation: 'maintain',
      recommendedAmount: 2_500_000,
    });
  });

  it('lists every document of the project with its sha256 and status, oldest first', () => {
    const docs = dossier.documents.items;
    const expected = [seen.evidence, seen.plan, seen.report, seen.tpEvidence];
    expect(docs.map((d: Json) => d.id)).toEqual(expected.map((d) => d.id));
    docs.forEach((d: Json, i: number) => {
      expect(d).toMatchObject({ status: 'received', sha256: expected[i].sha256 });
      expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  it('has the audit trail oldest first, and a timeline with every stage in the order it happened', async () => {
    const at = dossier.audit.items.map((r: Json) => r.at);
    expect(at).toEqual([...at].sort());
    expect(dossier.audit.items[0].action).toBe('create');
    // the trails of the project, its self-evaluation, its notice, its clawback and its evaluation, merged
    const trail = await listAll(`/v1/projects/${projectId}/dossier/audit`, dept.bearer);
    const ats = trail.map((r: Json) => r.at);
    expect(ats).toEqual([...ats].sort());
    const ids = new Set(trail.map((r: Json) => r.entityId));
    expect(ids).toEqual(
      new Set([
        projectId,
        ...dossier.rectifications.map((n: Json) => n.id),
        ...dossier.clawbacks.map((c: Json) => c.id),
        ...dossier.thirdPartyEvaluations.map((e: Json) => e.id),
      ]),
    );
    const byType = (t: string) => trail.filter((r: Json) => r.entityType === t).map((r: Json) => r.action);
    expect(byType('rectification').length).toBeGreaterThanOrEqual(2); // issued, answered, verified
    expect(byType('clawback')).toEqual(['recommend', 'accept']);
    expect(byType('evaluation').length).toBeGreaterThanOrEqual(4);
    expect(byType('self-evaluation').length).toBeGreaterThanOrEqual(2);
    const stages: string[] = dossier.timeline.map((t: Json) => t.stage);
    const firstOf = (s: string) => stages.indexOf(s);
    const order = [
      'request',
      'goals-saved',
      'submitted',
      'ex-ante-assessment',
      'goal-review',
      'budget',
      'monitoring',
      'rectification-issued',
      'rectification-response',
      'rectification-verification',
      'clawback-recommended',
      'clawback-decision',
      'budget-adjustment',
      'self-evaluation',
      'self-evaluation-review',
      'third-party-commissioned',
      'third-party-plan',
      'third-party-review', // the plan's approval comes before the report
      'third-party-report',
      'supervision',
      'agency-rating',
    ];
    for (const s of order) expect(stages, s).toContain(s);
    const firsts = order.map(firstOf);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(stages).toContain('result');
    const times = dossier.timeline.map((t: Json) => t.at);
    expect(times).toEqual([...times].sort());
  });

  it('continues a long part page by page at /dossier/audit (the same trail, no item twice)', async () => {
    const lights = ok(await api(`/v1/projects/${projectId}/dossier/lights?limit=2`, { token: dept.bearer }));
    expect(lights.items.map((l: Json) => l.asOf)).toEqual([`${YEAR}-04-30`, `${YEAR}-06-30`]);
    expect(lights.nextToken).toEqual(expect.any(String));
    const lightsToken: string = lights.nextToken;
    const all = await listAll(`/v1/projects/${projectId}/dossier/audit`, dept.bearer);
    expect(all.slice(0, dossier.audit.items.length)).toEqual(dossier.audit.items);
    const small = ok(await api(`/v1/projects/${projectId}/dossier/audit?limit=2`, { token: dept.bearer }));
    const next = ok(
      await api(
        `/v1/projects/${projectId}/dossier/audit?limit=2&nextToken=${encodeURIComponent(small.nextToken)}`,
        {
          token: dept.bearer,
        },
      ),
    );
    expect([...small.items, ...next.items].map((r: Json) => r.id)).toEqual(all.slice(0, 4).map((r) => r.id));
    // pages of 3 across the merged trails: the same records in the same order, none twice, a last page
    const walked: Json[] = [];
    let token: string | undefined;
    do {
      const page = ok(
        await api(
          `/v1/projects/${projectId}/dossier/audit?limit=3${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`,
          { token: dept.bearer },
        ),
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      walked.push(...page.items);
      token = page.nextToken;
    } while (token);
    expect(walked.map((r) => r.id)).toEqual(all.map((r) => r.id));
    // a token naming a trail the dossier does not hold, or of another list (the lights'), is refused
    const foreign = Buffer.from(JSON.stringify({ 'P2024-OTHER': '2024-01-01T00:00:00.000Z#x' })).toString(
      'base64url',
    );
    expectProblem(
      await api(`/v1/projects/${projectId}/dossier/audit?nextToken=${foreign}`, { token: dept.bearer }),
      400,
    );
    expectProblem(
      await api(`/v1/projects/${projectId}/dossier/audit?nextToken=${encodeURIComponent(lightsToken)}`, {
        token: dept.bearer,
      }),
      400,
    );
  });

  it('is the same for the bureau; another department gets 404, an agency 403', async () => {
    const bureau = ok(await api(`/v1/projects/${projectId}/dossier`, { token: finance }));
    expect({ ...bureau, generatedAt: '' }).toEqual({ ...dossier, generatedAt: '' });
    const other = await createDepartment(uniqueId('DO'));
    const otherBearer = await token({ role: 'department', departmentId: other.id });
    expectProblem(await api(`/v1/projects/${projectId}/dossier`, { token: otherBearer }), 404);
    expectProblem(await api(`/v1/projects/${projectId}/dossier/audit`, { token: otherBearer }), 404);
    expectProblem(await api(`/v1/projects/P2024-NOSUCH/dossier`, { token: finance }), 404);
    expectProblem(await api(`/v1/projects/${projectId}/dossier`, { token: agency.bearer }), 403);
  });
});

describe('the printable page, GET /v1/projects/{id}/dossier.html', () => {
  it('is zh-CN by default: HTML with inline CSS only, every stage, the light chart, A4 print rules', async () => {
    const res = await api(`/v1/projects/${projectId}/dossier.html`, { token: dept.bearer, language: null });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-language')).toBe('zh-CN');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = res.text;
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(html).toContain('@page{size:A4');
    expect(html).not.toMatch(/<script|<link|src="http/);
    for (const heading of [
      '项目申报',
      '事前绩效评估',
      '绩效目标',
      '预算批复与调整',
      '运行监控',
      '整改通知',
      '调减',
      '绩效自评',
      '第三方评价',
      '结果应用',
      '文件',
      '审计记录',
    ])
      expect(html).toContain(heading);
    const svg = html.match(/<svg class="chart"[\s\S]*?<\/svg>/)?.[0] ?? '';
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(html).toContain(seen.evidence.sha256);
    expect(html).toContain('退回修改');
    expect(html).toContain('新增学位目标偏低，请对照规划修改');
    expect(html).toContain('¥2,500,000.00');
  });

  it('is English when Accept-Language prefers it, and 404 for another department', async () => {
    const res = await api(`/v1/projects/${projectId}/dossier.html`, {
      token: finance,
      headers: { 'accept-language': 'en-GB,en;q=0.9,zh-CN;q=0.5' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-language')).toBe('en');
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Project performance dossier');
    expect(res.text).toContain('CNY 2,500,000.00');
    const other = await createDepartment(uniqueId('DH'));
    const otherBearer = await token({ role: 'department', departmentId: other.id });
    expectProblem(await api(`/v1/projects/${projectId}/dossier.html`, { token: otherBearer }), 404);
  });
});
