import type { RuntimeInfo } from './system.js';

/**
 * A small, lived-in demo data set, loaded over HTTP through the real API (same validation, audit and
 * rules as any client) on an empty data folder. Later features add their records here.
 */
export const demoDepartments = [
  { id: 'D-EDU', name: '区教育局', contactEmails: ['jiaoyu@example.gov.cn'] },
  { id: 'D-HEALTH', name: '区卫生健康委员会', contactEmails: ['weijian@example.gov.cn'] },
  { id: 'D-TRANS', name: '区交通运输局', contactEmails: ['jiaotong@example.gov.cn'] },
  { id: 'D-AGRI', name: '区农业农村局', contactEmails: ['nongye@example.gov.cn'] },
  { id: 'D-CIVIL', name: '区民政局', contactEmails: ['minzheng@example.gov.cn'], locale: 'en' },
];

export const demoAgencies = [
  {
    id: 'A-01',
    name: '华信绩效评价咨询有限公司',
    contactEmails: ['pingjia@huaxin.example.com'],
    conflictDepartmentIds: ['D-HEALTH'],
  },
  {
    id: 'A-02',
    name: '正源会计师事务所',
    contactEmails: ['audit@zhengyuan.example.com'],
    conflictDepartmentIds: [],
  },
];

export type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function apiCaller(info: RuntimeInfo, token: string): Call {
  return async (method, path, body) => {
    const res = await fetch(`${info.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo data: ${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

/** Signs a token for a role, as the token CLI does. */
export type TokenFor = (role: 'finance' | 'department', departmentId?: string) => Promise<string>;

const goalSet = async (dept: Call, category: string, overallGoal: string) => {
  const library = (await dept('GET', `/v1/indicator-templates?category=${category}`)) as {
    goalSet: { indicators: unknown[] };
  };
  return { overallGoal, indicators: library.goalSet.indicators };
};

const assessment = (score: number, conclusion: string, extra: Record<string, unknown> = {}) => ({
  scores: {
    necessity: score,
    economy: score,
    goalReasonableness: score,
    feasibility: score,
    financingCompliance: score,
  },
  conclusion,
  ...extra,
});

export async function loadDemoData(
  info: RuntimeInfo,
  tokenFor: TokenFor,
  fiscalYear: number,
  today: string,
): Promise<string> {
  const finance = apiCaller(info, await tokenFor('finance'));
  for (const d of demoDepartments) await finance('POST', '/v1/departments', d);
  for (const a of demoAgencies) await finance('POST', '/v1/agencies', a);

  const edu = apiCaller(info, await tokenFor('department', 'D-EDU'));
  const health = apiCaller(info, await tokenFor('department', 'D-HEALTH'));
  const trans = apiCaller(info, await tokenFor('department', 'D-TRANS'));
  const agri = apiCaller(info, await tokenFor('department', 'D-AGRI'));
  const civil = apiCaller(info, await tokenFor('department', 'D-CIVIL'));
  const propose = async (
    dept: Call,
    body: Record<string, unknown>,
    category: string,
    overallGoal: string,
  ) => {
    const p = (await dept('POST', '/v1/projects', {
      fiscalYear,
      kind: 'project',
      isNew: true,
      category,
      ...body,
    })) as {
      id: string;
    };
    await dept('PUT', `/v1/projects/${p.id}/goals`, await goalSet(dept, category, overallGoal));
    return p.id;
  };

  // draft: goals written, not yet submitted
  await propose(
    civil,
    { name: '社区养老服务驿站建设', requestedAmount: 1_800_000 },
    'social_security',
    '建成养老服务驿站6个',
  );
  // under review: a new project above the threshold, waiting for its ex-ante assessment
  const review = await propose(
    trans,
    { name: '城区慢行系统改造', requestedAmount: 12_000_000 },
    'infrastructure',
    '改造慢行道路12公里',
  );
  await trans('POST', `/v1/projects/${review}/submit`);
  // returned: the goals were graded fair
  const returned = await propose(
    agri,
    { name: '数字农业示范基地', requestedAmount: 2_500_000 },
    'agriculture',
    '建成示范基地2个',
  );
  await agri('POST', `/v1/projects/${returned}/submit`);
  await finance('POST', `/v1/projects/${returned}/goal-review`, {
    grade: 'fair',
    comments: '效益指标需量化，请补充亩均增产目标',
  });
  // rejected: the ex-ante assessment did not support it
  const rejected = await propose(
    health,
    { name: '区级医疗大数据平台', requestedAmount: 9_000_000 },
    'health',
    '建成区级医疗数据平台',
  );
  await health('POST', `/v1/projects/${rejected}/submit`);
  await finance('POST', `/v1/projects/${rejected}/ex-ante-assessment`, assessment(10, 'not_supported'));
  // in the library: supported after adjustment, goals approved, budget not yet approved
  const library = await propose(
    agri,
    { name: '高标准农田建设（二期）', requestedAmount: 6_000_000 },
    'agriculture',
    '建成高标准农田2万亩',
  );
  await agri('POST', `/v1/projects/${library}/submit`);
  await finance(
    'POST',
    `/v1/projects/${library}/ex-ante-assessment`,
    assessment(14, 'supported_after_adjustment', { recommendedAmount: 5_200_000 }),
  );
  await finance('POST', `/v1/projects/${library}/goal-review`, { grade: 'good', comments: '目标清晰' });
  // executing: budgets approved, one with a monthly disbursement plan, one continuing project
  const school = await propose(
    edu,
    { name: '第一中学改扩建工程', requestedAmount: 8_000_000 },
    'education',
    '新增学位1200个',
  );
  await edu('POST', `/v1/projects/${school}/submit`);
  await finance('POST', `/v1/projects/${school}/ex-ante-assessment`, assessment(17, 'supported'));
  await finance('POST', `/v1/projects/${school}/goal-review`, { grade: 'excellent' });
  await finance('POST', `/v1/projects/${school}/budget`, {
    approvedAmount: 7_800_000,
    disbursementPlan: [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  });
  const clinic = await propose(
    health,
    { name: '家庭医生签约服务', requestedAmount: 2_400_000, isNew: false },
    'health',
    '签约服务5万人',
  );
  await health('POST', `/v1/projects/${clinic}/submit`);
  await finance('POST', `/v1/projects/${clinic}/goal-review`, { grade: 'good' });
  await finance('POST', `/v1/projects/${clinic}/budget`, { approvedAmount: 2_400_000 });

  const monitoring = await demoMonitoring({ finance, edu, health }, { school, clinic }, fiscalYear, today);
  const evaluation = await demoEvaluation({ finance, edu, health, trans, civil }, fiscalYear - 1);
  return `${demoDepartments.length} departments, ${demoAgencies.length} agencies, 7 projects of ${fiscalYear} in every status${monitoring}${evaluation}`;
}

/**
 * The year so far: spend on the executing projects, a monitoring report, the bureau's address in the rules,
 * a sweep as of the last checkpoint (lights, notices, clawbacks) and its report emails — so the mail page
 * and the monitoring routes have something to show. Dates never pass today.
 */
async function demoMonitoring(
  callers: { finance: Call; edu: Call; health: Call },
  ids: { school: string; clinic: string },
  fiscalYear: number,
  today: string,
): Promise<string> {
  const { finance, edu, health } = callers;
  const config = (await finance('GET', `/v1/config/${fiscalYear}`)) as Record<string, unknown>;
  const { fiscalYear: _y, version, isDefault: _d, createdAt: _c, createdBy: _b, ...values } = config;
  await finance('PUT', `/v1/config/${fiscalYear}`, {
    ...values,
    bureauEmails: ['jixiao@finance.example.gov.cn'],
  });
  const on = (md: string) => `${fiscalYear}-${md}`;
  const spend = async (dept: Call, id: string, rows: [string, number][]) => {
    for (const [i, [md, amount]] of rows.entries()) {
      if (on(md) > today) continue;
      await dept('POST', `/v1/projects/${id}/expenditures`, {
        voucherNo: `DEMO-${i + 1}`,
        date: on(md),
        amount,
      });
    }
  };
  await spend(edu, ids.school, [
    ['02-20', 300_000],
    ['04-20', 900_000],
    ['07-10', 800_000],
  ]);
  await spend(health, ids.clinic, [
    ['01-25', 200_000],
    ['03-28', 400_000],
    ['06-15', 500_000],
    ['09-18', 400_000],
  ]);
  const checkpoints = (values.monitoring as { checkpoints: string[] }).checkpoints
    .map(on)
    .filter((d) => d < today);
  const asOf = checkpoints.at(-1);
  if (!asOf) return '';
  const library = (await health('GET', '/v1/indicator-templates?category=health')) as {
    goalSet: { indicators: { name: string; operator: string; target?: number }[] };
  };
  await health('POST', `/v1/projects/${ids.clinic}/monitoring-reports`, {
    period: asOf.slice(0, 7),
    indicators: library.goalSet.indicators.map((i) =>
      i.operator === 'qualitative'
        ? {
            name: i.name,
            tier: 'partly_achieved',
            likelihood: 'possible',
            deviationCause: '进度偏慢',
            measures: '加强督导',
          }
        : { name: i.name, actual: (i.target ?? 0) * 0.7, likelihood: 'certain' },
    ),
  });
  await finance('POST', '/v1/monitoring/sweeps', { asOf });
  await finance('POST', '/v1/monitoring/report-emails', { asOf });
  // …and today's sweep, which also sees the report just filed (a report counts from the day it is filed).
  await finance('POST', '/v1/monitoring/sweeps', { asOf: today });
  return `; spend, a report, sweeps as of ${asOf} (with its report emails) and today`;
}

interface DemoIndicator {
  name: string;
  operator: string;
  target?: number | string;
  weight: number;
}

/**
 * Answers for a self-evaluation at a share of each target (`share` 1 = every target met): `>=` and `=`
 * indicators at target × share, `<=` ones at target ÷ share, qualitative ones in the tier the share suggests
 * with a score inside its band.
 */
function demoAnswers(indicators: DemoIndicator[], share: number) {
  return indicators.map((i) => {
    if (i.operator === 'qualitative') {
      const [tier, part] =
        share >= 0.95 ? ['achieved', 0.9] : share >= 0.8 ? ['partly_achieved', 0.7] : ['not_achieved', 0.4];
      return { name: i.name, tier, score: Math.floor(i.weight * (part as number) * 100) / 100 };
    }
    const t = i.target as number;
    const actual = i.operator === '<=' ? t / share : t * share;
    return { name: i.name, actual: Math.round(actual * 100) / 100 };
  });
}

/**
 * Last year's evaluation (绩效自评 → 复核 → 通报): continuing projects of four departments budgeted and spent
 * in `year`, their self-evaluations and the bureau's reviews (one claim corrected), and the published bulletin
 * (stored in the bucket, mailed), so the ranking, the bulletin and the results have something to show.
 * D-AGRI has no project that year: it appears unranked.
 */
async function demoEvaluation(
  callers: { finance: Call; edu: Call; health: Call; trans: Call; civil: Call },
  year: number,
): Promise<string> {
  const { finance } = callers;
  const config = (await finance('GET', `/v1/config/${year}`)) as Record<string, unknown>;
  const { fiscalYear: _y, version: _v, isDefault: _d, createdAt: _c, createdBy: _b, ...values } = config;
  await finance('PUT', `/v1/config/${year}`, { ...values, bureauEmails: ['jixiao@finance.example.gov.cn'] });
  const plans: {
    dept: Call;
    name: string;
    category: string;
    goal: string;
    budget: number;
    spent: number;
    share: number;
    review?: { name: number | 'execution'; score: number; reason: string }[];
    /** An evidence document for the first indicator, uploaded as a department does (the dossier lists it). */
    evidence?: string;
  }[] = [
    {
      dept: callers.edu,
      name: '义务教育学校校舍维修',
      category: 'education',
      goal: '完成校舍维修30所',
      budget: 3_000_000,
      spent: 2_950_000,
      share: 1,
      evidence: '校舍维修竣工验收报告.pdf',
    },
    {
      dept: callers.edu,
      name: '学生营养改善计划',
      category: 'education',
      goal: '覆盖学生1.2万人',
      budget: 1_200_000,
      spent: 1_080_000,
      share: 0.92,
    },
    {
      dept: callers.health,
      name: '基本公共卫生服务',
      category: 'health',
      goal: '基本公共卫生服务覆盖全区',
      budget: 2_000_000,
      spent: 1_700_000,
      share: 0.97,
      review: [
        { name: 0, score: 8, reason: '签约人数含重复统计，按核实数计分' },
        { name: 1, score: 10, reason: '考核合格率证明材料不全' },
      ],
    },
    {
      dept: callers.trans,
      name: '农村公路养护',
      category: 'infrastructure',
      goal: '养护农村公路120公里',
      budget: 1_500_000,
      spent: 600_000,
      share: 0.5,
    },
    {
      dept: callers.civil,
      name: '城乡低保救助',
      category: 'social_security',
      goal: '困难群众应保尽保',
      budget: 5_000_000,
      spent: 4_990_000,
      share: 0.85,
    },
  ];
  for (const plan of plans) {
    const lib = (await plan.dept('GET', `/v1/indicator-templates?category=${plan.category}`)) as {
      goalSet: { indicators: DemoIndicator[] };
    };
    const p = (await plan.dept('POST', '/v1/projects', {
      fiscalYear: year,
      name: plan.name,
      kind: 'project',
      isNew: false,
      requestedAmount: plan.budget,
      category: plan.category,
    })) as { id: string };
    await plan.dept('PUT', `/v1/projects/${p.id}/goals`, {
      overallGoal: plan.goal,
      indicators: lib.goalSet.indicators,
    });
    await plan.dept('POST', `/v1/projects/${p.id}/submit`);
    await finance('POST', `/v1/projects/${p.id}/goal-review`, { grade: 'good' });
    await finance('POST', `/v1/projects/${p.id}/budget`, { approvedAmount: plan.budget });
    await plan.dept('POST', `/v1/projects/${p.id}/expenditures`, {
      voucherNo: 'DEMO-Y1',
      date: `${year}-06-30`,
      amount: Math.round(plan.spent * 0.6),
    });
    await plan.dept('POST', `/v1/projects/${p.id}/expenditures`, {
      voucherNo: 'DEMO-Y2',
      date: `${year}-11-30`,
      amount: plan.spent - Math.round(plan.spent * 0.6),
    });
    const answers: Record<string, unknown>[] = demoAnswers(lib.goalSet.indicators, plan.share);
    if (plan.evidence)
      answers[0] = {
        ...answers[0],
        evidenceDocumentIds: [await demoEvidence(plan.dept, p.id, plan.evidence)],
      };
    await plan.dept('POST', `/v1/projects/${p.id}/self-evaluation`, {
      summary: `${plan.name}：年度绩效目标${plan.share >= 1 ? '全部完成' : '基本完成'}`,
      indicators: answers,
    });
    await finance('POST', `/v1/projects/${p.id}/self-evaluation/review`, {
      adjustments: (plan.review ?? []).map((a) => ({
        name: a.name === 'execution' ? 'execution' : lib.goalSet.indicators[a.name]!.name,
        score: a.score,
        reason: a.reason,
      })),
      comments: '已复核',
    });
  }
  await finance('POST', '/v1/bulletins', { fiscalYear: year });
  return `; ${plans.length} projects of ${year} self-evaluated and reviewed, and the ${year} bulletin published`;
}

/**
 * An evidence document of a project the way a department gives one: an upload link from the API, the file posted
 * to the bucket with it, and the arrival check (size, type by magic bytes, sha256) that makes it `received`. It
 * goes through the same store as any upload, so it is on the project's document list (the dossier's, gsi1
 * `PROJECT#<id>#DOCS`). Returns its id once received.
 */
async function demoEvidence(dept: Call, projectId: string, fileName: string): Promise<string> {
  const bytes = Buffer.from(
    `%PDF-1.4\n% ${projectId} evidence (demo)\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
  const link = (await dept('POST', `/v1/projects/${projectId}/upload-links`, {
    kind: 'evidence',
    fileName,
    contentType: 'application/pdf',
    size: bytes.length,
  })) as { documentId: string; url: string; fields: Record<string, string> };
  const form = new FormData();
  for (const [k, v] of Object.entries(link.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'file');
  const res = await fetch(link.url, { method: 'POST', body: form, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status >= 400) throw new Error(`demo data: the evidence upload → ${res.status}`);
  for (let attempt = 0; attempt < 200; attempt++) {
    const doc = (await dept('GET', `/v1/documents/${link.documentId}`)) as {
      status: string;
      reason?: string;
    };
    if (doc.status === 'received') return link.documentId;
    if (doc.status !== 'pending') throw new Error(`demo data: the evidence was ${doc.status}: ${doc.reason}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('demo data: the evidence upload never arrived');
}
