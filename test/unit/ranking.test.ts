// Unit tier: the ranking of departments, the score-inflation signal, the alternative weightings, the final
// grade and next year's recommendation (domain.md §4–5), the public package and the bulletin's forms.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { publicPackage } from '../../shared/docs/public-package.js';
import {
  checkRuleValues,
  defaultConfig,
  defaultRuleValues,
  ruleValuesSchema,
} from '../../shared/domain/config.js';
import {
  finalGrade,
  inflationSignals,
  meanHundredths,
  rankDepartments,
  recommend,
  whatIfRankings,
} from '../../shared/domain/ranking.js';
import type { ScoreSheet } from '../../shared/domain/self-evaluation.js';
import { type BulletinModel, bulletinWorkbook, renderBulletin } from '../../shared/mail/bulletin.js';

const config = defaultConfig(2025);

describe('rankDepartments', () => {
  it('ranks by the average of the reviewed totals, highest first, ranks with no gaps', () => {
    const rows = rankDepartments([
      { departmentId: 'D-B', total: 8000 },
      { departmentId: 'D-A', total: 9000 },
      { departmentId: 'D-C', total: 7000 },
    ]);
    expect(rows.map((r) => [r.rank, r.departmentId, r.averageScore])).toEqual([
      [1, 'D-A', 90],
      [2, 'D-B', 80],
      [3, 'D-C', 70],
    ]);
  });

  it('rounds the average half up to two decimals: (80.01 + 80.00) ÷ 2 = 80.005 → 80.01', () => {
    expect(meanHundredths([8001, 8000])).toBe(8001);
    expect(meanHundredths([8000, 8000, 8001])).toBe(8000); // 80.00333… → 80.00
  });

  it('judges ties on the rounded average: then more projects first', () => {
    // D-A: (80.01 + 80.00) ÷ 2 = 80.005 → 80.01; D-B: 80.01 alone. Equal when rounded: D-A has 2 projects.
    const rows = rankDepartments([
      { departmentId: 'D-B', total: 8001 },
      { departmentId: 'D-A', total: 8001 },
      { departmentId: 'D-A', total: 8000 },
    ]);
    expect(rows).toEqual([
      { rank: 1, departmentId: 'D-A', averageScore: 80.01, projects: 2 },
      { rank: 2, departmentId: 'D-B', averageScore: 80.01, projects: 1 },
    ]);
  });

  it('then the department id ascending, still 1, 2, 3', () => {
    const rows = rankDepartments([
      { departmentId: 'D-Z', total: 7500 },
      { departmentId: 'D-M', total: 7500 },
      { departmentId: 'D-A', total: 6000 },
    ]);
    expect(rows.map((r) => [r.rank, r.departmentId])).toEqual([
      [1, 'D-M'],
      [2, 'D-Z'],
      [3, 'D-A'],
    ]);
  });

  it('has no row for nothing reviewed', () => {
    expect(rankDepartments([])).toEqual([]);
  });
});

describe('the score-inflation signal', () => {
  const e = (departmentId: string, claimed: number, reviewed: number, thirdParty?: number) => ({
    departmentId,
    projectId: `${departmentId}-${claimed}`,
    claimed,
    reviewed,
    ...(thirdParty === undefined ? {} : { thirdParty }),
  });

  it('is the average claimed − reviewed gap, flagged only above the configured gap (5)', () => {
    const s = inflationSignals(
      [e('D-A', 9000, 8500), e('D-A', 8000, 8000), e('D-B', 9000, 8499), e('D-C', 8000, 7500)],
      config,
    );
    expect(s.map((x) => [x.departmentId, x.averageGap, x.flagged])).toEqual([
      ['D-A', 2.5, false],
      ['D-B', 5.01, true],
      ['D-C', 5, false], // exactly 5 is not above it
    ]);
  });

  it('compares with third-party scores where they exist', () => {
    const [s] = inflationSignals([e('D-A', 9500, 9500, 8000), e('D-A', 9000, 9000)], config);
    expect(s).toMatchObject({ averageGap: 0, thirdPartyGap: 15, thirdPartyProjects: 1, flagged: true });
  });

  it('follows the configured threshold', () => {
    const strict = { evaluation: { ...config.evaluation, inflationGap: 2 } };
    expect(inflationSignals([e('D-A', 9000, 8700)], strict)[0]?.flagged).toBe(true);
  });
});

describe('what-if weightings', () => {
  const sheet = (execution: number, output: number, benefit: number, satisfaction: number): ScoreSheet => ({
    executionScore: execution,
    executionWeight: 10,
    indicators: [
      {
        name: 'o',
        level1: 'output',
        operator: '>=',
        weight: 50,
        score: output,
        evidenceDocumentIds: [],
        supported: false,
        rule: '',
      },
      {
        name: 'b',
        level1: 'benefit',
        operator: '>=',
        weight: 30,
        score: benefit,
        evidenceDocumentIds: [],
        supported: false,
        rule: '',
      },
      {
        name: 's',
        level1: 'satisfaction',
        operator: '>=',
        weight: 10,
        score: satisfaction,
        evidenceDocumentIds: [],
        supported: false,
        rule: '',
      },
    ],
    total: execution + output + benefit + satisfaction,
    grade: 'good',
  });
  it('moves a department that spent little down when execution weighs 20', () => {
    // D-A: execution 2/10, output 50/50, benefit 30/30, satisfaction 10/10 → 92; under 20/40/30/10: 4 + 40 + 30 + 10 = 84
    // D-B: execution 10/10, output 40/50, benefit 30/30, satisfaction 10/10 → 90; under 20/40/30/10: 20 + 32 + 30 + 10 = 92
    const evaluations = [
      {
        departmentId: 'D-A',
        projectId: 'a',
        claimed: 9200,
        reviewed: 9200,
        sheet: sheet(200, 5000, 3000, 1000),
      },
      {
        departmentId: 'D-B',
        projectId: 'b',
        claimed: 9000,
        reviewed: 9000,
        sheet: sheet(1000, 4000, 3000, 1000),
      },
    ];
    const base = rankDepartments(
      evaluations.map((x) => ({ departmentId: x.departmentId, total: x.reviewed })),
    );
    const [alt] = whatIfRankings(evaluations, base, config);
    expect(alt?.items.map((i) => [i.departmentId, i.rank, i.averageScore, i.baselineRank, i.moved])).toEqual([
      ['D-B', 1, 92, 2, 1],
      ['D-A', 2, 84, 1, -1],
    ]);
  });
});

describe('final grade and recommendation', () => {
  const reviewed = { projectId: 'P', total: 9100, grade: 'excellent' as const, configVersion: 1 };
  it('is the reviewed self-evaluation without a third-party grade', () => {
    expect(finalGrade(reviewed, [])).toMatchObject({
      grade: 'excellent',
      source: 'self-evaluation',
      score: 91,
    });
  });
  it('is the latest approved third-party grade where one exists', () => {
    const tp = [
      {
        evaluationId: 'E2',
        score: 75,
        grade: 'fair' as const,
        approvedAt: '2026-05-01T00:00:00Z',
        configVersion: 2,
      },
      {
        evaluationId: 'E1',
        score: 85,
        grade: 'good' as const,
        approvedAt: '2026-04-01T00:00:00Z',
        configVersion: 2,
      },
    ];
    expect(finalGrade(reviewed, tp)).toMatchObject({
      grade: 'fair',
      source: 'third-party',
      evaluationId: 'E2',
    });
  });
  it('is none without either', () => {
    expect(finalGrade(undefined, [])).toBeUndefined();
  });
  it.each([
    ['excellent', 'priority', 100_000_055],
    ['good', 'maintain', 100_000_055],
    ['fair', 'cut', 90_000_000], // floor(1,000,000.55 × 0.9 = 900,000.495) = 900,000 yuan
    ['poor', 'cancel', 0],
  ] as const)('%s → %s, %i fen', (grade, recommendation, fen) => {
    expect(recommend(grade, 100_000_055, 0.1)).toMatchObject({ recommendation, recommendedFen: fen });
  });
  it('cuts by the configured share, in whole yuan', () => {
    expect(recommend('fair', 33_333_333, 0.15).recommendedFen).toBe(28_333_300); // 283,333.33 → 283,333
  });
});

describe('the public disclosure package', () => {
  const result = {
    fiscalYear: 2025,
    departmentId: 'D-EDU',
    projectId: 'P2025-1',
    projectName: '学校改扩建, "一期"',
    grade: 'good',
    recommendation: 'maintain',
    approvedAmount: 1_000_000,
    recommendedAmount: 1_000_000,
    basis: { evaluation: { source: 'self-evaluation', score: 85.5 } },
    goals: {
      overallGoal: '新增学位',
      indicators: [
        { name: '新增学位数', target: 1200, unit: '个' },
        { name: '群众满意', target: '群众普遍满意' },
      ],
    },
  };
  const files = publicPackage(
    2025,
    [result],
    new Map([['D-EDU', '区教育局']]),
    new Date('2026-03-01T00:00:00Z'),
  );
  const file = (name: string) => files.find((f) => f.name === name)!.body;

  it('is CSV, JSON and a Frictionless datapackage.json describing both', () => {
    expect(files.map((f) => f.name)).toEqual(['projects.csv', 'projects.json', 'datapackage.json']);
    const d = JSON.parse(file('datapackage.json'));
    expect(d.resources.map((r: { path: string }) => r.path)).toEqual(['projects.csv', 'projects.json']);
    const header = file('projects.csv').replace('\uFEFF', '').split('\r\n')[0]!.split(',');
    expect(d.resources[0].schema.fields.map((f: { name: string }) => f.name)).toEqual(header);
  });
  it('quotes what needs quoting and shows targets, words included', () => {
    const line = file('projects.csv').split('\r\n')[1]!;
    expect(line).toContain('"学校改扩建, ""一期"""');
    expect(line).toContain('新增学位数：1200个；群众满意：群众普遍满意');
    expect(JSON.parse(file('projects.json'))[0].indicators[1]).toEqual({
      name: '群众满意',
      target: '群众普遍满意',
    });
  });
  it('carries no personal data: no user ids, reviewers or addresses', () => {
    for (const f of files) expect(f.body).not.toMatch(/reviewedBy|submittedBy|@|sub/);
  });
});

describe('the bulletin', () => {
  const model: BulletinModel = {
    fiscalYear: 2025,
    publication: 1,
    publishedAt: new Date('2026-03-01T02:00:00Z'),
    configVersion: 2,
    ranking: [
      { rank: 1, departmentId: 'D-A', departmentName: '区民政局', averageScore: 95.5, projects: 2 },
      { rank: 2, departmentId: 'D-B', departmentName: '区人社局<script>', averageScore: 58, projects: 1 },
    ],
    unranked: [{ departmentId: 'D-C', departmentName: '区残联' }],
    commended: [
      {
        departmentId: 'D-A',
        departmentName: '区民政局',
        projects: [{ projectId: 'P1', projectName: '低保', grade: 'excellent' }],
      },
    ],
    criticised: [
      {
        departmentId: 'D-B',
        departmentName: '区人社局<script>',
        projects: [{ projectId: 'P2', projectName: '培训', grade: 'poor' }],
      },
    ],
    inflation: [
      {
        departmentId: 'D-A',
        departmentName: '区民政局',
        averageGap: 1,
        thirdPartyGap: null,
        thirdPartyProjects: 0,
        flagged: false,
        threshold: 5,
      },
      {
        departmentId: 'D-B',
        departmentName: '区人社局<script>',
        averageGap: 12.5,
        thirdPartyGap: 20,
        thirdPartyProjects: 1,
        flagged: true,
        threshold: 5,
      },
    ],
  };
  it('reads in Chinese, escapes what departments typed, names the commended, criticised and inflated', () => {
    const m = renderBulletin(model);
    expect(m.subject).toBe('【绩效通报】2025年度部门绩效自评结果通报');
    expect(m.html).toContain('<html lang="zh-CN">');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('区人社局&lt;script&gt;');
    for (const t of [m.html, m.text]) {
      for (const s of ['通报表扬', '通报批评', '95.50', '12.50', '低保', '培训', '区残联'])
        expect(t).toContain(s);
    }
    expect(m.text).toContain('【自评虚高】');
    expect(m.text).toContain('1. 区民政局（D-A）  平均 95.50 分  项目 2 个');
  });
  it('is an .xlsx with the ranking, the lists and the signal', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await bulletinWorkbook(model)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['部门排名', '表扬与批评', '自评虚高提示']);
    expect(wb.getWorksheet('部门排名')!.getRow(2).values).toEqual([undefined, 1, 'D-A', '区民政局', 95.5, 2]);
    expect(wb.getWorksheet('表扬与批评')!.rowCount).toBe(3);
    expect(wb.getWorksheet('自评虚高提示')!.getRow(3).getCell(5).value).toBe('是');
  });
});

describe('the evaluation settings of the configuration', () => {
  it('default to domain.md and the issue: a gap of 5, one alternative weighting 20/40/30/10, a 20 % margin', () => {
    expect(defaultRuleValues.evaluation).toEqual({
      inflationGap: 5,
      whatIf: [expect.objectContaining({ execution: 20, output: 40, benefit: 30, satisfaction: 10 })],
      learningMargin: 0.2,
    });
    expect(defaultRuleValues.results.cutShare).toBe(0.1);
  });
  it('are filled in for a configuration stored before they existed', () => {
    const { evaluation: _e, ...older } = structuredClone(defaultRuleValues);
    expect(ruleValuesSchema.parse(older).evaluation).toEqual(defaultRuleValues.evaluation);
  });
  it('refuse an alternative weighting that does not add up to 100', () => {
    const v = structuredClone(defaultRuleValues);
    v.evaluation.whatIf.push({ name: 'x', execution: 30, output: 40, benefit: 30, satisfaction: 10 });
    expect(checkRuleValues(v)).toEqual([expect.objectContaining({ path: 'evaluation.whatIf[1]' })]);
  });
});
