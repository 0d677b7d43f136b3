// Evaluation and results end to end (issue 9; api-contract.md "Evaluation and results"), over HTTP against the
// system global-setup.ts started (today is SYSTEM_TODAY, 2026-11-28): a past fiscal year (2025) walked from
// budget to results — projects of three departments budgeted and spent, evidence uploaded, self-evaluations
// (replaced once), the bureau's reviews, the ranking, the bulletin (its mails read back from the local SES
// server, its documents and the public package read back from the local S3), the results, and the staleness
// guard after a late review. No other e2e file uses fiscal year 2025, so the ranking is this file's alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_NAME } from '../../infra/local/system.js';
import { type ApiResponse, api, expectProblem, financeToken, runtime, token, uniqueId } from './support.js';

const YEAR = 2025;
// biome-ignore lint/suspicious/noExplicitAny: bodies as the API answered them; the assertions check them
type Json = any;

function ok(res: ApiResponse, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  return res.json;
}

interface Dept {
  id: string;
  name: string;
  email: string;
  bearer: string;
}

let finance: string;
let goalSet: Json[];
const bureauEmail = `${uniqueId('bureau').toLowerCase()}@finance.example.gov.cn`;

async function newDepartment(name: string): Promise<Dept> {
  const id = uniqueId('DV');
  const email = `${id.toLowerCase()}@example.gov.cn`;
  ok(await api('/v1/departments', { token: finance, body: { id, name, contactEmails: [email] } }), 201);
  return { id, name, email, bearer: await token({ role: 'department', departmentId: id }) };
}

/** A project of `year` walked to `executing` (continuing: no ex-ante assessment), with its spend. */
async function budgetedProject(dept: Dept, name: string, budget: number, spend: number, year = YEAR) {
  const p = ok(
    await api('/v1/projects', {
      token: dept.bearer,
      body: {
        fiscalYear: year,
        name,
        kind: 'project',
        isNew: false,
        requestedAmount: budget,
        category: 'social_security',
      },
    }),
    201,
  );
  const goals = { overallGoal: '困难群众应保尽保，救助资金按时足额发放', indicators: goalSet };
  ok(await api(`/v1/projects/${p.id}/goals`, { method: 'PUT', token: dept.bearer, body: goals }));
  ok(await api(`/v1/projects/${p.id}/submit`, { method: 'POST', token: dept.bearer }));
  ok(await api(`/v1/projects/${p.id}/goal-review`, { token: finance, body: { grade: 'excellent' } }));
  ok(await api(`/v1/projects/${p.id}/budget`, { token: finance, body: { approvedAmount: budget } }));
  if (spend > 0) {
    ok(
      await api(`/v1/projects/${p.id}/expenditures`, {
        token: dept.bearer,
        body: { voucherNo: 'V-1', date: `${year}-06-30`, amount: spend },
      }),
      201,
    );
  }
  return p.id as string;
}

/** The seven social-security indicators answered in the library's order. */
function answers(a: {
  people: number;
  accuracy: number;
  onTime: number;
  cost: number;
  tier: string;
  tierScore: number;
  review: number;
  satisfaction: number;
  evidence?: string[];
}) {
  const names = goalSet.map((i) => i.name);
  return {
    summary: '年度绩效目标总体完成',
    indicators: [
      { name: names[0], actual: a.people, evidenceDocumentIds: a.evidence },
      { name: names[1], actual: a.accuracy },
      { name: names[2], actual: a.onTime },
      { name: names[3], actual: a.cost },
      { name: names[4], tier: a.tier, score: a.tierScore },
      { name: names[5], actual: a.review },
      { name: names[6], actual: a.satisfaction },
    ],
  };
}
const allMet = (evidence?: string[], people = 3000) =>
  answers({
    people,
    accuracy: 98,
    onTime: 100,
    cost: 3,
    tier: 'achieved',
    tierScore: 15,
    review: 95,
    satisfaction: 90,
    evidence,
  });

const selfEvaluate = (d: Dept, id: string, body: unknown) =>
  api(`/v1/projects/${id}/self-evaluation`, { token: d.bearer, body });
const reviewOf = (id: string, body: unknown, bearer = finance) =>
  api(`/v1/projects/${id}/self-evaluation/review`, { token: bearer, body });

interface StoredMail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { filename: string; contentType: string; content: string }[];
}
async function mailsTo(address: string): Promise<StoredMail[]> {
  const res = await fetch(`${runtime().mail}/store`);
  const all = ((await res.json()) as { emails: StoredMail[] }).emails;
  return all.filter((m) => m.destination.to.some((t) => t.includes(address)));
}

/** A minimal PDF by its magic bytes. */
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

async function uploadEvidence(d: Dept, projectId: string): Promise<string> {
  const link = ok(
    await api(`/v1/projects/${projectId}/upload-links`, {
      token: d.bearer,
      body: { kind: 'evidence', fileName: '救助台账.pdf', contentType: 'application/pdf', size: pdf.length },
    }),
    201,
  );
  expect(link).toMatchObject({
    documentId: expect.any(String),
    url: expect.any(String),
    pageUrl: expect.any(String),
  });
  const form = new FormData();
  for (const [k, v] of Object.entries(link.fields as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'evidence.pdf');
  const posted = await fetch(link.url, { method: 'POST', body: form, redirect: 'manual' });
  await posted.arrayBuffer();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const doc = ok(await api(`/v1/documents/${link.documentId}`, { token: d.bearer }));
    if (doc.status === 'received') return link.documentId;
    if (Date.now() > deadline) throw new Error(`evidence ${link.documentId} still ${doc.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let A: Dept;
let B: Dept;
let C: Dept;
let D: Dept;
const ids = { a1: '', b1: '', b2: '', c1: '', d1: '' };

beforeAll(async () => {
  finance = await financeToken();
  const lib = ok(await api('/v1/indicator-templates?category=social_security', { token: finance }));
  goalSet = lib.goalSet.indicators;
  const {
    fiscalYear: _y,
    version: _v,
    isDefault: _d,
    createdAt: _c,
    createdBy: _b,
    ...values
  } = ok(await api(`/v1/config/${YEAR}`, { token: finance }));
  values.bureauEmails = [bureauEmail];
  ok(await api(`/v1/config/${YEAR}`, { method: 'PUT', token: finance, body: values }));

  A = await newDepartment('区民政局');
  B = await newDepartment('区人社局');
  C = await newDepartment('区残联');
  D = await newDepartment('区退役军人事务局');
  ids.a1 = await budgetedProject(A, '城乡低保', 1_000_000, 1_000_000);
  ids.b1 = await budgetedProject(B, '就业援助', 500_000.55, 400_000);
  ids.b2 = await budgetedProject(B, '技能培训补贴', 300_000, 150_000);
  ids.c1 = await budgetedProject(C, '残疾人两项补贴', 200_000, 200_000);
  ids.d1 = await budgetedProject(D, '优抚对象救助', 100_000, 100_000);
}, 120_000);

describe('goals with a qualitative target in words', () => {
  it('are saved with the words (PUT /v1/projects/{id}/goals took them)', async () => {
    const p = ok(await api(`/v1/projects/${ids.a1}`, { token: A.bearer }));
    expect(p.goals.indicators[4]).toMatchObject({
      operator: 'qualitative',
      target: '困难群众基本生活得到有效保障，群众普遍满意',
    });
  });
});

describe('a self-evaluation', () => {
  it('is refused before the fiscal year has ended, and for a project never budgeted (409)', async () => {
    const thisYear = await budgetedProject(A, '当年项目', 1000, 0, 2026);
    expectProblem(await selfEvaluate(A, thisYear, allMet()), 409);
    const draft = ok(
      await api('/v1/projects', {
        token: A.bearer,
        body: { fiscalYear: YEAR, name: '未批复', kind: 'project', isNew: false, requestedAmount: 1000 },
      }),
      201,
    );
    expectProblem(await selfEvaluate(A, draft.id, allMet()), 409);
  });

  it('needs every indicator answered, and evidence the project received (422)', async () => {
    const partial = allMet();
    partial.indicators.pop();
    const missing = expectProblem(await selfEvaluate(A, ids.a1, partial), 422);
    expect(missing.errors?.[0]?.message).toContain('救助对象满意度');
    const outOfBand = answers({
      people: 3000,
      accuracy: 98,
      onTime: 100,
      cost: 3,
      tier: 'achieved',
      tierScore: 11,
      review: 95,
      satisfaction: 90,
    });
    expect(expectProblem(await selfEvaluate(A, ids.a1, outOfBand), 422).errors).toEqual([
      expect.objectContaining({ path: 'indicators[4].score' }),
    ]);
    const othersEvidence = await uploadEvidence(B, ids.b1);
    expect(expectProblem(await selfEvaluate(A, ids.a1, allMet([othersEvidence])), 422).errors).toEqual([
      expect.objectContaining({ path: 'indicators[0].evidenceDocumentIds[0]' }),
    ]);
  });

  it('answers 201 first and 200 for a replacement; a score with evidence is supported', async () => {
    const evidence = await uploadEvidence(A, ids.a1);
    const first = ok(await selfEvaluate(A, ids.a1, allMet()), 201);
    expect(first).toMatchObject({ executionScore: 10, total: 100, grade: 'excellent', status: 'submitted' });
    expect(first.indicatorScores.every((i: Json) => i.supported === false)).toBe(true);

    // 3600 people helped against a target of 3000: beaten by 20 % (next year's goals will hear of it)
    const again = ok(await selfEvaluate(A, ids.a1, allMet([evidence], 3600)), 200);
    expect(again.indicatorScores[0]).toMatchObject({ score: 15, weight: 15, supported: true });
    expect(again.indicatorScores[1]).toMatchObject({ supported: false });
    expect(again).toMatchObject({ submissions: 2, configVersion: expect.any(Number) });
  });

  it('stops spend from being recorded (409)', async () => {
    const res = await api(`/v1/projects/${ids.a1}/expenditures`, {
      token: A.bearer,
      body: { voucherNo: 'V-late', date: '2025-12-30', amount: 1 },
    });
    expectProblem(res, 409);
  });

  it('scores each rule: the worked example of 就业援助 (B), figure by figure', async () => {
    const e = ok(
      await selfEvaluate(
        B,
        ids.b1,
        answers({
          people: 2700,
          accuracy: 98,
          onTime: 100,
          cost: 3.3,
          tier: 'partly_achieved',
          tierScore: 10,
          review: 95,
          satisfaction: 92,
        }),
      ),
      201,
    );
    // execution 400,000 ÷ 500,000.55 × 10 = 7.99999… → 8.00
    expect(e.executionScore).toBe(8);
    expect(e.indicatorScores.map((i: Json) => i.score)).toEqual([13.5, 15, 10, 9, 10, 15, 10]);
    expect(e).toMatchObject({ total: 90.5, grade: 'excellent' });
  });

  it('every figure of a poor one: 技能培训补贴 (B)', async () => {
    const e = ok(
      await selfEvaluate(
        B,
        ids.b2,
        answers({
          people: 1500,
          accuracy: 90,
          onTime: 95,
          cost: 6,
          tier: 'not_achieved',
          tierScore: 5,
          review: 50,
          satisfaction: 60,
        }),
      ),
      201,
    );
    // 150,000 ÷ 300,000 × 10 = 5; 1500 ÷ 3000 × 15 = 7.5; 90 ÷ 98 × 15 = 13.7755… → 13.78; = 95 of 100 → 9.5;
    // ≤ 6 is twice the target 3 → 0; claimed 5 (not achieved); 50 ÷ 95 × 15 = 7.894… → 7.89; 60 ÷ 90 × 10 → 6.67
    expect(e.executionScore).toBe(5);
    expect(e.indicatorScores.map((i: Json) => i.score)).toEqual([7.5, 13.78, 9.5, 0, 5, 7.89, 6.67]);
    expect(e).toMatchObject({ total: 55.34, grade: 'poor' });
  });

  it('is seen by its own department and the bureau only', async () => {
    ok(await selfEvaluate(C, ids.c1, allMet()), 201);
    ok(await selfEvaluate(D, ids.d1, allMet()), 201);
    ok(await api(`/v1/projects/${ids.c1}/self-evaluation`, { token: C.bearer }));
    ok(await api(`/v1/projects/${ids.c1}/self-evaluation`, { token: finance }));
    expectProblem(await api(`/v1/projects/${ids.c1}/self-evaluation`, { token: A.bearer }), 404);
    expectProblem(await selfEvaluate(A, ids.c1, allMet()), 404);
  });
});

describe("the bureau's review", () => {
  it('may not be done by a department (403)', async () => {
    expectProblem(await reviewOf(ids.b1, { adjustments: [] }, B.bearer), 403);
  });

  it('refuses a score above the weight and an unknown name (422)', async () => {
    const res = await reviewOf(ids.b1, {
      adjustments: [
        { name: 'execution', score: 10.5, reason: '超出' },
        { name: '不存在的指标', score: 1, reason: 'x' },
      ],
    });
    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual([
      'adjustments[0].score',
      'adjustments[1].name',
    ]);
  });

  it('corrects scores with reasons, keeps the claimed figures, once only, audited', async () => {
    const names = goalSet.map((i) => i.name);
    const r = ok(
      await reviewOf(ids.b1, {
        adjustments: [
          { name: names[0], score: 2, reason: '救助人数台账与系统数据不符' },
          { name: names[4], score: 7, reason: '证明材料不足，降为未达成' }, // leaves partly achieved's band
        ],
        comments: '综合考核',
      }),
    );
    // 90.5 − (13.5 − 2) − (10 − 7) = 76.00 → fair
    expect(r).toMatchObject({
      total: 76,
      grade: 'fair',
      status: 'reviewed',
      claimed: { total: 90.5, grade: 'excellent' },
    });
    expect(r.indicatorScores[4]).toMatchObject({ score: 7, tier: 'partly_achieved' });
    expectProblem(await reviewOf(ids.b1, { adjustments: [] }), 409);
    expectProblem(await selfEvaluate(B, ids.b1, allMet()), 409);
    const audit = ok(await api(`/v1/audit?entityId=${ids.b1}`, { token: finance }));
    expect(audit.items.map((a: Json) => a.action)).toContain('review-self-evaluation');

    ok(await reviewOf(ids.a1, { adjustments: [] }));
    ok(await reviewOf(ids.b2, { adjustments: [] }));
    ok(
      await reviewOf(ids.c1, {
        adjustments: [
          { name: names[0], score: 7.5, reason: '未达目标' },
          { name: names[4], score: 9, reason: '部分达成' },
          { name: names[6], score: 5, reason: '满意度调查样本不足' },
        ],
      }),
    );
  });
});

describe('the ranking', () => {
  it('ranks by the average reviewed total; a department without a reviewed project is not ranked', async () => {
    const r = ok(await api(`/v1/rankings?fiscalYear=${YEAR}`, { token: finance }));
    expect(r.items).toEqual([
      { rank: 1, departmentId: A.id, averageScore: 100, projects: 1 },
      { rank: 2, departmentId: C.id, averageScore: 81.5, projects: 1 },
      { rank: 3, departmentId: B.id, averageScore: 65.67, projects: 2 }, // (76 + 55.34) ÷ 2
    ]);
    const gaps = Object.fromEntries(
      r.inflation.map((i: Json) => [i.departmentId, [i.averageGap, i.flagged]]),
    );
    expect(gaps).toEqual({ [A.id]: [0, false], [B.id]: [7.25, true], [C.id]: [18.5, true] });
  });

  it('shows a department only its own row', async () => {
    const r = ok(await api(`/v1/rankings?fiscalYear=${YEAR}`, { token: C.bearer }));
    expect(r.items).toEqual([{ rank: 2, departmentId: C.id, averageScore: 81.5, projects: 1 }]);
    expect(r.inflation.map((i: Json) => i.departmentId)).toEqual([C.id]);
  });

  it('shows how ranks move under the configured alternative weightings (whatIf)', async () => {
    const r = ok(await api(`/v1/rankings?fiscalYear=${YEAR}&whatIf=true`, { token: finance }));
    expect(r.whatIf).toHaveLength(1);
    expect(r.whatIf[0].weights).toEqual({ execution: 20, output: 40, benefit: 30, satisfaction: 10 });
    expect(r.whatIf[0].items.map((i: Json) => [i.departmentId, i.rank, i.baselineRank])).toEqual([
      [A.id, 1, 1],
      [C.id, 2, 2],
      [B.id, 3, 3],
    ]);
  });
});

describe('the bulletin', () => {
  let published: Json;
  beforeAll(async () => {
    published = ok(await api('/v1/bulletins', { token: finance, body: { fiscalYear: YEAR } }), 201);
  });

  it('publishes the ranking with the commended and criticised departments', () => {
    expect(published.items.map((i: Json) => i.departmentId)).toEqual([A.id, C.id, B.id]);
    expect(published.commended.map((d: Json) => d.departmentId)).toEqual([A.id]);
    expect(published.criticised.map((d: Json) => d.departmentId)).toEqual([B.id]);
    expect(published.criticised[0].projects).toEqual([
      { projectId: ids.b2, projectName: '技能培训补贴', grade: 'poor' },
    ]);
    expect(published.unranked.map((d: Json) => d.departmentId)).toContain(D.id);
    expect(published).toMatchObject({ fiscalYear: YEAR, publication: 1, stale: false });
  });

  it('is mailed to every department and the bureau, with the workbook', async () => {
    for (const d of [A, B, C, D]) {
      const mails = (await mailsTo(d.email)).filter((m) =>
        m.subject.includes(`${YEAR}年度部门绩效自评结果通报`),
      );
      expect(mails, d.id).toHaveLength(1);
      expect(mails[0]!.body.html).toContain('区民政局');
      expect(mails[0]!.attachments[0]?.filename).toBe(`bulletin-${YEAR}-1.xlsx`);
    }
    expect(await mailsTo(bureauEmail)).toHaveLength(1);
    expect(published.mail.sent.map((s: Json) => s.departmentId ?? 'bureau')).toEqual(
      expect.arrayContaining([A.id, B.id, C.id, D.id, 'bureau']),
    );
  });

  it('goes once per publication: publishing again changes nothing (200, alreadySent)', async () => {
    const again = ok(await api('/v1/bulletins', { token: finance, body: { fiscalYear: YEAR } }), 200);
    expect(again).toMatchObject({ publication: 1, created: false });
    expect(again.mail.sent).toEqual([]);
    expect(again.mail.alreadySent.length).toBeGreaterThanOrEqual(5);
    expect(await mailsTo(A.email)).toHaveLength(1);
  });

  it('is stored as an HTML page and an xlsx, with the public data package (no personal data)', async () => {
    const doc = ok(await api(`/v1/documents/${published.documents.html.documentId}`, { token: finance }));
    expect(doc).toMatchObject({ status: 'received', kind: 'bulletin' });
    const page = await (await fetch(doc.downloadUrl)).text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('通报表扬');
    expect(page).toContain('区残联');
    ok(await api(`/v1/documents/${published.documents.xlsx.documentId}`, { token: finance }));

    const base = `${runtime().s3}/${BUCKET_NAME}/${published.publicData.prefix}`;
    const descriptor = await (await fetch(`${base}datapackage.json`)).json();
    expect(descriptor).toMatchObject({
      profile: 'data-package',
      resources: [{ path: 'projects.csv' }, { path: 'projects.json' }],
    });
    const rows = (await (await fetch(`${base}projects.json`)).json()) as Json[];
    const b2 = rows.find((r) => r.projectId === ids.b2);
    expect(b2).toMatchObject({
      grade: 'poor',
      recommendation: 'cancel',
      recommendedAmount: 0,
      departmentName: '区人社局',
    });
    const csv = await (await fetch(`${base}projects.csv`)).text();
    expect(csv).toContain(ids.a1);
    expect(csv).not.toMatch(/@/); // no mail addresses or other personal data
  });
});

describe('the results', () => {
  it('give each project its final grade, recommendation, amount and basis', async () => {
    const r = ok(await api(`/v1/results?fiscalYear=${YEAR}&limit=100`, { token: finance }));
    const byId = Object.fromEntries(r.items.map((i: Json) => [i.projectId, i]));
    expect(byId[ids.a1]).toMatchObject({
      grade: 'excellent',
      recommendation: 'priority',
      recommendedAmount: 1_000_000,
    });
    // fair → floor(500,000.55 × 0.9) = floor(450,000.495) = 450,000 whole yuan
    expect(byId[ids.b1]).toMatchObject({ grade: 'fair', recommendation: 'cut', recommendedAmount: 450_000 });
    expect(byId[ids.b1].basis).toMatchObject({
      evaluation: { source: 'self-evaluation', id: ids.b1, score: 76 },
      grade: 'fair',
      cutShare: 0.1,
      configVersion: expect.any(Number),
    });
    expect(byId[ids.b2]).toMatchObject({ grade: 'poor', recommendation: 'cancel', recommendedAmount: 0 });
    expect(byId[ids.c1]).toMatchObject({
      grade: 'good',
      recommendation: 'maintain',
      recommendedAmount: 200_000,
    });
    expect(byId[ids.d1]).toBeUndefined(); // not reviewed: no final grade yet
  });

  it('show a department only its own', async () => {
    const r = ok(await api(`/v1/results?fiscalYear=${YEAR}`, { token: B.bearer }));
    expect(r.items.map((i: Json) => i.projectId).sort()).toEqual([ids.b1, ids.b2].sort());
  });
});

describe('targets that learn', () => {
  it('question next year’s target below what the department achieved last year (a warning)', async () => {
    const p = ok(
      await api('/v1/projects', {
        token: A.bearer,
        body: {
          fiscalYear: 2026,
          name: '城乡低保（续）',
          kind: 'project',
          isNew: false,
          requestedAmount: 1000,
        },
      }),
      201,
    );
    const saved = ok(
      await api(`/v1/projects/${p.id}/goals`, {
        method: 'PUT',
        token: A.bearer,
        body: { overallGoal: '应保尽保', indicators: goalSet },
      }),
    );
    const warning = saved.goals.warnings.find((w: Json) => w.rule === 'target-below-last-actual');
    expect(warning).toMatchObject({ path: 'indicators[0].target' });
    expect(warning.messages['zh-CN']).toContain('实际完成3600人');
    // Another department's history is not A's: B's goals for 2026 get no such warning
    const q = ok(
      await api('/v1/projects', {
        token: B.bearer,
        body: {
          fiscalYear: 2026,
          name: '就业援助（续）',
          kind: 'project',
          isNew: false,
          requestedAmount: 1000,
        },
      }),
      201,
    );
    const other = ok(
      await api(`/v1/projects/${q.id}/goals`, {
        method: 'PUT',
        token: B.bearer,
        body: { overallGoal: '稳就业', indicators: goalSet },
      }),
    );
    expect(other.goals.warnings.map((w: Json) => w.rule)).not.toContain('target-below-last-actual');
  });
});

describe('the staleness guard', () => {
  it('marks the bulletin stale after a late review, says what changed, and the next publication mails again', async () => {
    ok(await reviewOf(ids.d1, { adjustments: [] }));
    const b = ok(await api(`/v1/bulletins/${YEAR}`, { token: finance }));
    expect(b.stale).toBe(true);
    expect(b.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'review', projectId: ids.d1 }),
        expect.objectContaining({ kind: 'new-result', projectId: ids.d1 }),
      ]),
    );
    const next = ok(await api('/v1/bulletins', { token: finance, body: { fiscalYear: YEAR } }), 201);
    expect(next).toMatchObject({ publication: 2, stale: false });
    // A and D both average 100 with one project each: the department id decides
    const tied = [A.id, D.id].sort();
    expect(next.items.map((i: Json) => [i.rank, i.departmentId])).toEqual([
      [1, tied[0]],
      [2, tied[1]],
      [3, C.id],
      [4, B.id],
    ]);
    expect(await mailsTo(D.email)).toHaveLength(2);
    expect(ok(await api(`/v1/bulletins/${YEAR}`, { token: D.bearer })).stale).toBe(false);
  });

  it('marks it stale after a budget adjustment (an accepted clawback), naming the project', async () => {
    // 10,000 of 1,000,000 spent by the August checkpoint: a red light, a clawback recommendation
    const late = await budgetedProject(D, '优抚设施维修', 1_000_000, 10_000);
    ok(await api('/v1/monitoring/sweeps', { token: finance, body: { asOf: `${YEAR}-08-31` } }));
    const claws = ok(await api('/v1/clawbacks?status=recommended&limit=100', { token: finance }));
    const claw = claws.items.find((c: Json) => c.projectId === late);
    expect(claw, JSON.stringify(claws.items)).toBeDefined();
    ok(
      await api(`/v1/clawbacks/${claw.id}/decision`, {
        token: finance,
        body: { decision: 'accept', reason: '执行缓慢' },
      }),
    );

    const b = ok(await api(`/v1/bulletins/${YEAR}`, { token: finance }));
    expect(b.stale).toBe(true);
    expect(b.changes).toEqual([expect.objectContaining({ kind: 'budget-adjustment', projectId: late })]);
  });
});
