// Execution and monitoring end to end (domain.md §3, api-contract.md "Execution and monitoring"), over HTTP
// against the system global-setup.ts started: spend, sweep at a chosen asOf, the lights and their figures
// (checked against hand computation), rectification notices, clawbacks and their decision, what a department
// may see, and the scheduled sweep running the same code as the on-demand route.
//
// Every sweep scans the executing projects of 2026 of every department, other tests' included: the
// assertions look only at this file's own projects, each test registering its own department(s).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadJob } from '../../infra/local/scheduler.js';
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

/** The fiscal year of these walks; today (the system's clock) is in it, so 2026 dates before today are past. */
const YEAR = 2026;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Today in Asia/Shanghai, as the system sees it. */
const today = () => SYSTEM_TODAY;

// biome-ignore lint/suspicious/noExplicitAny: bodies as the API answered them; the assertions check them
type Json = any;

let finance: string;
let educationGoals: Json[];

beforeAll(async () => {
  finance = await financeToken();
  const templates = await api('/v1/indicator-templates?category=education', { token: finance });
  expect(templates.status, templates.text).toBe(200);
  educationGoals = templates.json.goalSet.indicators;
  // The hand computations below use the defaults of domain.md: make sure nobody changed 2026's rules.
  const config = await api(`/v1/config/${YEAR}`, { token: finance });
  expect(config.json, config.text).toMatchObject({
    monitoring: {
      yellowFrom: 60,
      greenFrom: 80,
      blueFrom: 120,
      divergencePoints: 10,
      checkpoints: ['04-30', '06-30', '08-31', '10-31'],
      rectificationWorkingDays: 10,
      clawbackFromMonth: 8,
      minClawbackAmount: 1000,
    },
    calendar: { holidays: [], makeUpWorkdays: [] },
  });
  expect(today() > `${YEAR}-10-31` && today() <= `${YEAR}-12-31`, `today is ${today()}`).toBe(true);
});

function ok(res: ApiResponse, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  return res.json;
}

/** A registered department and a token of one of its users. */
async function newDepartment() {
  const dept = await createDepartment(uniqueId('DM'));
  return { id: dept.id, bearer: await token({ role: 'department', departmentId: dept.id }) };
}
type Dept = Awaited<ReturnType<typeof newDepartment>>;

/**
 * A project of 2026 walked to `executing` as projects.test.ts does: not new and under 3,000,000, so no
 * ex-ante assessment; education goals, submitted, reviewed excellent, budgeted at `budget`.
 */
async function executingProject(dept: Dept, budget: number, disbursementPlan?: number[]): Promise<Json> {
  const created = ok(
    await api('/v1/projects', {
      token: dept.bearer,
      body: {
        fiscalYear: YEAR,
        name: `监测项目 ${uniqueId('N')}`,
        kind: 'project',
        isNew: false,
        requestedAmount: budget,
        category: 'education',
      },
    }),
    201,
  );
  const goals = { overallGoal: '新增学位1200个，改善办学条件', indicators: educationGoals };
  ok(await api(`/v1/projects/${created.id}/goals`, { method: 'PUT', token: dept.bearer, body: goals }));
  ok(await api(`/v1/projects/${created.id}/submit`, { method: 'POST', token: dept.bearer }));
  ok(await api(`/v1/projects/${created.id}/goal-review`, { token: finance, body: { grade: 'excellent' } }));
  const budgeted = ok(
    await api(`/v1/projects/${created.id}/budget`, {
      token: finance,
      body: { approvedAmount: budget, ...(disbursementPlan ? { disbursementPlan } : {}) },
    }),
  );
  expect(budgeted.status).toBe('executing');
  return budgeted;
}

const spend = (
  bearer: string,
  projectId: string,
  body: { voucherNo: string; date: string; amount: number; note?: string },
) => api(`/v1/projects/${projectId}/expenditures`, { token: bearer, body });

/** Records expenditures (each must be new: 201). */
async function spent(dept: Dept, projectId: string, ...items: [date: string, amount: number][]) {
  for (const [n, [date, amount]] of items.entries()) {
    ok(await spend(dept.bearer, projectId, { voucherNo: `V-${n + 1}`, date, amount }), 201);
  }
}

/** An on-demand sweep as of `asOf` (its global counts are not asserted: other tests' projects are in it). */
async function sweep(asOf: string): Promise<Json> {
  return ok(await api('/v1/monitoring/sweeps', { token: finance, body: { asOf } }));
}

const monitoring = async (bearer: string, projectId: string) =>
  ok(await api(`/v1/projects/${projectId}/monitoring`, { token: bearer }));

/** Every item of a list, following nextToken. */
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

const noticesOf = async (bearer: string, projectId: string, status?: string) =>
  (await listAll(`/v1/rectifications${status ? `?status=${status}` : ''}`, bearer)).filter(
    (n) => n.projectId === projectId,
  );
const clawbacksOf = async (bearer: string, projectId: string, status?: string) =>
  (await listAll(`/v1/clawbacks${status ? `?status=${status}` : ''}`, bearer)).filter(
    (c) => c.projectId === projectId,
  );

/** A department with a project of 1,000,000.00 that spent 100,000.00 on 2026-03-15: red all year. */
async function redProject() {
  const dept = await newDepartment();
  const project = await executingProject(dept, 1_000_000);
  await spent(dept, project.id, ['2026-03-15', 100_000]);
  return { dept, project };
}

describe('spend, sweep, see the lights', () => {
  it('budget 1,200,000.00, 360,000.00 spent by June’s end: progress 0.5, rate 0.3, index 60.00, yellow', async () => {
    const dept = await newDepartment();
    const p = await executingProject(dept, 1_200_000);
    // The July expenditure is after asOf: it does not count.
    await spent(dept, p.id, ['2026-02-10', 200_000], ['2026-05-20', 160_000], ['2026-07-05', 50_000]);

    await sweep('2026-06-30');

    const seen = await monitoring(dept.bearer, p.id);
    expect(seen).toMatchObject({
      asOf: '2026-06-30',
      projectId: p.id,
      timeProgress: 0.5,
      spentAmount: 360_000,
      approvedAmount: 1_200_000,
      executionRate: 0.3,
      executionIndex: 60,
      executionLight: 'yellow',
      goalLight: 'none',
      divergence: false,
    });
    expect(seen.indicators).toHaveLength(educationGoals.length);
    expect(seen.indicators.every((i: Json) => i.light === 'none' && i.index === null)).toBe(true);
  });

  it('GET /v1/projects/{id} carries the latest monitoring result', async () => {
    const dept = await newDepartment();
    const p = await executingProject(dept, 1_200_000);
    await spent(dept, p.id, ['2026-02-10', 360_000]);

    await sweep('2026-06-30');

    const res = await api(`/v1/projects/${p.id}`, { token: dept.bearer });
    expect(res.status).toBe(200);
    expect(res.json.monitoring).toMatchObject({
      asOf: '2026-06-30',
      executionIndex: 60,
      executionLight: 'yellow',
    });
  });

  it('at the bands: 359,940.00 → 59.99 red, 479,940.00 → 79.99 yellow, 480,000.00 → 80.00 green', async () => {
    const dept = await newDepartment();
    const spends = [359_940, 479_940, 480_000];
    const ps = [];
    for (const amount of spends) {
      const p = await executingProject(dept, 1_200_000);
      await spent(dept, p.id, ['2026-04-01', amount]);
      ps.push(p);
    }

    await sweep('2026-06-30');

    const seen = await Promise.all(ps.map((p) => monitoring(finance, p.id)));
    expect(seen.map((s) => [s.executionRate, s.executionIndex, s.executionLight])).toEqual([
      [0.3, 59.99, 'red'], // 0.29995 shown to four decimals
      [0.4, 79.99, 'yellow'],
      [0.4, 80, 'green'],
    ]);
  });

  it('before the first month ends there is no light (the rate is still shown)', async () => {
    const dept = await newDepartment();
    const p = await executingProject(dept, 1_200_000);
    await spent(dept, p.id, ['2026-01-10', 120_000]);

    await sweep('2026-01-30');

    expect(await monitoring(dept.bearer, p.id)).toMatchObject({
      asOf: '2026-01-30',
      timeProgress: 0,
      executionRate: 0.1,
      executionIndex: null,
      executionLight: 'none',
    });
  });

  it('a disbursement plan replaces the months: June’s share 0.4, rate 0.3 → index 75, yellow', async () => {
    const dept = await newDepartment();
    const plan = [0.05, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
    const p = await executingProject(dept, 1_200_000, plan);
    await spent(dept, p.id, ['2026-05-31', 360_000]);

    await sweep('2026-06-30');

    expect(await monitoring(dept.bearer, p.id)).toMatchObject({
      timeProgress: 0.4,
      executionRate: 0.3,
      executionIndex: 75,
      executionLight: 'yellow',
    });
  });

  it('a monitoring report gives the indicator lights; the goal light is the worst of them', async () => {
    const dept = await newDepartment();
    const p = await executingProject(dept, 1_000_000);
    const asOf = today();
    const [y, mo, d] = asOf.split('-').map(Number) as [number, number, number];
    const m = d === new Date(Date.UTC(y, mo, 0)).getUTCDate() ? mo : mo - 1; // whole months elapsed
    // Actuals proportional to the months so that each index is exact: actual = target × m ÷ 12 × k.
    const actual: Record<string, Json> = {
      新增学位数: { actual: 100 * m }, // 1200 × m/12 × 1 → 100 green
      工程竣工验收合格率: { actual: 10 * m }, // 100 × m/12 × 1.2 → 120 blue (`=` reads as `>=`)
      项目按期完工率: { actual: 0, likelihood: 'possible', deviationCause: '工期延误', measures: '倒排工期' }, // → 0 red
      生均建设成本: { actual: 3.5 }, // <= 3.5 → green
      适龄儿童少年入学率: { actual: (995 * m) / 100 }, // 99.5 × m/12 × 1.2 → 120 blue
      办学条件持续改善: { tier: 'partly_achieved' }, // → yellow
      学生家长满意度: { actual: 7.5 * m }, // 90 × m/12 × 1 → 100 green
    };
    const indicators = educationGoals.map((g) => ({
      name: g.name,
      likelihood: 'certain',
      ...actual[g.name],
    }));
    ok(
      await api(`/v1/projects/${p.id}/monitoring-reports`, {
        token: dept.bearer,
        body: { period: asOf.slice(0, 7), indicators },
      }),
      201,
    );

    await sweep(asOf);

    const seen = await monitoring(dept.bearer, p.id);
    expect(seen.indicators.map((i: Json) => [i.name, i.index, i.light])).toEqual([
      ['新增学位数', 100, 'green'],
      ['工程竣工验收合格率', 120, 'blue'],
      ['项目按期完工率', 0, 'red'],
      ['生均建设成本', null, 'green'],
      ['适龄儿童少年入学率', 120, 'blue'],
      ['办学条件持续改善', null, 'yellow'],
      ['学生家长满意度', 100, 'green'],
    ]);
    // goal progress (>= only): (15 × m/12 + 10 × 0 + 15 × min(m/10, 1) + 10 × m/12) ÷ 50; nothing spent
    const progress = (15 * (m / 12) + 15 * Math.min(m / 10, 1) + 10 * (m / 12)) / 50;
    expect(seen).toMatchObject({
      goalLight: 'red',
      reportPeriod: asOf.slice(0, 7),
      executionRate: 0,
      divergence: true,
    });
    expect(seen.goalProgress).toBe(Math.round(progress * 10_000) / 10_000);
    expect((await noticesOf(dept.bearer, p.id)).map((n) => n.cause).sort()).toEqual(['execution', 'goal']);
  });

  it('a sweep as of a day after today → 422 on asOf', async () => {
    const tomorrow = new Date(Date.parse(`${today()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

    const res = await api('/v1/monitoring/sweeps', { token: finance, body: { asOf: tomorrow } });

    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual(['asOf']);
  });

  it('a department may not run a sweep → 403', async () => {
    const dept = await newDepartment();

    expectProblem(
      await api('/v1/monitoring/sweeps', { token: dept.bearer, body: { asOf: '2026-06-30' } }),
      403,
    );
  });

  it('a project no sweep has covered has no monitoring result → 404', async () => {
    const dept = await newDepartment();
    const p = await executingProject(dept, 500_000);

    expectProblem(await api(`/v1/projects/${p.id}/monitoring`, { token: dept.bearer }), 404);
  });
});

describe('rectification notices', () => {
  it('a red light issues exactly one notice, due 10 working days later, even when the sweep runs twice', async () => {
    const { dept, project } = await redProject();

    await sweep('2026-06-30');
    await sweep('2026-06-30');

    expect(await monitoring(dept.bearer, project.id)).toMatchObject({
      executionIndex: 20,
      executionLight: 'red',
    });
    expect(await noticesOf(dept.bearer, project.id)).toEqual([
      expect.objectContaining({
        id: expect.any(String),
        projectId: project.id,
        cause: 'execution',
        reason: expect.stringContaining('执行率10.00%'),
        issuedOn: '2026-06-30', // a Tuesday
        dueOn: '2026-07-14', // 10 working days, two weekends skipped
        status: 'open',
      }),
    ]);
  });

  it('a later sweep within the due date issues no second notice', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-06-30');

    await sweep('2026-07-10');

    expect((await noticesOf(dept.bearer, project.id)).map((n) => n.issuedOn)).toEqual(['2026-06-30']);
  });

  it('the department answers with causes and measures → responded', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-06-30');
    const [notice] = await noticesOf(dept.bearer, project.id);

    const res = await api(`/v1/rectifications/${notice.id}/response`, {
      token: dept.bearer,
      body: { causes: '招标延迟', measures: '加快招标，九月底前支付' },
    });

    expect(ok(res)).toMatchObject({
      id: notice.id,
      status: 'responded',
      response: { causes: '招标延迟', measures: '加快招标，九月底前支付' },
      version: notice.version + 1,
    });
  });

  it('the bureau verifies a responded notice → resolved; verifying again → 409', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-06-30');
    const [notice] = await noticesOf(dept.bearer, project.id);
    ok(
      await api(`/v1/rectifications/${notice.id}/response`, {
        token: dept.bearer,
        body: { causes: 'c', measures: 'm' },
      }),
    );

    const verified = await api(`/v1/rectifications/${notice.id}/verification`, {
      token: finance,
      body: { result: 'resolved', comments: '已整改' },
    });
    const again = await api(`/v1/rectifications/${notice.id}/verification`, {
      token: finance,
      body: { result: 'not_resolved' },
    });

    expect(ok(verified)).toMatchObject({
      status: 'resolved',
      verification: { result: 'resolved', comments: '已整改' },
    });
    expectProblem(again, 409);
  });

  it('verifying an open notice (not answered yet) → 409', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-06-30');
    const [notice] = await noticesOf(dept.bearer, project.id);

    const res = await api(`/v1/rectifications/${notice.id}/verification`, {
      token: finance,
      body: { result: 'resolved' },
    });

    expect(expectProblem(res, 409).detail).toMatch(/open/);
  });

  it('answering a notice already answered → 409', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-06-30');
    const [notice] = await noticesOf(dept.bearer, project.id);
    const answer = { causes: 'c', measures: 'm' };
    ok(await api(`/v1/rectifications/${notice.id}/response`, { token: dept.bearer, body: answer }));

    const again = await api(`/v1/rectifications/${notice.id}/response`, { token: dept.bearer, body: answer });

    expect(expectProblem(again, 409).detail).toMatch(/responded/);
  });

  it('a notice not answered by its due date becomes overdue, and can still be answered', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-06-30');

    await sweep('2026-07-15');

    const [notice] = await noticesOf(dept.bearer, project.id, 'overdue');
    expect(notice).toMatchObject({ status: 'overdue', dueOn: '2026-07-14' });
    const answered = await api(`/v1/rectifications/${notice.id}/response`, {
      token: dept.bearer,
      body: { causes: 'c', measures: 'm' },
    });
    expect(ok(answered).status).toBe('responded');
  });
});

describe('clawbacks', () => {
  it('an overdue notice leads to a clawback of 828,571 (1,000,000 − 100,000 × 12 ÷ 7, down to whole yuan)', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-06-30');

    await sweep('2026-07-31');

    const [notice] = await noticesOf(dept.bearer, project.id);
    const clawbacks = await clawbacksOf(finance, project.id);
    expect(notice.status).toBe('overdue');
    expect(clawbacks).toEqual([
      expect.objectContaining({
        projectId: project.id,
        status: 'recommended',
        asOf: '2026-07-31',
        cause: `rectification:${notice.id}`,
        recommendedAmount: 828_571,
        basis: expect.objectContaining({
          approvedAmount: 1_000_000,
          spent: 100_000,
          timeProgress: 0.5833, // 7 ÷ 12
          projectedSpend: 171_428.57, // 100,000 × 12 ÷ 7 = 171,428.571…
        }),
      }),
    ]);
  });

  it('a red light at the August checkpoint recommends 850,000 (1,000,000 − 100,000 × 12 ÷ 8), once', async () => {
    const { project } = await redProject();

    await sweep('2026-08-31');
    await sweep('2026-08-31');

    expect(await clawbacksOf(finance, project.id)).toEqual([
      expect.objectContaining({
        cause: 'checkpoint:2026-08-31',
        recommendedAmount: 850_000,
        basis: expect.objectContaining({ timeProgress: 0.6667, projectedSpend: 150_000 }),
      }),
    ]);
  });

  it('accepting more than recommended → 422 on amount', async () => {
    const { project } = await redProject();
    await sweep('2026-08-31');
    const [clawback] = await clawbacksOf(finance, project.id);

    const res = await api(`/v1/clawbacks/${clawback.id}/decision`, {
      token: finance,
      body: { decision: 'accept', amount: 850_000.01, reason: '执行滞后' },
    });

    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual(['amount']);
  });

  it('accepting lowers the approved budget by the recommended amount, with a budget-adjustment audit record', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-08-31');
    const [clawback] = await clawbacksOf(finance, project.id);

    const decided = await api(`/v1/clawbacks/${clawback.id}/decision`, {
      token: finance,
      body: { decision: 'accept', reason: '执行严重滞后，调减预算' },
    });

    expect(ok(decided)).toMatchObject({
      id: clawback.id,
      status: 'accepted',
      decision: { decision: 'accept', amount: 850_000 },
    });
    const seen = ok(await api(`/v1/projects/${project.id}`, { token: dept.bearer }));
    expect(seen.budget).toMatchObject({ approvedAmount: 150_000, initialAmount: 1_000_000 });
    const audit = await listAll(`/v1/audit?entityId=${project.id}`, finance);
    expect(audit.filter((a) => a.action === 'budget-adjustment')).toEqual([
      expect.objectContaining({
        entityType: 'project',
        entityId: project.id,
        actor: expect.objectContaining({ role: 'finance' }),
        before: { approvedFen: 100_000_000 },
        after: expect.objectContaining({
          clawbackId: clawback.id,
          beforeFen: 100_000_000,
          cutFen: 85_000_000,
          afterFen: 15_000_000,
        }),
      }),
    ]);
  });

  it('accepting a smaller amount lowers the budget by that amount only', async () => {
    const { project } = await redProject();
    await sweep('2026-08-31');
    const [clawback] = await clawbacksOf(finance, project.id);

    ok(
      await api(`/v1/clawbacks/${clawback.id}/decision`, {
        token: finance,
        body: { decision: 'accept', amount: 500_000, reason: '部分调减' },
      }),
    );

    const seen = ok(await api(`/v1/projects/${project.id}`, { token: finance }));
    expect(seen.budget.approvedAmount).toBe(500_000);
  });

  it('rejecting needs only a reason and keeps the budget; deciding again → 409', async () => {
    const { project } = await redProject();
    await sweep('2026-08-31');
    const [clawback] = await clawbacksOf(finance, project.id);

    const rejected = await api(`/v1/clawbacks/${clawback.id}/decision`, {
      token: finance,
      body: { decision: 'reject', reason: '四季度集中支付' },
    });
    const again = await api(`/v1/clawbacks/${clawback.id}/decision`, {
      token: finance,
      body: { decision: 'accept', reason: 'x' },
    });

    expect(ok(rejected).status).toBe('rejected');
    expect(ok(await api(`/v1/projects/${project.id}`, { token: finance })).budget.approvedAmount).toBe(
      1_000_000,
    );
    expectProblem(again, 409);
  });

  it('a department may not decide → 403', async () => {
    const { dept, project } = await redProject();
    await sweep('2026-08-31');
    const [clawback] = await clawbacksOf(finance, project.id);

    const res = await api(`/v1/clawbacks/${clawback.id}/decision`, {
      token: dept.bearer,
      body: { decision: 'reject', reason: 'x' },
    });

    expectProblem(res, 403);
  });
});

describe('what a department sees', () => {
  // Two departments with a red project each, swept at the August checkpoint: a notice and a clawback each.
  let a: { dept: Dept; project: Json };
  let b: { dept: Dept; project: Json };
  let yellow: Json;

  beforeAll(async () => {
    a = await redProject();
    b = await redProject();
    yellow = await executingProject(a.dept, 1_000_000);
    await spent(a.dept, yellow.id, ['2026-03-15', 450_000]); // 0.45 ÷ 8/12 → 67.5
    await sweep('2026-08-31');
  });

  it('its flags: its own projects only', async () => {
    const flags = await listAll(`/v1/monitoring/flags?fiscalYear=${YEAR}`, a.dept.bearer);

    expect(flags.map((f) => f.projectId).sort()).toEqual([a.project.id, yellow.id].sort());
  });

  it('its flags without a fiscal year: the current one (the system’s today is in 2026)', async () => {
    const flags = await listAll('/v1/monitoring/flags', a.dept.bearer);

    expect(flags.map((f) => f.projectId).sort()).toEqual([a.project.id, yellow.id].sort());
  });

  it('its red flags: only its red project', async () => {
    const flags = await listAll(`/v1/monitoring/flags?fiscalYear=${YEAR}&light=red`, a.dept.bearer);

    expect(flags.map((f) => [f.projectId, f.light])).toEqual([[a.project.id, 'red']]);
  });

  it('the bureau’s red flags: both departments’ red projects, every one red, not the yellow one', async () => {
    const flags = await listAll(`/v1/monitoring/flags?fiscalYear=${YEAR}&light=red`, finance);

    const ids = flags.map((f) => f.projectId);
    expect(ids).toEqual(expect.arrayContaining([a.project.id, b.project.id]));
    expect(ids).not.toContain(yellow.id);
    expect(flags.every((f) => f.light === 'red')).toBe(true);
  });

  it('its notices: its own only', async () => {
    const notices = await listAll('/v1/rectifications', a.dept.bearer);

    expect(notices.map((n) => n.projectId)).toEqual([a.project.id]);
  });

  it('its clawbacks: its own only', async () => {
    const clawbacks = await listAll('/v1/clawbacks', a.dept.bearer);

    expect(clawbacks.map((c) => [c.projectId, c.recommendedAmount])).toEqual([[a.project.id, 850_000]]);
  });

  it('another department’s monitoring result → 404', async () => {
    expectProblem(await api(`/v1/projects/${b.project.id}/monitoring`, { token: a.dept.bearer }), 404);
  });

  it('answering another department’s notice → 404', async () => {
    const [notice] = await noticesOf(b.dept.bearer, b.project.id);

    const res = await api(`/v1/rectifications/${notice.id}/response`, {
      token: a.dept.bearer,
      body: { causes: 'c', measures: 'm' },
    });

    expectProblem(res, 404);
  });
});

describe('expenditures', () => {
  let dept: Dept;
  let project: Json;

  beforeAll(async () => {
    dept = await newDepartment();
    project = await executingProject(dept, 100_000);
  });

  const list = async () => ok(await api(`/v1/projects/${project.id}/expenditures`, { token: dept.bearer }));

  it('the same voucher and body again → 200 and nothing new', async () => {
    const body = { voucherNo: 'V-SAME', date: '2026-04-01', amount: 1_000, note: '材料费' };
    const first = await spend(dept.bearer, project.id, body);

    const again = await spend(dept.bearer, project.id, body);

    expect(ok(first, 201)).toMatchObject({ voucherNo: 'V-SAME', amount: 1_000, cumulativeAmount: 1_000 });
    expect(ok(again, 200)).toMatchObject({ voucherNo: 'V-SAME', amount: 1_000, cumulativeAmount: 1_000 });
    const after = await list();
    expect(after.items.filter((e: Json) => e.voucherNo === 'V-SAME')).toHaveLength(1);
    expect(after.cumulativeAmount).toBe(1_000);
  });

  it('the same voucher with another body → 409', async () => {
    ok(await spend(dept.bearer, project.id, { voucherNo: 'V-OTHER', date: '2026-04-02', amount: 500 }), 201);

    const res = await spend(dept.bearer, project.id, {
      voucherNo: 'V-OTHER',
      date: '2026-04-02',
      amount: 501,
    });

    expect(expectProblem(res, 409).detail).toMatch(/V-OTHER/);
  });

  it('a date after today → 422 on date', async () => {
    const tomorrow = new Date(Date.parse(`${today()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

    const res = await spend(dept.bearer, project.id, { voucherNo: 'V-FUTURE', date: tomorrow, amount: 1 });

    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual(['date']);
  });

  it('a date outside the fiscal year → 422 on date', async () => {
    const res = await spend(dept.bearer, project.id, { voucherNo: 'V-2025', date: '2025-12-31', amount: 1 });

    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual(['date']);
  });

  it('the bureau may record spend too', async () => {
    const before = (await list()).cumulativeAmount;

    const res = await spend(finance, project.id, { voucherNo: 'V-FIN', date: '2026-04-03', amount: 0.01 });

    expect(ok(res, 201).cumulativeAmount).toBe(Math.round((before + 0.01) * 100) / 100);
  });

  it('spend above the budget → 422 on amount; exactly the rest → 201', async () => {
    const before = (await list()).cumulativeAmount;
    const rest = Math.round((100_000 - before) * 100) / 100;

    const above = await spend(dept.bearer, project.id, {
      voucherNo: 'V-ABOVE',
      date: '2026-05-01',
      amount: rest + 0.01,
    });
    const exact = await spend(dept.bearer, project.id, {
      voucherNo: 'V-EXACT',
      date: '2026-05-01',
      amount: rest,
    });

    expect(expectProblem(above, 422).errors?.map((e) => e.path)).toEqual(['amount']);
    expect(ok(exact, 201).cumulativeAmount).toBe(100_000);
  });

  it('a project that is not executing → 409', async () => {
    const created = ok(
      await api('/v1/projects', {
        token: dept.bearer,
        body: { fiscalYear: YEAR, name: '草稿项目', kind: 'project', isNew: false, requestedAmount: 1_000 },
      }),
      201,
    );

    const res = await spend(dept.bearer, created.id, { voucherNo: 'V-DRAFT', date: '2026-04-01', amount: 1 });

    expect(expectProblem(res, 409).detail).toMatch(/draft/);
  });

  it('another department’s project → 404', async () => {
    const other = await newDepartment();

    const res = await spend(other.bearer, project.id, { voucherNo: 'V-X', date: '2026-04-01', amount: 1 });

    expectProblem(res, 404);
  });
});

describe('the scheduled sweep runs the same code as the on-demand route', () => {
  let job: (input: Record<string, unknown>) => Promise<unknown>;

  beforeAll(async () => {
    // In this process the job finds the running system's table the way Lambda does: from the environment.
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', runtime().dynamodb);
    vi.stubEnv('TABLE_NAME', 'budget-performance');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('SWEEP_QUEUE_URL', undefined);
    const { schedules } = await import('../../functions/jobs/schedules.js');
    const def = schedules.find((s) => s.name === 'monitoring-sweep')!;
    job = await loadJob(repoRoot, def.entry); // what infra/local/scheduler.ts fires
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it('the job’s handler with { asOf } writes the snapshot the route writes for the same asOf', async () => {
    const { dept, project } = await redProject();

    const [scheduled] = (await job({ asOf: '2026-09-30' })) as Json[];
    const bySchedule = await monitoring(dept.bearer, project.id);
    await sweep('2026-09-29'); // another day in between, so that the route's sweep writes the snapshot anew
    const onDemand = await sweep('2026-09-30');
    const byRoute = await monitoring(dept.bearer, project.id);

    expect(scheduled).toMatchObject({ asOf: '2026-09-30', sweepId: expect.any(String) });
    expect(bySchedule.sweepId).toBe(scheduled.sweepId);
    expect(byRoute.sweepId).toBe(onDemand.sweepId);
    expect({ ...bySchedule, sweepId: '' }).toEqual({ ...byRoute, sweepId: '' });
    // 100,000 ÷ 1,000,000 ÷ 9/12 × 100 = 13.33
    expect(byRoute).toMatchObject({
      asOf: '2026-09-30',
      timeProgress: 0.75,
      executionIndex: 13.33,
      executionLight: 'red',
    });
  });

  it('the scheduled sweep is listed as triggered by the schedule, the route’s by request', async () => {
    const [scheduled] = (await job({ asOf: '2026-09-30' })) as Json[];
    const onDemand = await sweep('2026-09-30');

    const sweeps = await listAll('/v1/monitoring/sweeps', finance);

    const trigger = (id: string) => sweeps.find((s) => s.sweepId === id)?.trigger;
    expect([trigger(scheduled.sweepId), trigger(onDemand.sweepId)]).toEqual(['schedule', 'request']);
  });

  it('a requested sweep is a job to follow: each department done, with its counts adding up to the summary', async () => {
    const onDemand = await sweep('2026-09-30');

    const progress = ok(await api(`/v1/monitoring/sweeps/${onDemand.sweepId}`, { token: finance }));

    expect(progress).toMatchObject({ sweepId: onDemand.sweepId, complete: true, incompleteDepartments: [] });
    const results = progress.departmentResults as Json[];
    expect(results).toHaveLength(onDemand.departments);
    expect(results.every((r) => r.status === 'done')).toBe(true);
    const scanned = results.reduce((n, r) => n + (r.counts as Json).projectsScanned, 0);
    expect(scanned).toBe(onDemand.projectsScanned);
  });

  it('an unknown sweep is 404, and a department may not follow sweeps (403)', async () => {
    const dept = await newDepartment();

    const unknown = await api('/v1/monitoring/sweeps/S-2026-09-30-nothing0', { token: finance });
    const forbidden = await api('/v1/monitoring/sweeps/S-2026-09-30-nothing0', { token: dept.bearer });

    expect([unknown.status, forbidden.status]).toEqual([404, 403]);
  });
});
