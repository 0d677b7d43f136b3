// Unit tier: the self-evaluation's scoring rules (domain.md §4) at every boundary — execution, >=, <=, =,
// qualitative tiers and bands, half-up rounding at .005, totals exactly at 60, 80 and 90 — and the review.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/domain/config.js';
import { Conflict, RuleViolation } from '../../shared/domain/errors.js';
import type { Indicator } from '../../shared/domain/indicators.js';
import { fraction } from '../../shared/domain/ratio.js';
import {
  evaluate,
  executionScore,
  gradeOf,
  inTierBand,
  quantitativeShare,
  review,
  reweightedTotal,
  roundHalfUp,
  type SelfEvaluation,
  type SelfEvaluationInput,
  scoreIndicator,
  selfEvaluationView,
  sheetOf,
} from '../../shared/domain/self-evaluation.js';
import { thrown } from '../support/errors.js';
import { educationGoals, executingProject } from '../support/projects.js';

const config = defaultConfig(2025);
const grades = config.grades;
const ind = (over: Partial<Indicator>): Indicator => ({
  level1: 'output',
  level2: 'quantity',
  name: 'x',
  operator: '>=',
  target: 100,
  unit: '个',
  weight: 10,
  ...over,
});
const scoreOf = (i: Indicator, actual: number) =>
  scoreIndicator(i, { actual }, 'indicators[0]').scored?.score;
const share = (op: '>=' | '<=' | '=', t: number, a: number) => {
  const f = quantitativeShare(op, t, a);
  return Number(f.num) / Number(f.den);
};

describe('half-up rounding to two decimals (hundredths)', () => {
  it('rounds exactly .005 up', () => {
    expect(roundHalfUp(fraction(1, 200))).toBe(1); // 0.005 → 0.01
    expect(roundHalfUp(fraction(59_995, 1000))).toBe(6000); // 59.995 → 60.00
  });
  it('rounds just under .005 down', () => {
    expect(roundHalfUp(fraction(59_994_999, 1_000_000))).toBe(5999);
  });
  it('never gives a score below 0', () => {
    expect(roundHalfUp(fraction(-5, 1))).toBe(0);
  });
});

describe('execution score = min(spend ÷ budget, 1) × 10', () => {
  it('the whole budget spent → 10', () => {
    expect(executionScore(100_000_00, 100_000_00, 10)).toBe(1000);
  });
  it('more than the budget (never: capped) → 10', () => {
    expect(executionScore(120_000_00, 100_000_00, 10)).toBe(1000);
  });
  it('85.5 % → 8.55', () => {
    expect(executionScore(855_000_00, 1_000_000_00, 10)).toBe(855);
  });
  it('2/3 → 6.67 (half up of 6.666…)', () => {
    expect(executionScore(2, 3, 10)).toBe(667);
  });
  it('0.0005 of the budget spent → 0.005 points → 0.01 (half up)', () => {
    expect(executionScore(5, 10_000, 10)).toBe(1);
  });
  it('nothing spent → 0', () => {
    expect(executionScore(0, 100, 10)).toBe(0);
  });
  it('uses the configured points (20)', () => {
    expect(executionScore(1, 2, 20)).toBe(1000);
  });
});

describe('a >= indicator', () => {
  it('exactly at the target → full weight', () => {
    expect(scoreOf(ind({ operator: '>=', target: 1200 }), 1200)).toBe(1000);
  });
  it('above the target → full weight', () => {
    expect(scoreOf(ind({ operator: '>=', target: 1200 }), 1500)).toBe(1000);
  });
  it('below: actual ÷ target × weight (1080 of 1200 × 15 = 13.5)', () => {
    expect(scoreOf(ind({ operator: '>=', target: 1200, weight: 15 }), 1080)).toBe(1350);
  });
  it('a target of 0 is met by any actual', () => {
    expect(scoreOf(ind({ operator: '>=', target: 0 }), 0)).toBe(1000);
    expect(scoreOf(ind({ operator: '>=', target: 0 }), 7)).toBe(1000);
  });
  it('decimals exactly: 99.4 of 99.5 × 15 = 14.98492… → 14.98', () => {
    expect(scoreOf(ind({ operator: '>=', target: 99.5, weight: 15 }), 99.4)).toBe(1498);
  });
  it('half up at .005: 0.1 of 200 × 10 = 0.005 → 0.01', () => {
    expect(scoreOf(ind({ operator: '>=', target: 200, weight: 10 }), 0.1)).toBe(1);
  });
});

describe('a <= indicator (linear band up to twice the target)', () => {
  it('exactly at the target → full weight', () => {
    expect(scoreOf(ind({ operator: '<=', target: 3.5 }), 3.5)).toBe(1000);
  });
  it('below the target → full weight', () => {
    expect(scoreOf(ind({ operator: '<=', target: 3.5 }), 1)).toBe(1000);
  });
  it('halfway to twice the target → half the weight', () => {
    expect(scoreOf(ind({ operator: '<=', target: 100 }), 150)).toBe(500);
  });
  it('just under twice the target → a little', () => {
    expect(scoreOf(ind({ operator: '<=', target: 100 }), 199.9)).toBe(1); // 0.001 × 10 = 0.01
  });
  it('exactly at twice the target → 0', () => {
    expect(scoreOf(ind({ operator: '<=', target: 100 }), 200)).toBe(0);
    expect(share('<=', 100, 200)).toBe(0);
  });
  it('beyond twice the target → 0', () => {
    expect(scoreOf(ind({ operator: '<=', target: 100 }), 350)).toBe(0);
  });
  it('a target of 0: full weight for 0, else 0', () => {
    expect(scoreOf(ind({ operator: '<=', target: 0 }), 0)).toBe(1000);
    expect(scoreOf(ind({ operator: '<=', target: 0 }), 0.01)).toBe(0);
  });
});

describe('an = indicator', () => {
  it('exactly at the target → full weight', () => {
    expect(scoreOf(ind({ operator: '=', target: 100 }), 100)).toBe(1000);
  });
  it('off by 2 % either side → 98 %', () => {
    expect(scoreOf(ind({ operator: '=', target: 100 }), 98)).toBe(980);
    expect(scoreOf(ind({ operator: '=', target: 100 }), 102)).toBe(980);
  });
  it('off by the target or more → 0', () => {
    expect(scoreOf(ind({ operator: '=', target: 100 }), 200)).toBe(0);
    expect(scoreOf(ind({ operator: '=', target: 100 }), 0)).toBe(0);
  });
  it('a target of 0: full weight for 0, else 0', () => {
    expect(scoreOf(ind({ operator: '=', target: 0 }), 0)).toBe(1000);
    expect(scoreOf(ind({ operator: '=', target: 0 }), 1)).toBe(0);
    expect(scoreOf(ind({ operator: '=', target: 0 }), -1)).toBe(0);
  });
});

describe('figures too large to score exactly', () => {
  it('a target of 1e300 is a field error (422), never a crash', () => {
    const out = scoreIndicator(ind({ target: 1e300 }), { actual: 1 }, 'indicators[0]');
    expect(out.scored).toBeUndefined();
    expect(out.errors).toEqual([expect.objectContaining({ path: 'indicators[0]' })]);
  });
  it('an actual beyond ±10^12 is refused by the schema (400)', async () => {
    const { selfEvaluationInput } = await import('../../shared/domain/self-evaluation.js');
    const body = { summary: 's', indicators: [{ name: 'x', actual: 1e13 }] };
    expect(selfEvaluationInput.safeParse(body).success).toBe(false);
  });
});

describe('a qualitative indicator: tiers and their bands (weight 15)', () => {
  const q = ind({ operator: 'qualitative', target: '群众普遍满意', weight: 15, unit: undefined });
  it.each([
    ['achieved', 12, true],
    ['achieved', 15, true],
    ['achieved', 11.99, false],
    ['achieved', 15.01, false],
    ['partly_achieved', 9, true],
    ['partly_achieved', 11.99, true],
    ['partly_achieved', 12, false],
    ['partly_achieved', 8.99, false],
    ['not_achieved', 0, true],
    ['not_achieved', 8.99, true],
    ['not_achieved', 9, false],
  ] as const)('%s with %s points → in band: %s', (tier, score, ok) => {
    expect(inTierBand(tier, score, 15)).toBe(ok);
    const out = scoreIndicator(q, { tier, score }, 'indicators[5]');
    if (ok) expect(out.scored?.score).toBe(Math.round(score * 100));
    else expect(out.errors).toEqual([expect.objectContaining({ path: 'indicators[5].score' })]);
  });
  it('needs a tier and a score', () => {
    expect(scoreIndicator(q, {}, 'indicators[5]').errors.map((e) => e.path)).toEqual([
      'indicators[5].tier',
      'indicators[5].score',
    ]);
  });
  it('a band on a weight with decimals (7.5: achieved from 6)', () => {
    expect(inTierBand('achieved', 6, 7.5)).toBe(true);
    expect(inTierBand('partly_achieved', 5.99, 7.5)).toBe(true);
    expect(inTierBand('partly_achieved', 4.5, 7.5)).toBe(true);
    expect(inTierBand('not_achieved', 4.49, 7.5)).toBe(true);
  });
});

describe('grades from the total', () => {
  it.each([
    [9000, 'excellent'],
    [8999, 'good'],
    [8000, 'good'],
    [7999, 'fair'],
    [6000, 'fair'],
    [5999, 'poor'],
    [0, 'poor'],
  ] as const)('%i hundredths → %s', (total, grade) => {
    expect(gradeOf(total, grades)).toBe(grade);
  });
  it('the total is the sum of the rounded parts: 3 × 19.995 (each → 20.00) + 30 = 90.00 excellent', () => {
    const parts = [19_995, 19_995, 19_995].map((n) => roundHalfUp(fraction(n, 1000))); // 19.995 points each
    expect(parts).toEqual([2000, 2000, 2000]);
    const sheet = sheetOf(
      1000,
      10,
      parts
        .map((score, i) => ({
          name: `i${i}`,
          level1: 'output' as const,
          operator: '>=',
          weight: 20,
          score,
          evidenceDocumentIds: [],
          supported: false,
          rule: '',
        }))
        .concat([
          {
            name: 'b',
            level1: 'output' as const,
            operator: '>=',
            weight: 20,
            score: 2000,
            evidenceDocumentIds: [],
            supported: false,
            rule: '',
          },
        ]),
      grades,
    );
    expect(sheet.total).toBe(9000);
    expect(sheet.grade).toBe('excellent');
  });
});

// ---------------------------------------------------------------- a whole evaluation

/** The education template: 1200 places (15), 100 % quality (=, 15), 95 % on time (10), ≤ 3.5 万元 (10),
 * 99.5 % enrolment (15), the qualitative one (15), 90 % satisfaction (10). */
const project = (over = {}) =>
  executingProject({
    fiscalYear: 2025,
    goals: educationGoals(),
    budget: {
      initialFen: 100_000_000,
      approvedFen: 100_000_000,
      approvedAt: '2025-01-05T02:00:00.000Z',
      approvedBy: 'f',
      configVersion: 1,
    },
    spentFen: 85_500_000,
    ...over,
  });
const answers = (): SelfEvaluationInput => ({
  summary: '完成年度目标',
  indicators: [
    { name: '新增学位数', actual: 1080, evidenceDocumentIds: ['DOC-1'] },
    { name: '工程竣工验收合格率', actual: 98 },
    { name: '项目按期完工率', actual: 95 },
    { name: '生均建设成本', actual: 3.85 },
    { name: '适龄儿童少年入学率', actual: 99.4 },
    { name: '办学条件持续改善', tier: 'partly_achieved', score: 11.5 },
    { name: '学生家长满意度', actual: 92 },
  ],
});
const ctx = {
  now: new Date('2026-01-15T02:00:00Z'),
  by: 'dept-user',
  config,
  today: '2026-01-15',
  receivedDocumentIds: new Set(['DOC-1']),
};

describe('evaluate: the worked example', () => {
  const e = evaluate(project(), answers(), undefined, ctx);
  it('scores every part as domain.md says, figure by figure', () => {
    expect(e.claimed.executionScore).toBe(855); // 855,000 ÷ 1,000,000 × 10 = 8.55
    expect(e.claimed.indicators.map((i) => i.score)).toEqual([
      1350, // 1080 ÷ 1200 × 15 = 13.5
      1470, // (1 − 2 ÷ 100) × 15 = 14.7
      1000, // 95 ≥ 95 → 10
      900, // (1 − 0.35 ÷ 3.5) × 10 = 9
      1498, // 99.4 ÷ 99.5 × 15 = 14.98492… → 14.98
      1150, // claimed 11.5 in partly achieved [9, 12)
      1000, // 92 ≥ 90 → 10
    ]);
    expect(e.claimed.total).toBe(9223); // 8.55 + 13.5 + 14.7 + 10 + 9 + 14.98 + 11.5 + 10 = 92.23
    expect(e.claimed.grade).toBe('excellent');
    expect(e.configVersion).toBe(1);
  });
  it('marks a score with no evidence unsupported', () => {
    expect(e.claimed.indicators.map((i) => i.supported)).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
  it('shows the points in the view', () => {
    const v = selfEvaluationView(e);
    expect(v).toMatchObject({ executionScore: 8.55, total: 92.23, grade: 'excellent', status: 'submitted' });
    expect(v.indicatorScores[0]).toMatchObject({
      name: '新增学位数',
      score: 13.5,
      weight: 15,
      supported: true,
    });
  });
});

describe('evaluate: what is refused', () => {
  it('before the fiscal year has ended → 409', () => {
    expect(
      thrown(() => evaluate(project(), answers(), undefined, { ...ctx, today: '2025-12-31' })),
    ).toBeInstanceOf(Conflict);
  });
  it('a project never budgeted → 409', () => {
    expect(thrown(() => evaluate(project({ budget: undefined }), answers(), undefined, ctx))).toBeInstanceOf(
      Conflict,
    );
  });
  it('an indicator not answered → 422 naming it', () => {
    const a = answers();
    a.indicators.pop();
    const err = thrown(() => evaluate(project(), a, undefined, ctx)) as RuleViolation;
    expect(err).toBeInstanceOf(RuleViolation);
    expect(err.errors?.[0]?.message).toContain('学生家长满意度');
  });
  it('a quantitative one without actual, an unknown name, a document not received → 422 each', () => {
    const a = answers();
    a.indicators[1] = { name: '工程竣工验收合格率' };
    a.indicators.push({ name: '不存在', actual: 1 });
    a.indicators[0]!.evidenceDocumentIds = ['DOC-OTHER'];
    const err = thrown(() => evaluate(project(), a, undefined, ctx)) as RuleViolation;
    expect(err.errors?.map((e) => e.path).sort()).toEqual([
      'indicators[0].evidenceDocumentIds[0]',
      'indicators[1].actual',
      'indicators[7].name',
    ]);
  });
  it('a replacement counts as the next submission; after review → 409', () => {
    const first = evaluate(project(), answers(), undefined, ctx);
    const second = evaluate(project(), answers(), first, ctx);
    expect([second.submissions, second.version]).toEqual([2, 2]);
    const reviewed = review(second, { adjustments: [] }, { ...ctx });
    expect(thrown(() => evaluate(project(), answers(), reviewed, ctx))).toBeInstanceOf(Conflict);
  });
});

describe('review', () => {
  const e = evaluate(project(), answers(), undefined, ctx);
  it('corrects scores within [0, weight] with reasons; claimed and reviewed both kept', () => {
    const r = review(
      e,
      {
        adjustments: [
          { name: 'execution', score: 8, reason: '部分支出不符合规定' },
          { name: '办学条件持续改善', score: 6, reason: '证据不足' }, // leaves partly achieved's band: allowed
        ],
        comments: '复核',
      },
      ctx,
    );
    expect(r.reviewed?.executionScore).toBe(800);
    expect(r.reviewed?.indicators[5]).toMatchObject({ score: 600, tier: 'partly_achieved' });
    expect(r.reviewed?.total).toBe(9223 - 55 - 550); // 86.18
    expect(r.reviewed?.grade).toBe('good');
    expect(r.claimed.total).toBe(9223);
    const v = selfEvaluationView(r);
    expect(v).toMatchObject({
      total: 86.18,
      grade: 'good',
      executionScore: 8,
      claimed: { total: 92.23, grade: 'excellent' },
    });
    expect('review' in v && v.review.adjustments[0]).toMatchObject({
      name: 'execution',
      claimed: 8.55,
      score: 8,
    });
  });
  it('above the weight, an unknown name, twice → 422', () => {
    const err = thrown(() =>
      review(
        e,
        {
          adjustments: [
            { name: 'execution', score: 10.01, reason: 'x' },
            { name: 'nope', score: 1, reason: 'x' },
            { name: '新增学位数', score: 1, reason: 'x' },
            { name: '新增学位数', score: 2, reason: 'x' },
          ],
        },
        ctx,
      ),
    ) as RuleViolation;
    expect(err.errors?.map((x) => x.path)).toEqual([
      'adjustments[0].score',
      'adjustments[1].name',
      'adjustments[3].name',
    ]);
  });
  it('once only → 409', () => {
    const r = review(e, { adjustments: [] }, ctx);
    expect(thrown(() => review(r, { adjustments: [] }, ctx))).toBeInstanceOf(Conflict);
  });
});

describe('another weighting of a reviewed sheet', () => {
  it('rescales each group by its share', () => {
    const e: SelfEvaluation = review(
      evaluate(project(), answers(), undefined, ctx),
      { adjustments: [] },
      ctx,
    );
    const s = e.reviewed!;
    // same weights → the same total
    expect(reweightedTotal(s, { execution: 10, output: 50, benefit: 30, satisfaction: 10 })).toBe(s.total);
    // execution 8.55/10 × 20 = 17.1; output 47.2/50 × 40 = 37.76; benefit 26.48/30 × 30 = 26.48; satisfaction 10
    expect(reweightedTotal(s, { execution: 20, output: 40, benefit: 30, satisfaction: 10 })).toBe(
      1710 + 3776 + 2648 + 1000,
    );
  });
});
