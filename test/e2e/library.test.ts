// The indicator library that learns from use (issue 13), over HTTP against the system global-setup.ts started:
// the usage counters of GET /v1/indicator-templates move when a goal set using the templates is approved
// (not when it is returned) and when its self-evaluation is reviewed; POST /v1/indicator-templates takes a
// project's indicator, or one from scratch, into the library from a fiscal year on — that year's and later
// libraries have it, the year before's does not — lint-clean, once per name, audited, finance only. Fiscal
// year 2021 is this file's alone (2022–2027 belong to other files) (its counters are asserted exactly).
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

const YEAR = 2021;
// biome-ignore lint/suspicious/noExplicitAny: API bodies; the assertions check them
type Json = any;

function ok(res: ApiResponse, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  return res.json;
}

let finance: string;
let dept: { id: string; bearer: string };
let goalSet: Json[];
const uid = uniqueId('x');
const ownName = `项目按期完工率（${uid}）`;

const library = async (fiscalYear: number, category = 'education') =>
  ok(await api(`/v1/indicator-templates?fiscalYear=${fiscalYear}&category=${category}`, { token: finance }));
const usageOf = async (templateId: string, fiscalYear: number, year = fiscalYear) => {
  const lib = await library(year);
  const t = lib.items.find((i: Json) => i.id === templateId);
  return t?.usage.find((u: Json) => u.fiscalYear === fiscalYear);
};

async function project(fiscalYear: number, indicators: Json[]) {
  const p = ok(
    await api('/v1/projects', {
      token: dept.bearer,
      body: {
        fiscalYear,
        name: '校舍维修',
        kind: 'project',
        isNew: false,
        requestedAmount: 500_000,
        category: 'education',
      },
    }),
    201,
  );
  ok(
    await api(`/v1/projects/${p.id}/goals`, {
      method: 'PUT',
      token: dept.bearer,
      body: { overallGoal: '完成校舍维修', indicators },
    }),
  );
  ok(await api(`/v1/projects/${p.id}/submit`, { method: 'POST', token: dept.bearer }));
  return p.id as string;
}
const reviewGoals = (id: string, grade: string) =>
  api(`/v1/projects/${id}/goal-review`, { token: finance, body: { grade } }).then((r) => ok(r));

beforeAll(async () => {
  finance = await financeToken();
  const d = await createDepartment(uniqueId('DLB'));
  dept = { id: d.id, bearer: await token({ role: 'department', departmentId: d.id }) };
  goalSet = (await library(YEAR)).goalSet.indicators;
});

describe('the usage counters', () => {
  let projectId: string;
  const mine = () => goalSet.map((i, n) => (n === 2 ? { ...i, name: ownName } : i));

  it('carry an id, the source and the first year of every template, and nothing for an unused year', async () => {
    const lib = await library(YEAR);
    expect(lib.fiscalYear).toBe(YEAR);
    expect(lib.items[0]).toMatchObject({
      id: 'education-1',
      source: 'builtin',
      name: '新增学位数',
      usage: [],
    });
  });

  it('do not move when the goals are returned, and count the project once when they are approved', async () => {
    projectId = await project(YEAR, mine());
    expect((await reviewGoals(projectId, 'fair')).status).toBe('returned');
    expect(await usageOf('education-1', YEAR)).toBeUndefined();
    ok(await api(`/v1/projects/${projectId}/submit`, { method: 'POST', token: dept.bearer }));
    expect((await reviewGoals(projectId, 'excellent')).status).toBe('in_library');
    expect(await usageOf('education-1', YEAR)).toEqual({
      fiscalYear: YEAR,
      projects: 1,
      reviewed: 0,
      lights: { green: 0, blue: 0, yellow: 0, red: 0, none: 0 },
      yearEndLights: 0,
      greenOrBlueShare: null,
      averageReviewedScore: null,
      averageReviewedShare: null,
    });
    // the renamed indicator uses no template: 项目按期完工率 was not counted
    expect(await usageOf('education-3', YEAR)).toBeUndefined();
    // a later year's library shows the year's usage too; an earlier year's does not
    expect((await usageOf('education-1', YEAR, YEAR + 1))?.projects).toBe(1);
    expect(await usageOf('education-1', YEAR, YEAR - 1)).toBeUndefined();
  });

  const names = () => mine().map((i) => i.name);
  /** Budget, one voucher, the self-evaluation (year-end actuals) and its review; `report` files a late one first. */
  async function evaluateAndReview(
    id: string,
    opts: { report?: Json[]; firstActual: number; score?: number },
  ) {
    ok(await api(`/v1/projects/${id}/budget`, { token: finance, body: { approvedAmount: 500_000 } }));
    ok(
      await api(`/v1/projects/${id}/expenditures`, {
        token: dept.bearer,
        body: { voucherNo: 'V-1', date: `${YEAR}-06-30`, amount: 450_000 },
      }),
      201,
    );
    if (opts.report)
      ok(
        await api(`/v1/projects/${id}/monitoring-reports`, {
          token: dept.bearer,
          body: { period: `${YEAR}-10`, indicators: opts.report },
        }),
        201,
      );
    const n = names();
    ok(
      await api(`/v1/projects/${id}/self-evaluation`, {
        token: dept.bearer,
        body: {
          summary: '完成',
          indicators: [
            { name: n[0], actual: opts.firstActual },
            { name: n[1], actual: 100 },
            { name: n[2], actual: 95 },
            { name: n[3], actual: 3.5 },
            { name: n[4], actual: 99.5 },
            { name: n[5], tier: 'achieved', score: 13 },
            { name: n[6], actual: 90 },
          ],
        },
      }),
      201,
    );
    return ok(
      await api(`/v1/projects/${id}/self-evaluation/review`, {
        token: finance,
        body: { adjustments: opts.score ? [{ name: n[0], score: opts.score, reason: '以备案数为准' }] : [] },
      }),
    );
  }

  it('add the reviewed score and the light at the last checkpoint — from the year-end figures when never monitored', async () => {
    const reviewed = await evaluateAndReview(projectId, { firstActual: 1200, score: 12 });
    expect(reviewed.indicatorScores[0].score).toBe(12);
    expect(await usageOf('education-1', YEAR)).toMatchObject({
      projects: 1,
      reviewed: 1,
      averageReviewedScore: 12,
      averageReviewedShare: 0.8,
      // carried in after its year, no monitoring report: the year-end figure 1200 against the whole target
      // 1200 is index 100, green
      lights: { green: 1, blue: 0, yellow: 0, red: 0, none: 0 },
      yearEndLights: 1,
      greenOrBlueShare: 1,
    });
    expect(await usageOf('education-6', YEAR)).toMatchObject({ reviewed: 1, averageReviewedScore: 13 });
  });

  it('read a monitoring report of the last checkpoint’s period filed late, by that day’s time progress', async () => {
    const second = await project(YEAR, mine());
    await reviewGoals(second, 'good');
    // October's report filed now (years late): 700 of 1200 at 10/12 of the year is index 70, yellow
    const n = names();
    const report = [
      { name: n[0], actual: 700, likelihood: 'possible', deviationCause: '招生延后', measures: '扩大招生' },
      { name: n[1], actual: 100, likelihood: 'certain' },
      { name: n[2], actual: 95, likelihood: 'certain' },
      { name: n[3], actual: 3.5, likelihood: 'certain' },
      { name: n[4], actual: 99.5, likelihood: 'certain' },
      { name: n[5], tier: 'achieved', likelihood: 'certain' },
      { name: n[6], actual: 90, likelihood: 'certain' },
    ];
    await evaluateAndReview(second, { report, firstActual: 1200 });
    const usage = await usageOf('education-1', YEAR);
    expect(usage).toMatchObject({
      projects: 2,
      reviewed: 2,
      lights: { green: 1, blue: 0, yellow: 1, red: 0, none: 0 },
      yearEndLights: 1,
      greenOrBlueShare: 0.5,
    });
    // satisfaction 90 of 90 at 10/12 of the year is index 120: blue from the report; green (100) at year end
    expect(await usageOf('education-7', YEAR)).toMatchObject({
      reviewed: 2,
      lights: { green: 1, blue: 1, yellow: 0, red: 0, none: 0 },
      yearEndLights: 1,
      greenOrBlueShare: 1,
    });
  });
});

describe('taking an indicator into the library', () => {
  let promotedId: string;

  it('from a project’s approved indicator, for a fiscal year: in that year’s library and later, not the year before', async () => {
    const [approved] = ok(
      await api(`/v1/projects?fiscalYear=${YEAR}&departmentId=${dept.id}`, { token: finance }),
    ).items;
    const created = ok(
      await api('/v1/indicator-templates', {
        token: finance,
        body: {
          fiscalYear: 2028,
          from: { projectId: approved.id, indicatorName: ownName },
          note: '完成率口径清晰',
        },
      }),
      201,
    );
    promotedId = created.id;
    expect(created).toMatchObject({
      source: 'promoted',
      fromYear: 2028,
      category: 'education',
      name: ownName,
      operator: '>=',
      target: 95,
      origin: { projectId: approved.id, fiscalYear: YEAR, departmentId: dept.id },
      usage: [],
    });
    const ids = async (y: number) => (await library(y)).items.map((i: Json) => i.id);
    expect(await ids(2028)).toContain(promotedId);
    expect(await ids(2029)).toContain(promotedId);
    expect(await ids(2027)).not.toContain(promotedId);
    const audit = ok(await api(`/v1/audit?entityId=${promotedId}`, { token: finance }));
    expect(audit.items.map((r: Json) => [r.action, r.actor.role])).toEqual([['promote', 'finance']]);
  });

  it('from scratch, with its category; then counted when a goal set of its year using it is approved', async () => {
    const name = `校园安全隐患整改率（${uid}）`;
    const created = ok(
      await api('/v1/indicator-templates', {
        token: finance,
        body: {
          fiscalYear: 2028,
          category: 'education',
          indicator: {
            level1: 'output',
            level2: 'quality',
            name,
            operator: '>=',
            target: 98,
            unit: '%',
            weight: 15,
          },
        },
      }),
      201,
    );
    const set = goalSet
      .map((i, n) => (n === 1 ? created : i))
      .map(({ level1, level2, name, operator, target, unit, weight, explanation }: Json) =>
        Object.fromEntries(
          Object.entries({ level1, level2, name, operator, target, unit, weight, explanation }).filter(
            ([, v]) => v !== undefined,
          ),
        ),
      );
    const id = await project(2028, set);
    await reviewGoals(id, 'good');
    expect((await usageOf(created.id, 2028))?.projects).toBe(1);
    expect(await usageOf(created.id, 2028, 2027)).toBeUndefined();
  });

  it('refuses a name already in the library (409), an indicator that is not lint-clean (422), both sources (400)', async () => {
    const scratch = (indicator: Json, extra: Json = {}) =>
      api('/v1/indicator-templates', {
        token: finance,
        body: { fiscalYear: 2028, category: 'education', indicator, ...extra },
      });
    const base = {
      level1: 'output',
      level2: 'quantity',
      name: `新建食堂数（${uid}）`,
      operator: '>=',
      target: 3,
      unit: '个',
      weight: 5,
    };
    expectProblem(await scratch({ ...base, name: '新增学位数' }), 409);
    expectProblem(await scratch({ ...base, name: ownName }), 409);
    const noUnit = expectProblem(await scratch({ ...base, unit: undefined }), 422);
    expect(noUnit.errors?.map((e) => e.path)).toEqual(['indicator.unit']);
    expect(expectProblem(await scratch({ ...base, target: 9999 }), 422).errors?.map((e) => e.path)).toEqual([
      'indicator.target',
    ]);
    expectProblem(await scratch(base, { from: { projectId: 'P1', indicatorName: 'x' } }), 400);
    const noCategory = expectProblem(
      await api('/v1/indicator-templates', { token: finance, body: { fiscalYear: 2028, indicator: base } }),
      422,
    );
    expect(noCategory.errors?.map((e) => e.path)).toEqual(['category']);
    const missing = expectProblem(
      await api('/v1/indicator-templates', {
        token: finance,
        body: { fiscalYear: 2028, from: { projectId: 'P2023-NOSUCH', indicatorName: 'x' } },
      }),
      422,
    );
    expect(missing.errors?.map((e) => e.path)).toEqual(['from.projectId']);
    expectProblem(
      await api('/v1/indicator-templates', {
        token: dept.bearer,
        body: { fiscalYear: 2028, category: 'education', indicator: base },
      }),
      403,
    );
    // nothing of the refused ones is in the library
    const names = (await library(2028)).items.map((i: Json) => i.name);
    expect(names).not.toContain(base.name);
  });

  it('makes a new version of a template from a fiscal year on; the earlier years keep the old one', async () => {
    const before = (await library(2027)).items.find((i: Json) => i.id === 'education-2');
    const v2 = ok(
      await api('/v1/indicator-templates', {
        token: finance,
        body: {
          fiscalYear: 2028,
          replaces: 'education-2',
          indicator: { ...goalSet[1], target: 100, explanation: '以竣工验收备案为准' },
        },
      }),
      201,
    );
    expect(v2).toMatchObject({ id: 'education-2', version: 2, fromYear: 2028, category: 'education' });
    const at = async (y: number) => (await library(y)).items.filter((i: Json) => i.id === 'education-2');
    expect(await at(2028)).toEqual([
      expect.objectContaining({ version: 2, explanation: '以竣工验收备案为准' }),
    ]);
    expect(await at(2027)).toEqual([expect.objectContaining({ version: 1 })]);
    expect((await at(2027))[0].explanation).toBe(before.explanation);
    // one version a year; an unknown template
    const again = await api('/v1/indicator-templates', {
      token: finance,
      body: { fiscalYear: 2028, replaces: 'education-2', indicator: goalSet[1] },
    });
    expect(expectProblem(again, 409).detail).toMatch(/2028/);
    const unknown = expectProblem(
      await api('/v1/indicator-templates', {
        token: finance,
        body: { fiscalYear: 2028, replaces: 'TPL-NOSUCH', indicator: goalSet[1] },
      }),
      422,
    );
    expect(unknown.errors?.map((e) => e.path)).toEqual(['replaces']);
    const audit = ok(await api('/v1/audit?entityId=education-2', { token: finance }));
    expect(audit.items.map((r: Json) => r.action)).toContain('new-version');
  });
});
