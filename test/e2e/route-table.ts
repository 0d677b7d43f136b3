// The routes under test and the records they need: for every declared route (keyed `METHOD /path`) a valid
// request against the records of tenant A and the status each of five callers gets (test/e2e/matrix.test.ts
// checks them; test/e2e/fuzz.test.ts sends hostile variants of the same requests), and `buildTenants`, which
// makes those records over HTTP — two departments, two agencies, and for tenant A projects, notices,
// clawbacks, self-evaluations and third-party evaluations in every state a route needs.
import type { Role } from '../../shared/domain/actor.js';
import {
  badTokens,
  educationGoals,
  evaluation,
  evaluationDocument,
  type Json,
  listAll,
  monitoringReportBody,
  must,
  newAgency,
  newDepartment,
  pool,
  project,
  ratingScores,
  reportBody,
  reviewed,
  selfEvaluated,
  selfEvaluationBody,
  spend,
  type Tenant,
} from './fixtures.js';
import { api, financeToken, uniqueId } from './support.js';
import { SYSTEM_TODAY } from './today.js';

export const badCallers = ['none', 'expired', 'otherKey', 'wrongAudience', 'wrongIssuer'] as const;
export const goodCallers = [
  'finance',
  'ownDepartment',
  'otherDepartment',
  'ownAgency',
  'otherAgency',
] as const;
export type Caller = (typeof badCallers)[number] | (typeof goodCallers)[number];
export const callers: readonly Caller[] = [...badCallers, ...goodCallers];
export const roleOf: Record<(typeof goodCallers)[number], Role> = {
  finance: 'finance',
  ownDepartment: 'department',
  otherDepartment: 'department',
  ownAgency: 'evaluator',
  otherAgency: 'evaluator',
};

/** The records of the two tenants: A (department DA, agency AA) owns them all; B (DB, AB) owns none. */
export interface Fixtures {
  year: number;
  /** The August checkpoint of the year: a red project gets a notice and a clawback. */
  asOf: string;
  /** the August sweep that made the notices and the clawback */
  sweepId: string;
  goalSet: Json[];
  reportOfJune: Json;
  selfEvaluation: Json;
  DA: Tenant;
  DB: Tenant;
  AA: Tenant;
  AB: Tenant;
  /** executing, spent, swept, with evaluation E1 (plan approved) */
  PA: string;
  /** draft without goals; a draft with goals; submitted and new (needs an assessment); submitted; in the library */
  PD: string;
  PD2: string;
  PX: string;
  PG: string;
  PB: string;
  /** an open notice; a responded notice; a recommended clawback */
  N1: string;
  N2: string;
  C1: string;
  /** self-evaluated (submitted); self-evaluated, for the review */
  PS1: string;
  PS2: string;
  /** evaluations by AA: plan approved (on PA), plan submitted, plan approved with a received report, report submitted, report approved */
  E1: string;
  E2: string;
  E3: string;
  E3report: string;
  E4: string;
  E5: string;
  /** executing with no evaluation: to commission one */
  PE6: string;
  /** a (pending) evidence document of PA, its upload page, an import of DA */
  docA: string;
  uploadPage: string;
  importA: string;
  configValues: Json;
}

export interface Req {
  path: string;
  body?: unknown;
}

export type Status = number | readonly number[];
export interface Expectation {
  request: (f: Fixtures, caller: Caller) => Req;
  /** For a public route: every caller's status (a token is not looked at). */
  public?: Status;
  /** Else: finance, own department, other department, own agency, other agency (the five bad tokens: 401). */
  expect?: readonly [Status, Status, Status, Status, Status];
  /** Published to every department (the bulletin): another tenant may read tenant A's ids in it. */
  published?: boolean;
}

/** Ids of tenant A that no reply to tenant B may hold. */
export const tenantARecords = (f: Fixtures) => [
  f.DA.id,
  f.AA.id,
  f.PA,
  f.PD,
  f.PS1,
  f.N1,
  f.C1,
  f.E1,
  f.docA,
  f.importA,
];

const get = (path: string) => () => ({ path });
export const F = 403; // a role the route does not allow

/** Every declared route, keyed `METHOD /path`: who gets what. */
export const routeTable: Record<string, Expectation> = {
  // meta
  'GET /health': { request: get('/health'), public: 200 },
  'GET /openapi.json': { request: get('/openapi.json'), public: 200 },
  'GET /docs': { request: get('/docs'), public: 200 },
  'GET /docs/{asset}': { request: get('/docs/swagger-ui.css'), public: 200 },
  // reference
  'POST /v1/departments': {
    request: () => {
      const id = uniqueId('DX');
      return { path: '/v1/departments', body: { id, name: id, contactEmails: ['x@example.gov.cn'] } };
    },
    expect: [201, F, F, F, F],
  },
  'GET /v1/departments': { request: get('/v1/departments'), expect: [200, 200, 200, F, F] },
  'GET /v1/departments/{id}': {
    request: (f) => ({ path: `/v1/departments/${f.DA.id}` }),
    expect: [200, 200, 404, F, F],
  },
  'PUT /v1/departments/{id}': {
    request: (f) => ({
      path: `/v1/departments/${f.DA.id}`,
      body: { name: `部门 ${f.DA.id}`, contactEmails: [`${f.DA.id.toLowerCase()}@example.gov.cn`] },
    }),
    expect: [200, F, F, F, F],
  },
  'POST /v1/agencies': {
    request: () => {
      const id = uniqueId('AX');
      return { path: '/v1/agencies', body: { id, name: id, contactEmails: ['x@agency.example.cn'] } };
    },
    expect: [201, F, F, F, F],
  },
  'GET /v1/agencies': { request: get('/v1/agencies'), expect: [200, F, F, F, F] },
  'GET /v1/agencies/{id}': {
    request: (f) => ({ path: `/v1/agencies/${f.AA.id}` }),
    expect: [200, F, F, 200, 404],
  },
  'PUT /v1/agencies/{id}': {
    request: (f) => ({
      path: `/v1/agencies/${f.AA.id}`,
      body: { name: `评价机构 ${f.AA.id}`, contactEmails: [`${f.AA.id.toLowerCase()}@agency.example.cn`] },
    }),
    expect: [200, F, F, F, F],
  },
  'GET /v1/config/{fiscalYear}': {
    request: (f) => ({ path: `/v1/config/${f.year}` }),
    expect: [200, 200, 200, 200, 200],
  },
  'GET /v1/config/{fiscalYear}/versions': {
    request: (f) => ({ path: `/v1/config/${f.year}/versions` }),
    expect: [200, F, F, F, F],
  },
  'PUT /v1/config/{fiscalYear}': {
    request: (f) => ({ path: `/v1/config/${f.year}`, body: f.configValues }),
    expect: [200, F, F, F, F],
  },
  'POST /v1/indicator-templates': {
    request: (f) => ({
      path: '/v1/indicator-templates',
      body: {
        fiscalYear: f.year + 1,
        category: 'education',
        indicator: { ...(f.goalSet[0] as Record<string, Json>), name: `矩阵指标 ${uniqueId('T')}` },
      },
    }),
    expect: [201, F, F, F, F],
  },
  'GET /v1/indicator-templates': {
    request: get('/v1/indicator-templates?category=health'),
    expect: [200, 200, 200, 200, 200],
  },
  'GET /v1/audit': {
    request: (f) => ({ path: `/v1/audit?entityId=${f.PA}` }),
    expect: [200, F, F, F, F],
  },
  // projects
  'POST /v1/projects': {
    request: (f) => ({
      path: '/v1/projects',
      body: { fiscalYear: f.year, name: '矩阵', kind: 'policy', isNew: false, requestedAmount: 1000 },
    }),
    expect: [F, 201, 201, F, F],
  },
  'GET /v1/projects': { request: get('/v1/projects'), expect: [200, 200, 200, F, F] },
  'GET /v1/projects/{id}/dossier': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/dossier` }),
    expect: [200, 200, 404, F, F],
  },
  'GET /v1/projects/{id}/dossier.html': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/dossier.html` }),
    expect: [200, 200, 404, F, F],
  },
  'GET /v1/projects/{id}/dossier/audit': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/dossier/audit` }),
    expect: [200, 200, 404, F, F],
  },
  'GET /v1/projects/{id}/dossier/lights': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/dossier/lights` }),
    expect: [200, 200, 404, F, F],
  },
  'GET /v1/projects/{id}/dossier/documents': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/dossier/documents` }),
    expect: [200, 200, 404, F, F],
  },
  'GET /v1/projects/{id}': {
    request: (f) => ({ path: `/v1/projects/${f.PA}` }),
    expect: [200, 200, 404, F, F],
  },
  'PUT /v1/projects/{id}/goals': {
    request: (f) => ({
      path: `/v1/projects/${f.PD}/goals`,
      body: { overallGoal: '目标', indicators: f.goalSet },
    }),
    expect: [F, 200, 404, F, F],
  },
  'POST /v1/projects/{id}/submit': {
    request: (f) => ({ path: `/v1/projects/${f.PD2}/submit` }),
    expect: [F, 200, 404, F, F],
  },
  'POST /v1/projects/{id}/ex-ante-assessment': {
    request: (f) => ({
      path: `/v1/projects/${f.PX}/ex-ante-assessment`,
      body: {
        scores: {
          necessity: 18,
          economy: 18,
          goalReasonableness: 18,
          feasibility: 18,
          financingCompliance: 18,
        },
        conclusion: 'supported',
      },
    }),
    expect: [201, F, F, F, F],
  },
  'POST /v1/projects/{id}/goal-review': {
    request: (f) => ({ path: `/v1/projects/${f.PG}/goal-review`, body: { grade: 'excellent' } }),
    expect: [200, F, F, F, F],
  },
  'POST /v1/projects/{id}/budget': {
    request: (f) => ({ path: `/v1/projects/${f.PB}/budget`, body: { approvedAmount: 1_000_000 } }),
    expect: [200, F, F, F, F],
  },
  // monitoring
  'POST /v1/projects/{id}/expenditures': {
    request: (f) => ({
      path: `/v1/projects/${f.PA}/expenditures`,
      body: { voucherNo: uniqueId('MX'), date: `${f.year}-05-01`, amount: 1 },
    }),
    expect: [201, 201, 404, F, F],
  },
  'GET /v1/projects/{id}/expenditures': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/expenditures` }),
    expect: [200, 200, 404, F, F],
  },
  'POST /v1/projects/{id}/monitoring-reports': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/monitoring-reports`, body: f.reportOfJune }),
    expect: [F, 201, 404, F, F],
  },
  'POST /v1/monitoring/sweeps': {
    request: (f) => ({ path: '/v1/monitoring/sweeps', body: { asOf: f.asOf } }),
    expect: [200, F, F, F, F],
  },
  'GET /v1/monitoring/sweeps': { request: get('/v1/monitoring/sweeps'), expect: [200, F, F, F, F] },
  'GET /v1/monitoring/sweeps/{sweepId}': {
    request: (f) => ({ path: `/v1/monitoring/sweeps/${f.sweepId}` }),
    expect: [200, F, F, F, F],
  },
  'GET /v1/projects/{id}/monitoring': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/monitoring` }),
    expect: [200, 200, 404, F, F],
  },
  'GET /v1/monitoring/flags': {
    request: (f) => ({ path: `/v1/monitoring/flags?fiscalYear=${f.year}` }),
    expect: [200, 200, 200, F, F],
  },
  'GET /v1/rectifications': { request: get('/v1/rectifications'), expect: [200, 200, 200, F, F] },
  'POST /v1/rectifications/{id}/response': {
    request: (f) => ({
      path: `/v1/rectifications/${f.N1}/response`,
      body: { causes: '延迟', measures: '加快' },
    }),
    expect: [F, 200, 404, F, F],
  },
  'POST /v1/rectifications/{id}/verification': {
    request: (f) => ({ path: `/v1/rectifications/${f.N2}/verification`, body: { result: 'resolved' } }),
    expect: [200, F, F, F, F],
  },
  'GET /v1/clawbacks': { request: get('/v1/clawbacks'), expect: [200, 200, 200, F, F] },
  'POST /v1/clawbacks/{id}/decision': {
    request: (f) => ({
      path: `/v1/clawbacks/${f.C1}/decision`,
      body: { decision: 'reject', reason: '矩阵' },
    }),
    expect: [200, F, F, F, F],
  },
  // documents and imports
  'GET /v1/documents/{id}': {
    request: (f) => ({ path: `/v1/documents/${f.docA}` }),
    expect: [200, 200, 404, 404, 404],
  },
  'GET /v1/upload-pages/{token}': { request: (f) => ({ path: f.uploadPage }), public: 200 },
  'POST /v1/expenditure-imports': {
    request: () => ({ path: '/v1/expenditure-imports', body: { fileName: 'treasury.csv', size: 100 } }),
    expect: [201, 201, 201, F, F],
  },
  'GET /v1/expenditure-imports/{id}': {
    request: (f) => ({ path: `/v1/expenditure-imports/${f.importA}` }),
    expect: [200, 200, 404, F, F],
  },
  // reports
  'POST /v1/monitoring/report-emails': {
    request: (f) => ({ path: '/v1/monitoring/report-emails', body: { asOf: f.asOf } }),
    expect: [200, F, F, F, F],
  },
  // No report-mails job is made for the matrix (its mails would cross other files' checkpoints): an unknown
  // job is the bureau's 404, and 403 for everyone else.
  'GET /v1/monitoring/report-email-jobs/{jobId}': {
    request: () => ({ path: '/v1/monitoring/report-email-jobs/RJ-NOSUCH' }),
    expect: [404, F, F, F, F],
  },
  'GET /v1/monitoring/report-emails': {
    request: (f) => ({ path: `/v1/monitoring/report-emails?asOf=${f.asOf}` }),
    expect: [200, F, F, F, F],
  },
  // evaluation and results
  'POST /v1/projects/{id}/self-evaluation': {
    request: (f) => ({ path: `/v1/projects/${f.PS1}/self-evaluation`, body: f.selfEvaluation }),
    expect: [F, 200, 404, F, F], // a replacement (the first was made in beforeAll)
  },
  'GET /v1/projects/{id}/self-evaluation': {
    request: (f) => ({ path: `/v1/projects/${f.PS1}/self-evaluation` }),
    expect: [200, 200, 404, F, F],
  },
  'POST /v1/projects/{id}/self-evaluation/review': {
    request: (f) => ({ path: `/v1/projects/${f.PS2}/self-evaluation/review`, body: { adjustments: [] } }),
    expect: [200, F, F, F, F],
  },
  'POST /v1/projects/{id}/upload-links': {
    request: (f) => ({
      path: `/v1/projects/${f.PA}/upload-links`,
      body: { kind: 'evidence', fileName: 'e.pdf', contentType: 'application/pdf', size: 100 },
    }),
    expect: [201, 201, 404, F, F],
  },
  'GET /v1/rankings': {
    request: (f) => ({ path: `/v1/rankings?fiscalYear=${f.year}` }),
    expect: [200, 200, 200, F, F],
  },
  'POST /v1/bulletins': {
    request: (f) => ({ path: '/v1/bulletins', body: { fiscalYear: f.year } }),
    expect: [[200, 201], F, F, F, F], // 201 when a review made the last one stale
  },
  'GET /v1/bulletins/{fiscalYear}': {
    request: (f) => ({ path: `/v1/bulletins/${f.year}` }),
    expect: [200, 200, 200, F, F],
    published: true,
  },
  'GET /v1/results': {
    request: (f) => ({ path: `/v1/results?fiscalYear=${f.year}` }),
    expect: [200, 200, 200, F, F],
  },
  // third-party evaluation
  'POST /v1/evaluations': {
    request: (f) => ({ path: '/v1/evaluations', body: { projectId: f.PE6, agencyId: f.AA.id } }),
    expect: [201, F, F, F, F],
  },
  'GET /v1/evaluations': { request: get('/v1/evaluations'), expect: [200, F, F, 200, 200] },
  'GET /v1/evaluations/{id}': {
    request: (f) => ({ path: `/v1/evaluations/${f.E1}` }),
    expect: [200, F, F, 200, 404],
  },
  'POST /v1/evaluations/{id}/upload-links': {
    request: (f) => ({
      path: `/v1/evaluations/${f.E1}/upload-links`,
      body: { kind: 'evidence', fileName: 'e.pdf', contentType: 'application/pdf', size: 100 },
    }),
    expect: [201, F, F, 201, 404],
  },
  'POST /v1/evaluations/{id}/plan-review': {
    request: (f) => ({ path: `/v1/evaluations/${f.E2}/plan-review`, body: { decision: 'approve' } }),
    expect: [200, F, F, F, F],
  },
  'POST /v1/evaluations/{id}/report': {
    request: (f) => ({ path: `/v1/evaluations/${f.E3}/report`, body: reportBody(f.E3report) }),
    expect: [F, F, F, 201, 404],
  },
  'POST /v1/evaluations/{id}/report-review': {
    request: (f) => ({ path: `/v1/evaluations/${f.E4}/report-review`, body: { decision: 'approve' } }),
    expect: [200, F, F, F, F],
  },
  'POST /v1/evaluations/{id}/supervision-records': {
    request: (f) => ({
      path: `/v1/evaluations/${f.E1}/supervision-records`,
      body: { date: SYSTEM_TODAY, checked: '现场', findings: '无' },
    }),
    expect: [201, F, F, F, F],
  },
  'GET /v1/evaluations/{id}/supervision-records': {
    request: (f) => ({ path: `/v1/evaluations/${f.E1}/supervision-records` }),
    expect: [200, F, F, F, F],
  },
  'POST /v1/agencies/{id}/ratings': {
    request: (f) => ({
      path: `/v1/agencies/${f.AA.id}/ratings`,
      body: { evaluationId: f.E5, scores: ratingScores },
    }),
    expect: [201, F, F, F, F],
  },
  'GET /v1/agencies/{id}/ratings': {
    request: (f) => ({ path: `/v1/agencies/${f.AA.id}/ratings` }),
    expect: [200, F, F, F, F],
  },
  'GET /v1/agencies/{id}/scorecard': {
    request: (f) => ({ path: `/v1/agencies/${f.AA.id}/scorecard` }),
    expect: [200, F, F, F, F],
  },
  'GET /v1/projects/{id}/eligible-agencies': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/eligible-agencies` }),
    expect: [200, F, F, F, F],
  },
  'GET /v1/projects/{id}/evidence': {
    request: (f) => ({ path: `/v1/projects/${f.PA}/evidence` }),
    expect: [200, 200, 404, F, F],
  },
};

/**
 * The records of two tenants in fiscal year `year` (a past one: every date of it is before today): tenant A
 * (department DA, agency AA) owns them all, in every state a route needs; tenant B (DB, AB) owns none.
 */
export async function buildTenants(year: number): Promise<Fixtures> {
  const asOf = `${year}-08-31`;
  const goalSet = await educationGoals();
  const reportOfJune = await monitoringReportBody(`${year}-06`);
  const selfEvaluation = await selfEvaluationBody();
  const finance = await financeToken();
  const [DA, DB, AA, AB] = await Promise.all([
    newDepartment('DMA'),
    newDepartment('DMB'),
    newAgency('AMA'),
    newAgency('AMB'),
  ]);
  const at =
    (to: Parameters<typeof project>[1]['to'], extra = {}) =>
    () =>
      project(DA, { year, to, ...extra });
  const [PA, PD, PD2, PX, PG, PB, R1, R2, PS1, PS2, PS3, PE2, PE3, PE4, PE5, PE6] = await pool(
    [
      at('executing'),
      at('draft'),
      at('goals'),
      at('submitted', { isNew: true, budget: 3_000_000 }),
      at('submitted'),
      at('library'),
      at('executing'),
      at('executing'),
      at('executing'),
      at('executing'),
      at('executing'),
      at('executing'),
      at('executing'),
      at('executing'),
      at('executing'),
      at('executing'),
    ],
    6,
    (make) => make(),
  );
  await Promise.all([
    spend(DA, PA, 'V-1', `${year}-03-15`, 500_000),
    spend(DA, R1, 'V-1', `${year}-03-15`, 100_000),
    spend(DA, R2, 'V-1', `${year}-03-15`, 100_000),
  ]);
  // The August checkpoint: R1 and R2 (10 % spent) are red: a notice and a clawback each.
  const { sweepId } = must(await api('/v1/monitoring/sweeps', { token: finance, body: { asOf } }), 'sweep');
  const notices = await listAll('/v1/rectifications', DA.bearer);
  const noticeOf = (p: string) => notices.find((n) => n.projectId === p)?.id as string;
  const N1 = noticeOf(R1);
  const N2 = noticeOf(R2);
  must(
    await api(`/v1/rectifications/${N2}/response`, {
      token: DA.bearer,
      body: { causes: 'c', measures: 'm' },
    }),
    'response to N2',
  );
  const C1 = (await listAll('/v1/clawbacks', finance)).find(
    (c) => c.projectId === R1 && c.status === 'recommended',
  )?.id as string;

  await Promise.all([PS1, PS2, PS3].map((p) => selfEvaluated(DA, p)));
  await reviewed(PS3);
  must(await api('/v1/bulletins', { token: finance, body: { fiscalYear: year } }), 'bulletin', 201);

  const [E1, E2, E3, E4, E5] = await Promise.all([
    evaluation(PA, AA, 'plan_approved'),
    evaluation(PE2, AA, 'plan_submitted'),
    evaluation(PE3, AA, 'plan_approved'),
    evaluation(PE4, AA, 'report_submitted'),
    evaluation(PE5, AA, 'report_approved'),
  ]);
  const E3report = await evaluationDocument(E3, AA, 'report');

  const link = must(
    await api(`/v1/projects/${PA}/upload-links`, {
      token: DA.bearer,
      body: { kind: 'evidence', fileName: '台账.pdf', contentType: 'application/pdf', size: 1000 },
    }),
    'evidence link',
    201,
  );
  const importA = must(
    await api('/v1/expenditure-imports', { token: DA.bearer, body: { fileName: 'a.csv', size: 100 } }),
    'import',
    201,
  ).importId;
  const {
    fiscalYear: _y,
    version: _v,
    isDefault: _d,
    createdAt: _c,
    createdBy: _b,
    ...configValues
  } = must(await api(`/v1/config/${year}`, { token: finance }), 'config');
  for (const [name, id] of Object.entries({ N1, N2, C1 }))
    if (!id) throw new Error(`no ${name} after the sweep`);
  return {
    year,
    asOf,
    sweepId,
    goalSet,
    reportOfJune,
    selfEvaluation,
    DA,
    DB,
    AA,
    AB,
    PA,
    PD,
    PD2,
    PX,
    PG,
    PB,
    N1,
    N2,
    C1,
    PS1,
    PS2,
    E1,
    E2,
    E3,
    E3report,
    E4,
    E5,
    PE6,
    docA: link.documentId,
    uploadPage: new URL(link.pageUrl).pathname,
    importA,
    configValues,
  } as Fixtures;
}

/** The token of each caller: none, the four bad ones, finance, and the users of the four tenants. */
export async function callerTokens(f: Fixtures): Promise<Record<Caller, string | undefined>> {
  return {
    none: undefined,
    ...(await badTokens()),
    finance: await financeToken(),
    ownDepartment: f.DA.bearer,
    otherDepartment: f.DB.bearer,
    ownAgency: f.AA.bearer,
    otherAgency: f.AB.bearer,
  };
}
