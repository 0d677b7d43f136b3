// Unit tier: the indicator library that learns from use (shared/domain/library-usage.ts) — a year's library
// (built-ins, then what was promoted for that year or earlier, as it stood at a moment), the lint of one
// template, what an approval and a review add to the counters (the light at the last checkpoint by the sweep's
// own rules, the reviewed score), and the counters' view.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/domain/config.js';
import { goalsInput, type Indicator, MAX_GOAL_INDICATORS } from '../../shared/domain/indicators.js';
import {
  builtinTemplates,
  checkpointLights,
  lastCheckpoint,
  libraryOf,
  lintTemplate,
  type Template,
  usageOnApproval,
  usageOnReview,
  viewOfUsage,
} from '../../shared/domain/library-usage.js';
import type { Project } from '../../shared/domain/project.js';
import { evaluate, review } from '../../shared/domain/self-evaluation.js';
import { parseOr400 } from '../../shared/http/validation.js';
import { thrown } from '../support/errors.js';
import { educationGoals, executingProject } from '../support/projects.js';

const config = defaultConfig(2025);
const indicator = (over: Partial<Indicator> = {}): Indicator => ({
  level1: 'output',
  level2: 'quantity',
  name: '新建食堂数',
  operator: '>=',
  target: 3,
  unit: '个',
  weight: 5,
  ...over,
});
const promoted = (fromYear: number, name: string, createdAt = '2026-03-01T00:00:00.000Z'): Template => ({
  id: `TPL-${fromYear}-${name}`,
  fromYear,
  version: 1,
  source: 'promoted',
  category: 'education',
  indicator: indicator({ name }),
  createdAt,
  createdBy: 'f',
});

describe('a fiscal year’s library', () => {
  const mine = [promoted(2027, '新建食堂数'), promoted(2026, '教师培训人次')];

  it('holds the built-ins and what was promoted for that year or earlier, not later', () => {
    const names = (y: number) => libraryOf(y, mine).map((t) => t.indicator.name);
    expect(names(2026)).toContain('教师培训人次');
    expect(names(2026)).not.toContain('新建食堂数');
    expect(names(2027)).toEqual(expect.arrayContaining(['教师培训人次', '新建食堂数']));
    expect(libraryOf(2026, mine).slice(0, builtinTemplates.length)).toEqual(builtinTemplates);
  });

  it('as it stood at a moment leaves out what was promoted after it', () => {
    const later = promoted(2026, '晚到的指标', '2026-09-01T00:00:00.000Z');
    const names = libraryOf(2026, [...mine, later], '2026-06-01T00:00:00.000Z').map((t) => t.indicator.name);
    expect(names).toContain('教师培训人次');
    expect(names).not.toContain('晚到的指标');
  });

  it('holds of each template the version of the latest first year not after it (a new version leaves earlier years alone)', () => {
    const v2: Template = {
      ...builtinTemplates[1]!,
      fromYear: 2028,
      version: 2,
      source: 'promoted',
      indicator: { ...builtinTemplates[1]!.indicator, target: 99 },
      createdAt: '2026-05-01T00:00:00.000Z',
    };
    const at = (y: number) => libraryOf(y, [v2]).find((t) => t.id === 'education-2')!;
    expect(at(2027)).toMatchObject({ version: 1, indicator: { target: 100 } });
    expect(at(2028)).toMatchObject({ version: 2, indicator: { target: 99 } });
    expect(at(2030)).toMatchObject({ version: 2 });
    expect(libraryOf(2028, [v2]).filter((t) => t.id === 'education-2')).toHaveLength(1);
    // still in the built-ins' place
    expect(libraryOf(2028, [v2])[1]!.id).toBe('education-2');
  });

  it('gives the built-ins stable ids by category and place', () => {
    expect(builtinTemplates[0]).toMatchObject({ id: 'education-1', indicator: { name: '新增学位数' } });
    expect(new Set(builtinTemplates.map((t) => t.id)).size).toBe(builtinTemplates.length);
    expect(new Set(builtinTemplates.map((t) => t.indicator.name)).size).toBe(builtinTemplates.length);
  });
});

describe('the lint of one template', () => {
  it('passes every built-in (the rules about a whole set do not apply to one indicator)', () => {
    for (const t of builtinTemplates)
      expect(lintTemplate(t.indicator, config, 'indicator'), t.id).toEqual([]);
  });

  it('refuses a quantitative indicator without a unit, naming the field under the given path', () => {
    const errors = lintTemplate(indicator({ unit: undefined }), config, 'indicator');
    expect(errors.map((e) => [e.path, e.rule])).toEqual([['indicator.unit', 'quantitative-unit']]);
  });

  it('refuses a warning too: a placeholder target is not lint-clean', () => {
    const errors = lintTemplate(indicator({ target: 9999 }), config, 'from');
    expect(errors).toEqual([expect.objectContaining({ path: 'from.target', rule: 'placeholder-target' })]);
  });
});

const approvedReview = {
  grade: 'good' as const,
  reviewedAt: '2025-01-05T02:00:00.000Z',
  reviewedBy: 'f',
  configVersion: 1,
};

describe('what an approval adds', () => {
  const library = libraryOf(2025, []);
  const submitted = executingProject({ fiscalYear: 2025, status: 'under_review', goals: educationGoals() });
  const approved: Project = { ...submitted, status: 'in_library', goalReviews: [approvedReview] };

  it('one project to each template the approved goal set uses (by name), nothing to the others', () => {
    const deltas = usageOnApproval(submitted, approved, library);
    expect(deltas).toHaveLength(7);
    expect(deltas[0]).toEqual({ templateId: 'education-1', fiscalYear: 2025, projects: 1 });
  });

  it('counts an indicator of its own name for no template', () => {
    const goals = educationGoals();
    goals.indicators[0]!.name = '新增学位数（本项目）';
    const deltas = usageOnApproval(submitted, { ...approved, goals }, library);
    expect(deltas.map((d) => d.templateId)).not.toContain('education-1');
    expect(deltas).toHaveLength(6);
  });

  it('adds nothing when the review returns the goals, or they were approved already', () => {
    const returned = {
      ...submitted,
      status: 'returned' as const,
      goalReviews: [{ ...approvedReview, grade: 'fair' as const }],
    };
    expect(usageOnApproval(submitted, returned, library)).toEqual([]);
    expect(usageOnApproval(approved, approved, library)).toEqual([]);
  });
});

describe('what a review adds', () => {
  const goals = educationGoals();
  // Filed on 2025-10-20 for September: the sweep of the last checkpoint (2025-10-31) sees it.
  const project = executingProject({
    id: 'P2025-LIB',
    fiscalYear: 2025,
    goals,
    goalReviews: [approvedReview],
    budget: {
      ...executingProject().budget!,
      approvedFen: 100_000_000,
      approvedAt: '2025-01-05T02:00:00.000Z',
    },
    spentFen: 85_500_000,
    spendByDate: { '2025-03-15': 85_500_000 },
    reports: [
      {
        period: '2025-09',
        filedOn: '2025-10-20',
        indicators: [
          { name: '新增学位数', actual: 1500 }, // 1500 ÷ (1200 × 10/12) × 100 = 150: blue
          { name: '工程竣工验收合格率', actual: 50 }, // 50 ÷ (100 × 10/12) × 100 = 60: yellow
          { name: '项目按期完工率', actual: 95 }, // 95 ÷ (95 × 10/12) = 120: blue
          { name: '生均建设成本', actual: 3 }, // ≤ 3.5: green
          { name: '适龄儿童少年入学率', actual: 99.5 }, // 120: blue
          { name: '办学条件持续改善', tier: 'achieved' }, // green
          { name: '学生家长满意度', actual: 60 }, // 60 ÷ 75 = 80: green
        ],
      },
    ],
  });
  const claimed = evaluate(
    project,
    {
      summary: 's',
      indicators: [
        { name: '新增学位数', actual: 1080 },
        { name: '工程竣工验收合格率', actual: 98 },
        { name: '项目按期完工率', actual: 95 },
        { name: '生均建设成本', actual: 3.85 },
        { name: '适龄儿童少年入学率', actual: 99.4 },
        { name: '办学条件持续改善', tier: 'partly_achieved', score: 11.5 },
        { name: '学生家长满意度', actual: 92 },
      ],
    },
    undefined,
    {
      now: new Date('2026-01-15T02:00:00Z'),
      by: 'd',
      config,
      today: '2026-01-15',
      receivedDocumentIds: new Set(),
    },
  );
  const reviewed = review(
    claimed,
    { adjustments: [{ name: '新增学位数', score: 12, reason: 'r' }] },
    { now: new Date('2026-02-01T02:00:00Z'), by: 'f', config },
  );

  it('reads the lights on the year’s last checkpoint', () => {
    expect(lastCheckpoint(2025, config)).toBe('2025-10-31');
  });

  it('adds one reviewed indicator per template, its reviewed score and share, and its light then', () => {
    const deltas = usageOnReview(project, reviewed, libraryOf(2025, []), config);
    const byId = new Map(deltas.map((d) => [d.templateId, d]));
    expect(byId.get('education-1')).toEqual({
      templateId: 'education-1',
      fiscalYear: 2025,
      reviewed: 1,
      scoreSum: 1200, // the reviewed 12 points, not the claimed 13.5
      shareSum: 8000, // 12 of 15
      lights: { blue: 1 },
    });
    expect(byId.get('education-2')!.lights).toEqual({ yellow: 1 });
    expect(byId.get('education-4')!.lights).toEqual({ green: 1 });
  });

  it('reads a report filed after the checkpoint for a period up to it (a project carried in late)', () => {
    const late = { ...project, reports: project.reports.map((r) => ({ ...r, filedOn: '2026-01-10' })) };
    const deltas = usageOnReview(late, reviewed, libraryOf(2025, []), config);
    expect(deltas).toEqual(usageOnReview(project, reviewed, libraryOf(2025, []), config));
    expect(checkpointLights(late, reviewed, config)[0]).toEqual({
      name: '新增学位数',
      light: 'blue',
      source: 'checkpoint',
      asOf: '2025-10-31',
      reportPeriod: '2025-09',
    });
  });

  it('leaves out a report of a period after the last checkpoint (November)', () => {
    const nov = { ...project.reports[0]!, period: '2025-11' };
    const lights = checkpointLights({ ...project, reports: [nov] }, reviewed, config);
    expect(lights.every((l) => l.source === 'year-end')).toBe(true);
  });

  it('reads the year-end figures against the whole target when no report was ever filed', () => {
    const unmonitored = { ...project, reports: [] };
    const lights = checkpointLights(unmonitored, reviewed, config);
    expect(lights.map((l) => [l.name, l.light, l.source])).toEqual([
      ['新增学位数', 'green', 'year-end'], // 1080 ÷ 1200 = 90 (not 1080 ÷ (1200 × 10/12) = 108)
      ['工程竣工验收合格率', 'green', 'year-end'], // 98 ÷ 100 = 98
      ['项目按期完工率', 'green', 'year-end'], // 95 ÷ 95 = 100
      ['生均建设成本', 'red', 'year-end'], // 3.85 > 3.5
      ['适龄儿童少年入学率', 'green', 'year-end'], // 99.4 ÷ 99.5 = 99.9
      ['办学条件持续改善', 'yellow', 'year-end'], // the claimed tier, partly achieved
      ['学生家长满意度', 'green', 'year-end'], // 92 ÷ 90 = 102.2
    ]);
    expect(lights[0]!.asOf).toBe('2025-12-31');
    const deltas = usageOnReview(unmonitored, reviewed, libraryOf(2025, []), config);
    expect(deltas.find((d) => d.templateId === 'education-4')).toMatchObject({
      lights: { red: 1 },
      yearEndLights: 1,
    });
    expect(deltas.every((d) => d.yearEndLights === 1)).toBe(true);
  });

  it('gives blue at year end only at 120 % of the whole target, and `none` with no year-end figure', () => {
    const unmonitored = { ...project, reports: [] };
    const over = {
      ...reviewed,
      reviewed: {
        ...reviewed.reviewed!,
        indicators: reviewed.reviewed!.indicators.map((i) =>
          i.name === '新增学位数'
            ? { ...i, actual: 1440 }
            : i.name === '学生家长满意度'
              ? { ...i, actual: undefined }
              : i,
        ),
      },
    };
    const lights = new Map(checkpointLights(unmonitored, over, config).map((l) => [l.name, l]));
    expect(lights.get('新增学位数')!.light).toBe('blue'); // 1440 ÷ 1200 = 120
    expect(lights.get('学生家长满意度')).toMatchObject({ light: 'none', source: 'none', asOf: null });
  });

  it('adds nothing before the review', () => {
    expect(usageOnReview(project, claimed, libraryOf(2025, []), config)).toEqual([]);
  });
});

describe('the counters as the API shows them', () => {
  const base = {
    templateId: 'education-1',
    fiscalYear: 2025,
    projects: 3,
    reviewed: 2,
    scoreSum: 1200 + 1500,
    shareSum: 8000 + 10_000,
    lightGreen: 1,
    lightBlue: 0,
    lightYellow: 1,
    lightRed: 0,
    lightNone: 0,
    yearEndLights: 1,
  };

  it('gives the share of green and blue among the lit, and the averages of the reviewed', () => {
    expect(viewOfUsage(base)).toEqual({
      fiscalYear: 2025,
      projects: 3,
      reviewed: 2,
      lights: { green: 1, blue: 0, yellow: 1, red: 0, none: 0 },
      yearEndLights: 1,
      greenOrBlueShare: 0.5,
      averageReviewedScore: 13.5,
      averageReviewedShare: 0.9,
    });
  });

  it('has no share or average with nothing to average', () => {
    const v = viewOfUsage({ ...base, reviewed: 0, scoreSum: 0, shareSum: 0, lightGreen: 0, lightYellow: 0 });
    expect(v).toMatchObject({
      greenOrBlueShare: null,
      averageReviewedScore: null,
      averageReviewedShare: null,
    });
  });
});

describe('the cap on a goal set (its approval and review count one template each in one transaction)', () => {
  const set = (n: number) => ({
    overallGoal: 'g',
    indicators: Array.from({ length: n }, (_, k) => indicator({ name: `指标${k}` })),
  });

  it('fits the larger transaction (the review: 3 items + one per template) in 100 items', () => {
    expect(3 + MAX_GOAL_INDICATORS).toBeLessThanOrEqual(100);
  });

  it(`takes ${MAX_GOAL_INDICATORS} indicators and refuses one more with a 400 in zh-CN and English`, () => {
    expect(parseOr400(goalsInput, set(MAX_GOAL_INDICATORS), '', 'body').indicators).toHaveLength(
      MAX_GOAL_INDICATORS,
    );
    const refusal = (locale: 'zh-CN' | 'en') =>
      thrown(() => parseOr400(goalsInput, set(MAX_GOAL_INDICATORS + 1), '', 'body', locale));
    expect(refusal('en')).toMatchObject({
      status: 400,
      errors: [{ path: 'indicators', message: `at most ${MAX_GOAL_INDICATORS} indicators in a goal set` }],
    });
    expect(refusal('zh-CN')).toMatchObject({
      errors: [{ path: 'indicators', message: `一套绩效目标最多 ${MAX_GOAL_INDICATORS} 个指标` }],
    });
  });
});
