// The goal lint (domain.md §2), rule by rule: a valid goal set yields no findings; each rule is broken
// minimally and only that rule fires, with its severity, its path and messages in zh-CN and English.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/domain/config.js';
import {
  goalLintRules,
  type LastYearIndicator,
  type LintContext,
  type LintFinding,
  lintGoals,
  type Severity,
} from '../../shared/domain/goal-lint.js';
import { indicatorLibrary } from '../../shared/domain/indicator-library.js';
import type { Indicator } from '../../shared/domain/indicators.js';

const defaults = defaultConfig(2026).scoring;
/** The default points: output 50, benefit 30, satisfaction 10. */
const ctx: LintContext = {
  groupPoints: { output: defaults.output, benefit: defaults.benefit, satisfaction: defaults.satisfaction },
};

/**
 * The education template, a fresh copy each time:
 *   0 output/quantity 15 · 1 output/quality 15 · 2 output/timeliness 10 · 3 output/cost 10 (万元)
 *   4 benefit/social 15 · 5 benefit/sustainability 15 (qualitative) · 6 satisfaction/satisfaction 10
 */
const validSet = (): Indicator[] => structuredClone(indicatorLibrary.education.indicators);

/** The valid set with `change` applied to a copy. */
function broken(change: (inds: Indicator[]) => Indicator[] | undefined): Indicator[] {
  const inds = validSet();
  return change(inds) ?? inds;
}

/** Last year's 新增学位数: target 1200, reviewed actual 1500 (beaten by exactly 25 %). */
const lastYear = (over: Partial<LastYearIndicator> = {}): LastYearIndicator => ({
  name: '新增学位数',
  operator: '>=',
  target: 1200,
  actual: 1500,
  unit: '个',
  fiscalYear: 2025,
  projectId: 'P2025-1',
  ...over,
});

const errorsOf = (fs: LintFinding[]) => fs.filter((f) => f.severity === 'error');
const HAN = /\p{Script=Han}/u;

interface Case {
  severity: Severity;
  path: string;
  set: () => Indicator[];
  context?: LintContext;
}

/** One minimal break per rule of the catalogue; the test below checks every rule id has its case. */
const cases: Record<string, Case> = {
  'group-required': {
    severity: 'error',
    path: 'indicators',
    set: () => broken((inds) => inds.filter((i) => i.level1 !== 'satisfaction')),
  },
  'level2-of-level1': {
    severity: 'error',
    path: 'indicators[0].level2',
    set: () =>
      broken((inds) => {
        inds[0]!.level2 = 'social'; // a benefit code under output
        return undefined;
      }),
  },
  'name-length': {
    severity: 'error',
    path: 'indicators[1].name',
    set: () =>
      broken((inds) => {
        inds[1]!.name = 'a'.repeat(101);
        return undefined;
      }),
  },
  'name-unique': {
    severity: 'error',
    path: 'indicators[4].name',
    set: () =>
      broken((inds) => {
        inds[4]!.name = inds[0]!.name;
        return undefined;
      }),
  },
  'quantitative-target': {
    severity: 'error',
    path: 'indicators[0].target',
    set: () =>
      broken((inds) => {
        delete inds[0]!.target;
        return undefined;
      }),
  },
  'quantitative-unit': {
    severity: 'error',
    path: 'indicators[3].unit',
    set: () =>
      broken((inds) => {
        delete inds[3]!.unit;
        return undefined;
      }),
  },
  'weight-positive': {
    severity: 'error',
    path: 'indicators[0].weight',
    // The group still adds up to 50 (0 + 30 + 10 + 10): only the zero weight is wrong.
    set: () =>
      broken((inds) => {
        inds[0]!.weight = 0;
        inds[1]!.weight = 30;
        return undefined;
      }),
  },
  'group-weights': {
    severity: 'error',
    path: 'indicators[4].weight', // the first benefit indicator
    set: () =>
      broken((inds) => {
        inds[5]!.weight = 14; // benefit adds up to 29, not 30
        return undefined;
      }),
  },
  'qualitative-explanation': {
    severity: 'error',
    path: 'indicators[5].explanation',
    set: () =>
      broken((inds) => {
        delete inds[5]!.explanation;
        return undefined;
      }),
  },
  'qualitative-target-words': {
    severity: 'warning',
    path: 'indicators[5].target',
    set: () =>
      broken((inds) => {
        inds[5]!.target = 100; // a number where the expected achievement in words belongs
        return undefined;
      }),
  },
  'target-below-last-actual': {
    severity: 'warning',
    path: 'indicators[0].target',
    set: () => validSet(), // 新增学位数 ≥ 1200, while last year 1500 were achieved against a target of 1200
    context: { ...ctx, lastYear: { margin: 0.2, indicators: [lastYear()] } },
  },
  'timeliness-or-cost': {
    severity: 'warning',
    path: 'indicators',
    set: () =>
      broken((inds) => {
        inds[2]!.level2 = 'quantity';
        inds[3]!.level2 = 'quality';
        return undefined;
      }),
  },
  'placeholder-target': {
    severity: 'warning',
    path: 'indicators[0].target',
    set: () =>
      broken((inds) => {
        inds[0]!.target = 999;
        return undefined;
      }),
  },
};

describe('the goal lint: a valid goal set', () => {
  it('the education template yields no finding at all', () => {
    const findings = lintGoals(validSet(), ctx);

    expect(findings).toEqual([]);
  });
});

describe('the goal lint: every rule of the catalogue', () => {
  it('has a test case for each rule id', () => {
    const ids = goalLintRules.map((r) => r.id);

    expect(Object.keys(cases).sort()).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length); // ids are unique
  });

  it.each(goalLintRules.map((r) => r.id))('summarises %s in zh-CN and English', (id) => {
    const rule = goalLintRules.find((r) => r.id === id)!;

    expect(rule.summary['zh-CN']).toMatch(HAN);
    expect(rule.summary.en).toMatch(/^[\x20-\x7e]+$/);
  });

  it.each(Object.entries(cases))('%s fires alone, with its severity and path', (id, c) => {
    const findings = lintGoals(c.set(), c.context ?? ctx);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: id, severity: c.severity, path: c.path });
    expect(goalLintRules.find((r) => r.id === id)?.severity).toBe(c.severity);
  });

  it.each(Object.entries(cases))('%s speaks zh-CN and English', (_id, c) => {
    const [finding] = lintGoals(c.set(), c.context ?? ctx);

    expect(finding?.messages['zh-CN']).toMatch(HAN);
    expect(finding?.messages.en).toMatch(/[A-Za-z]{3,}/);
    expect(finding?.messages.en).not.toBe(finding?.messages['zh-CN']);
  });
});

describe('group-required', () => {
  it('names every missing group, one finding each', () => {
    const inds = broken((all) => all.filter((i) => i.level1 === 'output'));

    const findings = lintGoals(inds, ctx).filter((f) => f.rule === 'group-required');

    expect(findings).toHaveLength(2);
    expect(findings.map((f) => f.messages.en).join(' ')).toMatch(/benefit.*satisfaction/);
  });

  it('a group with 0 configured points needs no indicator', () => {
    const noSatisfaction: LintContext = { groupPoints: { output: 60, benefit: 30, satisfaction: 0 } };
    const inds = broken((all) => {
      all[0]!.weight = 25; // output 60
      return all.filter((i) => i.level1 !== 'satisfaction');
    });

    const findings = lintGoals(inds, noSatisfaction);

    expect(errorsOf(findings)).toEqual([]);
  });
});

describe('name-length: at most 100 characters, counted as characters', () => {
  const named = (name: string) =>
    broken((inds) => {
      inds[0]!.name = name;
      return undefined;
    });

  it('100 Latin characters pass', () => {
    expect(lintGoals(named('a'.repeat(100)), ctx)).toEqual([]);
  });

  it('101 Latin characters fail', () => {
    const findings = lintGoals(named('a'.repeat(101)), ctx);

    expect(findings).toEqual([expect.objectContaining({ rule: 'name-length', path: 'indicators[0].name' })]);
  });

  it('100 Chinese characters pass', () => {
    expect(lintGoals(named('指'.repeat(100)), ctx)).toEqual([]);
  });

  it('101 Chinese characters fail', () => {
    const findings = lintGoals(named('指'.repeat(101)), ctx);

    expect(findings.map((f) => f.rule)).toEqual(['name-length']);
    expect(findings[0]?.messages.en).toMatch(/101/);
  });

  it('a character outside the BMP counts as one (100 of them pass)', () => {
    expect(lintGoals(named('𠀀'.repeat(100)), ctx)).toEqual([]);
  });
});

describe('name-unique', () => {
  it('reports the repeat, not the first use', () => {
    const inds = broken((all) => {
      all[6]!.name = all[2]!.name;
      return undefined;
    });

    const findings = lintGoals(inds, ctx);

    expect(findings).toEqual([expect.objectContaining({ rule: 'name-unique', path: 'indicators[6].name' })]);
  });
});

describe('quantitative-target and quantitative-unit', () => {
  it('an empty unit counts as missing', () => {
    const inds = broken((all) => {
      all[3]!.unit = '';
      return undefined;
    });

    const findings = lintGoals(inds, ctx);

    expect(findings).toEqual([
      expect.objectContaining({ rule: 'quantitative-unit', path: 'indicators[3].unit' }),
    ]);
  });

  it('a qualitative indicator needs neither target nor unit', () => {
    const inds = validSet();
    expect(inds[5]).toMatchObject({ operator: 'qualitative' });
    delete inds[5]!.target;
    expect(inds[5]?.unit).toBeUndefined();

    expect(lintGoals(inds, ctx)).toEqual([]);
  });

  it('a qualitative target in words passes (the library gives one)', () => {
    const inds = validSet();
    expect(inds[5]?.target).toBe('办学条件明显改善并长效保持');
    inds[5]!.target = '群众普遍满意';

    expect(lintGoals(inds, ctx)).toEqual([]);
  });

  it('words as the target of a quantitative indicator → error on its target', () => {
    const inds = validSet();
    inds[0]!.target = '一千二百个';

    expect(lintGoals(inds, ctx)).toEqual([
      expect.objectContaining({
        rule: 'quantitative-target',
        severity: 'error',
        path: 'indicators[0].target',
        messages: expect.objectContaining({ 'zh-CN': expect.stringContaining('须为数值') }),
      }),
    ]);
  });

  it('each failing indicator gets its own error', () => {
    const inds = broken((all) => {
      delete all[0]!.unit;
      delete all[4]!.unit;
      return undefined;
    });

    const findings = lintGoals(inds, ctx);

    expect(findings.map((f) => f.path)).toEqual(['indicators[0].unit', 'indicators[4].unit']);
  });
});

describe('weight-positive', () => {
  it('a negative weight fails too', () => {
    const inds = broken((all) => {
      all[0]!.weight = -5;
      all[1]!.weight = 35;
      return undefined;
    });

    const findings = lintGoals(inds, ctx);

    expect(findings).toEqual([
      expect.objectContaining({ rule: 'weight-positive', path: 'indicators[0].weight' }),
    ]);
  });
});

describe('group-weights: each group adds up to its points', () => {
  const outputWeights = (...weights: number[]) =>
    broken((all) => {
      weights.forEach((w, n) => {
        all[n]!.weight = w;
      });
      return undefined;
    });

  it('output weights adding up to 50 pass', () => {
    expect(lintGoals(outputWeights(15, 15, 10, 10), ctx)).toEqual([]);
  });

  it('output weights adding up to 49.99 fail', () => {
    const findings = lintGoals(outputWeights(14.99, 15, 10, 10), ctx);

    expect(findings).toEqual([
      expect.objectContaining({ rule: 'group-weights', severity: 'error', path: 'indicators[0].weight' }),
    ]);
    expect(findings[0]?.messages.en).toMatch(/49\.99/);
  });

  it('output weights adding up to 50.01 fail', () => {
    const findings = lintGoals(outputWeights(15.01, 15, 10, 10), ctx);

    expect(findings.map((f) => f.rule)).toEqual(['group-weights']);
  });

  it.each([
    [12.1, 12.2, 12.3, 13.4], // float sum 49.99999999999999
    [12.3, 12.3, 12.3, 13.1], // float sum 50.00000000000001
  ])('decimal weights whose float sum drifts from 50 still pass (%s, %s, %s, %s)', (...weights) => {
    expect(weights.reduce((a, b) => a + b, 0)).not.toBe(50);

    expect(lintGoals(outputWeights(...weights), ctx)).toEqual([]);
  });

  it('follows the configured points, not the defaults', () => {
    const other: LintContext = { groupPoints: { output: 40, benefit: 40, satisfaction: 10 } };
    const inds = outputWeights(10, 10, 10, 10, 20, 20);

    expect(lintGoals(inds, other)).toEqual([]);
    expect(lintGoals(inds, ctx).map((f) => f.rule)).toEqual(['group-weights', 'group-weights']);
  });
});

describe('qualitative-explanation', () => {
  it('a qualitative indicator with its explanation passes', () => {
    const inds = broken((all) => {
      all[0] = { ...all[0]!, operator: 'qualitative', explanation: '新增学位全部投入使用，视为达成' };
      delete all[0].target;
      delete all[0].unit;
      return undefined;
    });

    expect(lintGoals(inds, ctx)).toEqual([]);
  });
});

describe('warnings do not count as errors', () => {
  it('no timeliness or cost indicator: a warning only', () => {
    const findings = lintGoals(cases['timeliness-or-cost']!.set(), ctx);

    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(errorsOf(findings)).toEqual([]);
  });

  it.each([
    ['a target of 0 for "at least"', { operator: '>=', target: 0 }, 'indicators[0].target'],
    ['a target of 9999', { target: 9999 }, 'indicators[0].target'],
    ['a target of 123', { target: 123 }, 'indicators[0].target'],
    ['a unit xx', { unit: 'xx' }, 'indicators[0].unit'],
    ['a unit 待定', { unit: '待定' }, 'indicators[0].unit'],
  ] as const)('%s is a placeholder warning only', (_what, change, path) => {
    const inds = broken((all) => {
      Object.assign(all[0]!, change);
      return undefined;
    });

    const findings = lintGoals(inds, ctx);

    expect(findings).toEqual([
      expect.objectContaining({ rule: 'placeholder-target', severity: 'warning', path }),
    ]);
    expect(errorsOf(findings)).toEqual([]);
  });

  it.each([99, 1235])('a real target like %d is no placeholder', (target) => {
    const inds = broken((all) => {
      Object.assign(all[0]!, { target });
      return undefined;
    });

    expect(lintGoals(inds, ctx).filter((f) => f.rule === 'placeholder-target')).toEqual([]);
  });

  it('a real target (1200 个) is no placeholder', () => {
    const inds = validSet();
    expect(inds[0]).toMatchObject({ target: 1200, unit: '个' });

    expect(lintGoals(inds, ctx).filter((f) => f.rule === 'placeholder-target')).toEqual([]);
  });
});

describe('target-below-last-actual (targets that learn)', () => {
  const withLast = (indicators: LastYearIndicator[], margin = 0.2): LintContext => ({
    ...ctx,
    lastYear: { margin, indicators },
  });
  const rulesOf = (inds: Indicator[], c: LintContext) => lintGoals(inds, c).map((f) => f.rule);

  it('names last year’s target and actual', () => {
    const [f] = lintGoals(validSet(), withLast([lastYear()]));
    expect(f?.messages['zh-CN']).toContain('上年（2025年）目标1200个、实际完成1500个');
    expect(f?.messages.en).toContain('1500');
  });

  it('beaten by exactly 20 % counts; by less it does not', () => {
    expect(rulesOf(validSet(), withLast([lastYear({ actual: 1440 })]))).toEqual(['target-below-last-actual']);
    expect(rulesOf(validSet(), withLast([lastYear({ actual: 1439 })]))).toEqual([]);
  });

  it('a new target at or above last year’s actual is not questioned', () => {
    const inds = validSet();
    inds[0]!.target = 1500;
    expect(rulesOf(inds, withLast([lastYear()]))).toEqual([]);
  });

  it('<= indicators: last year’s cost well under its ceiling, a ceiling above that actual is questioned', () => {
    // 生均建设成本 ≤ 3.5 万元; last year 2.5 against 3.5 (28.6 % under)
    const last = lastYear({ name: '生均建设成本', operator: '<=', target: 3.5, actual: 2.5, unit: '万元' });
    expect(rulesOf(validSet(), withLast([last]))).toEqual(['target-below-last-actual']);
    expect(rulesOf(validSet(), withLast([{ ...last, actual: 3 }]))).toEqual([]);
  });

  it('another name, or another operator, is not the same indicator', () => {
    expect(rulesOf(validSet(), withLast([lastYear({ name: '新增班级数' })]))).toEqual([]);
    expect(rulesOf(validSet(), withLast([lastYear({ operator: '=' })]))).toEqual([]);
  });
});
