// Projects end to end (domain.md §1–2, api-contract.md "Projects, ex-ante assessment, goals, budget"): the
// walks from a department's request to an executing budget, over HTTP against the system global-setup.ts
// started. Each test registers its own departments, so the tests do not depend on one another.
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

/** The fiscal year of these walks (other e2e files change the rules of 2031, 2032, 2041 and 2042 only). */
const YEAR = 2027;

interface Indicator {
  level1: string;
  level2: string;
  name: string;
  operator: string;
  target?: number;
  unit?: string;
  weight: number;
  explanation?: string;
}
interface Goals {
  overallGoal: string;
  indicators: Indicator[];
}
interface Page<T> {
  items: T[];
  nextToken?: string;
}
// biome-ignore lint/suspicious/noExplicitAny: a project as the API answered it; the assertions check it
type ProjectJson = any;

let finance: string;
/** The education template of the indicator library, as the API serves it. */
let educationSet: Indicator[];

beforeAll(async () => {
  finance = await financeToken();
  const res = await api('/v1/indicator-templates?category=education', { token: finance });
  expect(res.status, res.text).toBe(200);
  educationSet = res.json.goalSet.indicators;
});

/** A valid goal set: the education template with an overall goal. */
const goodGoals = (): Goals => ({
  overallGoal: '新增学位1200个，改善办学条件',
  indicators: structuredClone(educationSet),
});

/** A registered department and a token of one of its users. */
async function newDepartment() {
  const dept = await createDepartment(uniqueId('DP'));
  return { id: dept.id, bearer: await token({ role: 'department', departmentId: dept.id }) };
}

const projectBody = (over: Record<string, unknown> = {}) => ({
  fiscalYear: YEAR,
  name: '义务教育学校改扩建',
  kind: 'project',
  isNew: true,
  requestedAmount: 3_000_000,
  category: 'education',
  ...over,
});

async function createProject(bearer: string, over: Record<string, unknown> = {}): Promise<ProjectJson> {
  const res = await api('/v1/projects', { token: bearer, body: projectBody(over) });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

const putGoals = (
  bearer: string,
  id: string,
  goals: Goals = goodGoals(),
  headers: Record<string, string> = {},
  language?: string | null,
) => api(`/v1/projects/${id}/goals`, { method: 'PUT', token: bearer, body: goals, headers, language });

const post = (bearer: string, id: string, action: string, body?: unknown) =>
  api(`/v1/projects/${id}/${action}`, { method: 'POST', token: bearer, body });

/** Five scores adding up to `total`. */
const scores = (total: number) => {
  const each = total / 5;
  return {
    necessity: each,
    economy: each,
    goalReasonableness: each,
    feasibility: each,
    financingCompliance: each,
  };
};

function ok(res: ApiResponse, status = 200): ProjectJson {
  expect(res.status, res.text).toBe(status);
  return res.json;
}

/** Creates a project, sets the education goals and submits it: under review. */
async function submitted(bearer: string, over: Record<string, unknown> = {}): Promise<ProjectJson> {
  const p = await createProject(bearer, over);
  ok(await putGoals(bearer, p.id));
  const out = ok(await post(bearer, p.id, 'submit'));
  expect(out.status).toBe('under_review');
  return out;
}

/** Every item of a list, following nextToken. */
async function listAll(route: string, bearer: string): Promise<ProjectJson[]> {
  const items: ProjectJson[] = [];
  let next: string | undefined;
  do {
    const sep = route.includes('?') ? '&' : '?';
    const res = await api<Page<ProjectJson>>(
      `${route}${sep}limit=100${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`,
      {
        token: bearer,
      },
    );
    expect(res.status, res.text).toBe(200);
    items.push(...res.json.items);
    next = res.json.nextToken;
  } while (next);
  return items;
}

const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

describe('the ex-ante threshold', () => {
  it('a new project of 3,000,000.00 needs an assessment', async () => {
    const { bearer, id: departmentId } = await newDepartment();

    const res = await api('/v1/projects', {
      token: bearer,
      body: projectBody({ requestedAmount: 3_000_000 }),
    });

    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      id: expect.stringMatching(new RegExp(`^P${YEAR}-`)),
      departmentId,
      fiscalYear: YEAR,
      status: 'draft',
      exAnteRequired: true,
      requestedAmount: 3_000_000,
      version: 1,
    });
    expect(res.json).not.toHaveProperty('requestedFen');
  });

  it('a new project of 2,999,999.99 does not, and an assessment of it → 409', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer, { requestedAmount: 2_999_999.99 });

    const assessed = await post(finance, p.id, 'ex-ante-assessment', {
      scores: scores(90),
      conclusion: 'supported',
    });

    expect(p).toMatchObject({ exAnteRequired: false, requestedAmount: 2_999_999.99 });
    expect(expectProblem(assessed, 409).detail).toMatch(/does not need/);
  });

  it('a continuing project of 10,000,000 never does', async () => {
    const { bearer } = await newDepartment();

    const p = await createProject(bearer, { isNew: false, requestedAmount: 10_000_000 });

    expect(p).toMatchObject({ exAnteRequired: false, requestedAmount: 10_000_000 });
  });

  it('a new policy of 3,000,000 does', async () => {
    const { bearer } = await newDepartment();

    const p = await createProject(bearer, { kind: 'policy', name: '困难群众临时救助政策' });

    expect(p).toMatchObject({ kind: 'policy', exAnteRequired: true });
  });

  it('a threshold the bureau raised is applied, and the project names the configuration version', async () => {
    const year = 2039;
    const current = ok(await api(`/v1/config/${year}`, { token: finance }));
    const { fiscalYear: _y, version: _v, isDefault: _d, createdAt: _c, createdBy: _b, ...values } = current;
    values.exAnte = { ...values.exAnte, thresholdAmount: 5_000_000 };
    const changed = ok(await api(`/v1/config/${year}`, { method: 'PUT', token: finance, body: values }));
    const { bearer } = await newDepartment();

    const below = await createProject(bearer, { fiscalYear: year, requestedAmount: 4_999_999.99 });
    const at = await createProject(bearer, { fiscalYear: year, requestedAmount: 5_000_000 });

    expect(changed.version).toBeGreaterThan(current.version);
    expect(below).toMatchObject({ exAnteRequired: false, configVersion: changed.version });
    expect(at).toMatchObject({ exAnteRequired: true, configVersion: changed.version });
  });

  it('a department the bureau has not registered cannot propose a project → 422', async () => {
    const bearer = await token({ role: 'department', departmentId: uniqueId('NOREG') });

    const res = await api('/v1/projects', { token: bearer, body: projectBody() });

    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual(['departmentId']);
  });
});

describe('a not-supported project', () => {
  it('is rejected by the assessment and cannot be budgeted', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer);

    const assessed = await post(finance, p.id, 'ex-ante-assessment', {
      scores: scores(50),
      conclusion: 'not_supported',
    });
    const budget = await post(finance, p.id, 'budget', { approvedAmount: 3_000_000 });
    const review = await post(finance, p.id, 'goal-review', { grade: 'excellent' });
    const stored = ok(await api(`/v1/projects/${p.id}`, { token: bearer }));

    expect(assessed.status, assessed.text).toBe(201);
    expect(assessed.json).toMatchObject({
      projectId: p.id,
      projectStatus: 'rejected',
      total: 50,
      guidance: 'not_supported',
      conclusion: 'not_supported',
      project: { id: p.id, status: 'rejected' },
    });
    expect(expectProblem(budget, 409).detail).toMatch(/rejected/);
    expect(expectProblem(review, 409).detail).toMatch(/rejected/);
    expect(stored).toMatchObject({ status: 'rejected', assessment: { conclusion: 'not_supported' } });
    expect(stored.budget).toBeUndefined();
  });

  it('a poor goal review rejects the project, which cannot be budgeted', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer, { requestedAmount: 500_000 });

    const reviewed = ok(await post(finance, p.id, 'goal-review', { grade: 'poor', comments: '目标不明确' }));
    const budget = await post(finance, p.id, 'budget', { approvedAmount: 500_000 });

    expect(reviewed).toMatchObject({
      status: 'rejected',
      goalReview: { grade: 'poor', comments: '目标不明确' },
    });
    expect(expectProblem(budget, 409).detail).toMatch(/rejected/);
  });

  it('an assessment departing from the guidance without a reason → 422 on reason, nothing saved', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer);

    const res = await post(finance, p.id, 'ex-ante-assessment', {
      scores: scores(50),
      conclusion: 'supported',
    });
    const stored = ok(await api(`/v1/projects/${p.id}`, { token: finance }));

    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual(['reason']);
    expect(stored).toMatchObject({ status: 'under_review', version: p.version });
    expect(stored.assessment).toBeUndefined();
  });
});

describe('a fair goal review', () => {
  it('returns the project; the department revises, resubmits, and the approval admits it', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer, { requestedAmount: 800_000 });

    const returned = ok(
      await post(finance, p.id, 'goal-review', { grade: 'fair', comments: '成本指标不具体' }),
    );
    const revisedGoals = goodGoals();
    revisedGoals.indicators[3]!.name = '生均建设成本（含设备）';
    const revised = ok(await putGoals(bearer, p.id, revisedGoals));
    const resubmitted = ok(await post(bearer, p.id, 'submit'));
    const approved = ok(await post(finance, p.id, 'goal-review', { grade: 'good' }));

    expect(returned).toMatchObject({
      status: 'returned',
      goalReview: { grade: 'fair', comments: '成本指标不具体', configVersion: expect.any(Number) },
      goalsApproved: false,
    });
    expect(revised).toMatchObject({ status: 'returned' });
    expect(revised.goals.indicators[3].name).toBe('生均建设成本（含设备）');
    expect(resubmitted.status).toBe('under_review');
    expect(approved).toMatchObject({
      status: 'in_library',
      goalsApproved: true,
      goalReview: { grade: 'good' },
    });
    expect(approved.goalReviews.map((r: { grade: string }) => r.grade)).toEqual(['fair', 'good']);
  });

  it('a returned project cannot be reviewed again before it is resubmitted → 409', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer, { requestedAmount: 800_000 });
    ok(await post(finance, p.id, 'goal-review', { grade: 'fair' }));

    const again = await post(finance, p.id, 'goal-review', { grade: 'good' });

    expect(expectProblem(again, 409).detail).toMatch(/returned/);
  });
});

describe('the complete path to executing', () => {
  it('create → goals → submit → assessment → goal review → budget: executing with its budget', async () => {
    const { bearer, id: departmentId } = await newDepartment();
    const plan = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];

    const created = await createProject(bearer);
    const withGoals = ok(await putGoals(bearer, created.id));
    const sent = ok(await post(bearer, created.id, 'submit'));
    const assessed = ok(
      await post(finance, created.id, 'ex-ante-assessment', { scores: scores(85), conclusion: 'supported' }),
      201,
    );
    const reviewed = ok(await post(finance, created.id, 'goal-review', { grade: 'excellent' }));
    const budgeted = await post(finance, created.id, 'budget', {
      approvedAmount: 3_000_000,
      disbursementPlan: plan,
    });
    const seen = ok(await api(`/v1/projects/${created.id}`, { token: bearer }));

    expect(created).toMatchObject({ status: 'draft', exAnteRequired: true, version: 1 });
    expect(withGoals).toMatchObject({
      status: 'draft',
      version: 2,
      goals: { overallGoal: goodGoals().overallGoal },
    });
    expect(sent).toMatchObject({ status: 'under_review', version: 3 });
    expect(assessed).toMatchObject({ projectStatus: 'under_review', conclusion: 'supported', total: 85 });
    expect(reviewed).toMatchObject({ status: 'in_library', goalsApproved: true });
    expect(budgeted.status, budgeted.text).toBe(200);
    expect(budgeted.headers.get('etag')).toBe(`"${budgeted.json.version}"`);
    expect(budgeted.json).toMatchObject({
      id: created.id,
      departmentId,
      status: 'executing',
      version: 6,
      budget: { approvedAmount: 3_000_000, initialAmount: 3_000_000, disbursementPlan: plan },
    });
    expect(seen).toMatchObject({ status: 'executing', budget: { approvedAmount: 3_000_000 } });
  });

  it('the same path with the goal review first and the assessment last reaches in_library', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer);

    const reviewed = ok(await post(finance, p.id, 'goal-review', { grade: 'good' }));
    const assessed = ok(
      await post(finance, p.id, 'ex-ante-assessment', { scores: scores(80), conclusion: 'supported' }),
      201,
    );

    expect(reviewed).toMatchObject({ status: 'under_review', goalsApproved: true });
    expect(assessed).toMatchObject({ projectStatus: 'in_library', project: { status: 'in_library' } });
  });

  it('budgeting a project not in the library → 409 naming its status', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer, { requestedAmount: 1_000_000 });

    const res = await post(finance, p.id, 'budget', { approvedAmount: 1_000_000 });

    expect(expectProblem(res, 409).detail).toMatch(/under_review/);
  });

  it('budgeting above the recommended amount after supported_after_adjustment → 422; at it → executing', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer);
    const assessed = ok(
      await post(finance, p.id, 'ex-ante-assessment', {
        scores: scores(70),
        conclusion: 'supported_after_adjustment',
        recommendedAmount: 2_400_000,
      }),
      201,
    );
    ok(await post(finance, p.id, 'goal-review', { grade: 'good' }));

    const above = await post(finance, p.id, 'budget', { approvedAmount: 2_400_000.01 });
    const at = await post(finance, p.id, 'budget', { approvedAmount: 2_400_000 });

    expect(assessed).toMatchObject({ recommendedAmount: 2_400_000, guidance: 'supported_after_adjustment' });
    expect(expectProblem(above, 422).errors?.map((e) => e.path)).toEqual(['approvedAmount']);
    expect(ok(at)).toMatchObject({
      status: 'executing',
      budget: { approvedAmount: 2_400_000, initialAmount: 2_400_000 },
    });
  });

  it('budgeting above the requested amount → 422 on approvedAmount', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer, { requestedAmount: 1_000_000 });
    ok(await post(finance, p.id, 'goal-review', { grade: 'excellent' }));

    const res = await post(finance, p.id, 'budget', { approvedAmount: 1_000_000.01 });

    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual(['approvedAmount']);
  });

  it('a disbursement plan that decreases → 422 naming the month', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer, { requestedAmount: 1_000_000 });
    ok(await post(finance, p.id, 'goal-review', { grade: 'excellent' }));
    const plan = [0.1, 0.2, 0.3, 0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];

    const res = await post(finance, p.id, 'budget', { approvedAmount: 1_000_000, disbursementPlan: plan });

    expect(expectProblem(res, 422).errors?.map((e) => e.path)).toEqual(['disbursementPlan[3]']);
  });

  it('a score with two decimals (19.99) is accepted', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer);
    const body = { scores: { ...scores(80), necessity: 19.99, economy: 12.01 }, conclusion: 'supported' };

    const res = await post(finance, p.id, 'ex-ante-assessment', body);

    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ total: 80, scores: { necessity: 19.99, economy: 12.01 } });
  });

  it('submitting without goals → 409', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer);

    const res = await post(bearer, p.id, 'submit');

    expect(expectProblem(res, 409).detail).toMatch(/goals/);
  });
});

describe('tenancy and roles', () => {
  it('a department cannot see or touch another department’s project (404)', async () => {
    const owner = await newDepartment();
    const other = await newDepartment();
    const p = await createProject(owner.bearer);

    const read = await api(`/v1/projects/${p.id}`, { token: other.bearer });
    const goals = await putGoals(other.bearer, p.id);
    const submit = await post(other.bearer, p.id, 'submit');
    const listed = await listAll(`/v1/projects?fiscalYear=${YEAR}`, other.bearer);
    const stored = ok(await api(`/v1/projects/${p.id}`, { token: owner.bearer }));

    expect(expectProblem(read, 404).detail).toContain(p.id);
    expectProblem(goals, 404);
    expectProblem(submit, 404);
    expect(ids(listed)).not.toContain(p.id);
    expect(stored).toMatchObject({ status: 'draft', version: 1 });
    expect(stored.goals).toBeUndefined();
  });

  it.each([
    [
      'ex-ante-assessment',
      {
        scores: {
          necessity: 20,
          economy: 20,
          goalReasonableness: 20,
          feasibility: 20,
          financingCompliance: 20,
        },
        conclusion: 'supported',
      },
    ],
    ['goal-review', { grade: 'excellent' }],
    ['budget', { approvedAmount: 3_000_000 }],
  ])('a department may not call the bureau route %s, even on its own project (403)', async (action, body) => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer);

    const res = await post(bearer, p.id, action, body);
    const stored = ok(await api(`/v1/projects/${p.id}`, { token: bearer }));

    expectProblem(res, 403);
    expect(stored).toMatchObject({ status: 'under_review', version: p.version });
  });

  it('the bureau may not propose a project nor set goals (403)', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer);

    const created = await api('/v1/projects', { token: finance, body: projectBody() });
    const goals = await putGoals(finance, p.id);

    expectProblem(created, 403);
    expectProblem(goals, 403);
  });

  it('an evaluator may not read projects (403)', async () => {
    const bearer = await token({ role: 'evaluator', agencyId: uniqueId('A') });

    expectProblem(await api(`/v1/projects?fiscalYear=${YEAR}`, { token: bearer }), 403);
  });
});

describe('goals over HTTP', () => {
  /** The education set with the unit of indicator 0 and the target of indicator 3 removed. */
  const unmeasurable = (): Goals => {
    const g = goodGoals();
    delete g.indicators[0]!.unit;
    delete g.indicators[3]!.target;
    return g;
  };

  it('a goal set that is not measurable → 422 with an error per failing indicator, in zh-CN by default', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer);

    const res = await putGoals(bearer, p.id, unmeasurable(), {}, null);

    const problem = expectProblem(res, 422);
    expect(problem.errors).toHaveLength(2);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'indicators[0].unit',
          rule: 'quantitative-unit',
          message: expect.stringMatching(/计量单位/),
        }),
        expect.objectContaining({
          path: 'indicators[3].target',
          rule: 'quantitative-target',
          message: expect.stringMatching(/目标值/),
        }),
      ]),
    );
    const stored = ok(await api(`/v1/projects/${p.id}`, { token: bearer }));
    expect(stored.goals).toBeUndefined();
    expect(stored.version).toBe(1);
  });

  it('… and in English with Accept-Language: en', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer);

    const res = await putGoals(bearer, p.id, unmeasurable(), { 'accept-language': 'en-GB,en;q=0.9' });

    const problem = expectProblem(res, 422);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'indicators[0].unit',
          rule: 'quantitative-unit',
          message: expect.stringMatching(/needs a unit/),
        }),
        expect.objectContaining({
          path: 'indicators[3].target',
          rule: 'quantitative-target',
          message: expect.stringMatching(/numeric target/),
        }),
      ]),
    );
  });

  it('a goal set missing a level-1 group names it', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer);
    const g = goodGoals();
    g.indicators = g.indicators.filter((i) => i.level1 !== 'satisfaction');

    const res = await putGoals(bearer, p.id, g, { 'accept-language': 'en' });

    expect(expectProblem(res, 422).errors).toEqual([
      expect.objectContaining({
        path: 'indicators',
        rule: 'group-required',
        message: expect.stringMatching(/satisfaction/),
      }),
    ]);
  });

  it('warnings come back with the 200 in goals.warnings', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer);
    const g = goodGoals();
    g.indicators[0]!.target = 999;

    const saved = ok(await putGoals(bearer, p.id, g));

    expect(saved.goals.warnings).toEqual([
      expect.objectContaining({
        rule: 'placeholder-target',
        severity: 'warning',
        path: 'indicators[0].target',
        messages: { 'zh-CN': expect.stringMatching(/占位符/), en: expect.stringMatching(/placeholder/) },
      }),
    ]);
  });

  it('the health templates of the indicator library, PUT as goals, are accepted as they are', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer, { category: 'health', name: '基层医疗卫生服务能力提升' });

    const templates = ok(await api('/v1/indicator-templates?category=health', { token: bearer }));
    const saved = await putGoals(bearer, p.id, {
      overallGoal: '提升基层医疗卫生服务能力',
      indicators: templates.goalSet.indicators,
    });

    expect(templates.items.length).toBeGreaterThanOrEqual(6);
    expect(templates.items.every((i: { category: string }) => i.category === 'health')).toBe(true);
    expect(templates.goalSet.indicators).toHaveLength(templates.items.length);
    expect(ok(saved)).toMatchObject({ status: 'draft', goals: { warnings: [] } });
    expect(saved.json.goals.indicators).toEqual(templates.goalSet.indicators);
  });

  it('the indicator library without a category lists every category and no goal set', async () => {
    const res = ok(await api('/v1/indicator-templates', { token: finance }));

    const cats = new Set(res.items.map((i: { category: string }) => i.category));

    expect([...cats].sort()).toEqual([
      'agriculture',
      'education',
      'health',
      'infrastructure',
      'social_security',
    ]);
    expect(res.goalSet).toBeUndefined();
  });

  it('If-Match with a stale version on PUT goals → 412; with the current one → 200', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer);
    ok(await putGoals(bearer, p.id, goodGoals(), { 'if-match': '"1"' }));

    const stale = await putGoals(bearer, p.id, goodGoals(), { 'if-match': '"1"' });
    const current = await putGoals(bearer, p.id, goodGoals(), { 'if-match': '"2"' });

    expect(expectProblem(stale, 412).detail).toMatch(/version 2/);
    expect(ok(current)).toMatchObject({ version: 3 });
  });

  it('goals in the wrong state are a 409 even when the goal set also breaks a rule', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer);

    const res = await putGoals(bearer, p.id, unmeasurable());

    expectProblem(res, 409);
  });

  it('a request in the wrong state is a 409 even with a stale If-Match (409 before 412)', async () => {
    const { bearer } = await newDepartment();
    const needsNone = await submitted(bearer, { requestedAmount: 1_000_000 });
    const noGoals = await createProject(bearer);
    const stale = { 'if-match': '"99"' };

    const submit = await api(`/v1/projects/${noGoals.id}/submit`, {
      method: 'POST',
      token: bearer,
      headers: stale,
    });
    const assess = await api(`/v1/projects/${needsNone.id}/ex-ante-assessment`, {
      token: finance,
      headers: stale,
      body: { scores: scores(90), conclusion: 'supported' },
    });

    expectProblem(submit, 409);
    expectProblem(assess, 409);
  });

  it('goals cannot change while the project is under review → 409', async () => {
    const { bearer } = await newDepartment();
    const p = await submitted(bearer);

    const res = await putGoals(bearer, p.id);

    expect(expectProblem(res, 409).detail).toMatch(/under_review/);
  });
});

describe('listing projects', () => {
  it('filters by fiscal year and status, for the bureau and for a department (which sees only its own)', async () => {
    const a = await newDepartment();
    const b = await newDepartment();
    const aDraft = await createProject(a.bearer, { requestedAmount: 100_000 });
    const aSubmitted = await submitted(a.bearer, { requestedAmount: 200_000 });
    const aNextYear = await createProject(a.bearer, { fiscalYear: YEAR + 1 });
    const bDraft = await createProject(b.bearer, { requestedAmount: 300_000 });

    const bureauDrafts = await listAll(`/v1/projects?fiscalYear=${YEAR}&status=draft`, finance);
    const bureauA = await listAll(`/v1/projects?fiscalYear=${YEAR}&departmentId=${a.id}`, finance);
    const bureauAUnderReview = await listAll(
      `/v1/projects?fiscalYear=${YEAR}&status=under_review&departmentId=${a.id}`,
      finance,
    );
    const aDrafts = await listAll(`/v1/projects?fiscalYear=${YEAR}&status=draft`, a.bearer);
    const aYear = await listAll(`/v1/projects?fiscalYear=${YEAR}`, a.bearer);
    const aAll = await listAll('/v1/projects', a.bearer);
    const aUnderReview = await listAll('/v1/projects?status=under_review', a.bearer);
    const aAsksForB = await listAll(`/v1/projects?departmentId=${b.id}`, a.bearer);

    expect(ids(bureauDrafts)).toEqual(expect.arrayContaining([aDraft.id, bDraft.id]));
    expect(ids(bureauDrafts)).not.toContain(aSubmitted.id);
    expect(bureauDrafts.every((p) => p.status === 'draft' && p.fiscalYear === YEAR)).toBe(true);
    expect(ids(bureauA)).toEqual(ids([aDraft, aSubmitted]));
    expect(ids(bureauAUnderReview)).toEqual([aSubmitted.id]);
    expect(ids(aDrafts)).toEqual([aDraft.id]);
    expect(ids(aYear)).toEqual(ids([aDraft, aSubmitted]));
    expect(ids(aAll)).toEqual(ids([aDraft, aSubmitted, aNextYear]));
    expect(ids(aUnderReview)).toEqual([aSubmitted.id]);
    expect(aAsksForB).toEqual([]);
  });

  it('a listed project shows money in yuan', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer, { requestedAmount: 2_999_999.99 });

    const [listed] = await listAll(`/v1/projects?fiscalYear=${YEAR}`, bearer);

    expect(listed).toMatchObject({ id: p.id, requestedAmount: 2_999_999.99, exAnteRequired: false });
  });
});

describe('the audit trail of a project', () => {
  it('every decision is audited with its action, and each carries the configuration version', async () => {
    const { bearer } = await newDepartment();
    const config = ok(await api(`/v1/config/${YEAR}`, { token: finance }));
    const p = await submitted(bearer);
    ok(await post(finance, p.id, 'ex-ante-assessment', { scores: scores(90), conclusion: 'supported' }), 201);
    ok(await post(finance, p.id, 'goal-review', { grade: 'good', comments: '可' }));
    ok(await post(finance, p.id, 'budget', { approvedAmount: 2_900_000 }));

    const audit = ok(await api(`/v1/audit?entityId=${p.id}&limit=100`, { token: finance }));
    const project = ok(await api(`/v1/projects/${p.id}`, { token: finance }));

    const actions = audit.items.map((r: { action: string }) => r.action);
    expect([...actions].sort()).toEqual(
      ['approve-budget', 'create', 'ex-ante-assessment', 'goal-review', 'set-goals', 'submit'].sort(),
    );
    expect(audit.items.every((r: { entityId: string }) => r.entityId === p.id)).toBe(true);
    const byAction = Object.fromEntries(audit.items.map((r: { action: string }) => [r.action, r]));
    expect(byAction.create).toMatchObject({
      actor: { role: 'department' },
      before: null,
      after: { status: 'draft' },
    });
    expect(byAction['ex-ante-assessment']).toMatchObject({
      actor: { role: 'finance' },
      before: { status: 'under_review' },
      after: { assessment: { conclusion: 'supported', configVersion: config.version } },
    });
    expect(byAction['approve-budget']).toMatchObject({
      before: { status: 'in_library' },
      after: { status: 'executing' },
    });
    expect(project).toMatchObject({
      status: 'executing',
      configVersion: config.version,
      goals: { configVersion: config.version },
      assessment: { configVersion: config.version },
      goalReview: { configVersion: config.version },
      budget: { approvedAmount: 2_900_000, configVersion: config.version },
    });
  });

  it('a refused change writes no audit record', async () => {
    const { bearer } = await newDepartment();
    const p = await createProject(bearer);
    const g = goodGoals();
    delete g.indicators[0]!.unit;
    expectProblem(await putGoals(bearer, p.id, g), 422);

    const audit = ok(await api(`/v1/audit?entityId=${p.id}`, { token: finance }));

    expect(audit.items.map((r: { action: string }) => r.action)).toEqual(['create']);
  });
});
