// In-year "dual monitoring" (domain.md §3) as pure functions, at every boundary the domain names: time
// progress in whole months or by plan, the execution index and its bands (60 / 80), the indicator index
// (60 / 80 / 120 blue), the worst light, goal progress and divergence (10 points), missing reports
// (period end + 10 days) and the clawback amount (exact in fen, down to whole yuan, none under 1,000).
import { describe, expect, it } from 'vitest';
import { defaultConfig, type RuleConfig } from '../../shared/domain/config.js';
import type { Indicator } from '../../shared/domain/indicators.js';
import {
  bandLight,
  clawbackAmount,
  diverges,
  execution,
  type FiledReport,
  goalProgress,
  indicatorResult,
  isClawbackCheckpoint,
  latestReport,
  missingReports,
  monthsElapsed,
  type ReportedIndicator,
  spentBy,
  timeProgress,
  worstLight,
} from '../../shared/domain/monitoring.js';

const config = defaultConfig(2026);
const bands = config.monitoring;
const yuan = (y: number) => Math.round(y * 100);

/** Budget 1,200,000.00 at six whole months (time progress 1/2): spend ÷ 6,000 is the index. */
const BUDGET = yuan(1_200_000);
const HALF_YEAR = timeProgress('2026-06-30');
const PLAN = [0.05, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

describe('monthsElapsed: whole months, the month of d counted on its last day', () => {
  it.each([
    ['2026-01-15', 0],
    ['2026-01-30', 0],
    ['2026-01-31', 1],
    ['2026-02-28', 2],
    ['2028-02-28', 1],
    ['2028-02-29', 2],
    ['2026-06-29', 5],
    ['2026-06-30', 6],
    ['2026-12-30', 11],
    ['2026-12-31', 12],
  ])('%s → %i', (asOf, months) => {
    expect(monthsElapsed(asOf)).toBe(months);
  });
});

describe('timeProgress', () => {
  it('is months ÷ 12 as an exact fraction by default', () => {
    expect(timeProgress('2026-08-31')).toEqual({ share: { num: 8n, den: 12n }, months: 8, source: 'months' });
  });

  it('is 0 before the first month ends', () => {
    expect(timeProgress('2026-01-30')).toEqual({ share: { num: 0n, den: 12n }, months: 0, source: 'months' });
  });

  it('with a plan, is the plan’s cumulative share of the same whole month', () => {
    const tp = timeProgress('2026-06-30', PLAN);

    expect(tp).toEqual({ share: { num: 400_000n, den: 1_000_000n }, months: 6, source: 'plan' });
  });

  it('with a plan, the day before a month end still takes the previous month’s share', () => {
    expect(timeProgress('2026-06-29', PLAN).share).toEqual({ num: 350_000n, den: 1_000_000n });
  });

  it('with a plan, is 0 before the first month ends', () => {
    expect(timeProgress('2026-01-20', PLAN).share.num).toBe(0n);
  });
});

describe('execution index and light (budget 1,200,000.00, six months)', () => {
  it('spend 360,000.00: rate 0.3, index exactly 60.00 → yellow', () => {
    expect(execution(yuan(360_000), BUDGET, HALF_YEAR, bands)).toEqual({
      spentFen: yuan(360_000),
      approvedFen: BUDGET,
      executionRate: 0.3,
      executionIndex: 60,
      light: 'yellow',
    });
  });

  it('spend 359,940.00: index 59.99 → red', () => {
    expect(execution(yuan(359_940), BUDGET, HALF_YEAR, bands)).toMatchObject({
      executionIndex: 59.99,
      light: 'red',
    });
  });

  it('spend 479,940.00: index 79.99 → yellow', () => {
    expect(execution(yuan(479_940), BUDGET, HALF_YEAR, bands)).toMatchObject({
      executionIndex: 79.99,
      light: 'yellow',
    });
  });

  it('spend 480,000.00: index exactly 80.00 → green', () => {
    expect(execution(yuan(480_000), BUDGET, HALF_YEAR, bands)).toMatchObject({
      executionIndex: 80,
      light: 'green',
    });
  });

  it('rounds before comparing: spend 359,970.00 is 59.995 → 60.00 → yellow', () => {
    expect(execution(yuan(359_970), BUDGET, HALF_YEAR, bands)).toMatchObject({
      executionIndex: 60,
      light: 'yellow',
    });
  });

  it('one fen less, 359,969.99, is 59.99499… → 59.99 → red', () => {
    expect(execution(35_996_999, BUDGET, HALF_YEAR, bands)).toMatchObject({
      executionIndex: 59.99,
      light: 'red',
    });
  });

  it('never blue: index 150 is green', () => {
    expect(execution(yuan(900_000), BUDGET, HALF_YEAR, bands)).toMatchObject({
      executionIndex: 150,
      light: 'green',
    });
  });

  it('no light before the first month ends (the rate is still reported)', () => {
    expect(execution(yuan(120_000), BUDGET, timeProgress('2026-01-30'), bands)).toEqual({
      spentFen: yuan(120_000),
      approvedFen: BUDGET,
      executionRate: 0.1,
      executionIndex: null,
      light: 'none',
    });
  });

  it('on the last day of the first month there is a light: 1/12 and rate 0.05 → index 60', () => {
    expect(execution(yuan(60_000), BUDGET, timeProgress('2026-01-31'), bands)).toMatchObject({
      executionIndex: 60,
      light: 'yellow',
    });
  });

  it('with a plan: share 0.4 at June and rate 0.3 → index 75 → yellow', () => {
    expect(execution(yuan(360_000), BUDGET, timeProgress('2026-06-30', PLAN), bands)).toMatchObject({
      executionRate: 0.3,
      executionIndex: 75,
      light: 'yellow',
    });
  });

  it('with a plan whose share of the month is 0: no light', () => {
    const plan = [0, 0, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

    expect(execution(yuan(1_000), BUDGET, timeProgress('2026-02-28', plan), bands)).toMatchObject({
      executionIndex: null,
      light: 'none',
    });
  });

  it('uses the configured bands (yellow from 50): index 55 is yellow', () => {
    const m = { ...bands, yellowFrom: 50 };

    expect(execution(yuan(330_000), BUDGET, HALF_YEAR, m).light).toBe('yellow');
  });
});

describe('spentBy', () => {
  it('counts the expenditures dated on or before d, not after', () => {
    const byDate = { '2026-03-01': 100, '2026-06-30': 20, '2026-07-01': 3 };

    expect(spentBy(byDate, '2026-06-30')).toBe(120);
  });
});

const quantitative = (
  operator: '>=' | '<=' | '=',
  target: number,
  name = 'indicator',
  weight = 10,
): Indicator => ({ level1: 'output', level2: 'quantity', name, operator, target, unit: '个', weight });
const qualitative: Indicator = {
  level1: 'benefit',
  level2: 'sustainability',
  name: 'quality',
  operator: 'qualitative',
  weight: 10,
};

/** Target 100 at six months: due 50, so the index is actual × 2. */
const indexOf = (ind: Indicator, reported: ReportedIndicator | undefined, asOf = '2026-06-30') =>
  indicatorResult(ind, reported, timeProgress(asOf), bands);

describe('indicator index and light (target 100, six months: due 50)', () => {
  it.each([
    [29.995, 59.99, 'red'],
    [30, 60, 'yellow'],
    [39.995, 79.99, 'yellow'],
    [40, 80, 'green'],
    [59.995, 119.99, 'green'],
    [60, 120, 'blue'],
    [90, 180, 'blue'],
  ])('>= with actual %d → index %d, %s', (actual, index, light) => {
    expect(indexOf(quantitative('>=', 100), { name: 'indicator', actual })).toMatchObject({ index, light });
  });

  it('rounds before comparing: actual 29.9975 is 59.995 → 60.00 → yellow', () => {
    expect(indexOf(quantitative('>=', 100), { name: 'indicator', actual: 29.9975 })).toMatchObject({
      index: 60,
      light: 'yellow',
    });
  });

  it.each([
    [29.995, 59.99, 'red'],
    [30, 60, 'yellow'],
    [40, 80, 'green'],
    [60, 120, 'blue'],
  ])('= reads as >=: actual %d → index %d, %s', (actual, index, light) => {
    expect(indexOf(quantitative('=', 100), { name: 'indicator', actual })).toMatchObject({ index, light });
  });

  it('<= is green when the actual equals the target (no index)', () => {
    expect(indexOf(quantitative('<=', 3.5), { name: 'indicator', actual: 3.5 })).toMatchObject({
      index: null,
      light: 'green',
    });
  });

  it('<= is green below the target', () => {
    expect(indexOf(quantitative('<=', 3.5), { name: 'indicator', actual: 1 }).light).toBe('green');
  });

  it('<= is red above the target, even by 0.01', () => {
    expect(indexOf(quantitative('<=', 3.5), { name: 'indicator', actual: 3.51 }).light).toBe('red');
  });

  it.each([
    ['achieved', 'green'],
    ['partly_achieved', 'yellow'],
    ['not_achieved', 'red'],
  ] as const)('qualitative %s → %s', (tier, light) => {
    expect(indexOf(qualitative, { name: 'quality', tier })).toMatchObject({ index: null, light });
  });

  it('an indicator without a reported value has no light', () => {
    expect(indexOf(quantitative('>=', 100), undefined).light).toBe('none');
  });

  it('before the first month ends an indicator has no light', () => {
    expect(indexOf(quantitative('>=', 100), { name: 'indicator', actual: 5 }, '2026-01-20')).toMatchObject({
      index: null,
      light: 'none',
    });
  });

  it('with a plan, the plan’s share is the time progress: share 0.4, target 100, actual 40 → 100', () => {
    const tp = timeProgress('2026-06-30', PLAN);

    expect(
      indicatorResult(quantitative('>=', 100), { name: 'indicator', actual: 40 }, tp, bands),
    ).toMatchObject({
      index: 100,
      light: 'green',
    });
  });
});

describe('bands and the worst light', () => {
  it('bandLight without blue: 500 is green', () => {
    expect(bandLight(500, bands, false)).toBe('green');
  });

  it.each([
    [['green', 'blue'], 'blue'],
    [['blue', 'yellow', 'green'], 'yellow'],
    [['yellow', 'red', 'blue', 'green'], 'red'],
    [['green', 'none'], 'green'],
    [[], 'none'],
  ] as const)('worst of %j is %s (red > yellow > blue > green)', (ls, worst) => {
    expect(worstLight([...ls])).toBe(worst);
  });
});

describe('goal progress and divergence', () => {
  const goals = [
    quantitative('>=', 100, 'a', 30),
    quantitative('>=', 10, 'b', 10),
    quantitative('=', 100, 'c', 50),
    quantitative('<=', 5, 'd', 50),
    { ...qualitative, name: 'e', weight: 50 },
  ];
  const reported = new Map<string, ReportedIndicator>([
    ['a', { name: 'a', actual: 50 }],
    ['b', { name: 'b', actual: 20 }],
    ['c', { name: 'c', actual: 0 }],
    ['d', { name: 'd', actual: 100 }],
    ['e', { name: 'e', tier: 'not_achieved' }],
  ]);

  it('is the weight-averaged min(actual ÷ target, 1) of the >= indicators only', () => {
    // a: 0.5 × 30, b: min(2, 1) × 10 → 25 ÷ 40
    expect(goalProgress(goals, reported)).toBe(0.625);
  });

  it('is null when no >= indicator was reported', () => {
    expect(goalProgress(goals, new Map([['d', { name: 'd', actual: 1 }]]))).toBeNull();
  });

  it('exactly 10 points apart is not a divergence', () => {
    expect(diverges(0.5, 0.4, 10)).toBe(false);
  });

  it('10.01 points apart is a divergence', () => {
    expect(diverges(0.5001, 0.4, 10)).toBe(true);
  });

  it('diverges the other way round too (money spent without results)', () => {
    expect(diverges(0.3999, 0.5, 10)).toBe(true);
  });

  it.each([
    [0.1601, 0.0601],
    [0.161, 0.061],
    [0.8517, 0.7517],
  ])('exactly 10 points is not a divergence whatever the binary rounding: %d vs %d', (progress, rate) => {
    expect(diverges(progress, rate, 10)).toBe(false);
  });

  it('no goal progress, no divergence', () => {
    expect(diverges(null, 0.9, 10)).toBe(false);
  });
});

describe('reports', () => {
  const report = (period: string, filedOn: string): FiledReport => ({ period, filedOn, indicators: [] });
  const missing = (
    reports: FiledReport[],
    asOf: string,
    budgetedOn = '2026-01-05',
    cfg: RuleConfig = config,
  ) => missingReports(reports, asOf, 2026, budgetedOn, cfg);

  it('nothing is missing on the deadline itself (April period: 10 May)', () => {
    expect(missing([], '2026-05-10')).toEqual([]);
  });

  it('the day after the deadline an unfiled period is missing', () => {
    expect(missing([], '2026-05-11')).toEqual(['2026-04']);
  });

  it('a report filed on the deadline counts', () => {
    expect(missing([report('2026-04', '2026-05-10')], '2026-05-11')).toEqual([]);
  });

  it('a report filed a day late does not count', () => {
    expect(missing([report('2026-04', '2026-05-11')], '2026-05-12')).toEqual(['2026-04']);
  });

  it('periods that ended before the budget are not owed', () => {
    expect(missing([], '2026-07-11', '2026-05-01')).toEqual(['2026-06']);
  });

  it('a period ending on the budget day is owed', () => {
    expect(missing([], '2026-05-11', '2026-04-30')).toEqual(['2026-04']);
  });

  it('follows the configured deadline (5 days)', () => {
    const cfg = { ...config, monitoring: { ...config.monitoring, reportDeadlineDays: 5 } };

    expect(missing([], '2026-05-06', '2026-01-05', cfg)).toEqual(['2026-04']);
  });

  it('latestReport takes the latest period filed by asOf, not one filed later', () => {
    const reports = [report('2026-04', '2026-05-08'), report('2026-06', '2026-07-09')];

    expect(latestReport(reports, '2026-07-08')?.period).toBe('2026-04');
  });
});

describe('clawbackAmount (exact in fen, down to whole yuan)', () => {
  const months = (asOf: string) => timeProgress(asOf);

  it('budget 1,000,000.00, spent 300,000.00 at 8 months: projected 450,000.00 → 550,000', () => {
    expect(clawbackAmount(yuan(1_000_000), yuan(300_000), months('2026-08-31'), 1000)).toEqual({
      amountYuan: 550_000,
      basis: {
        approvedAmount: 1_000_000,
        spent: 300_000,
        timeProgress: 0.6667,
        projectedSpend: 450_000,
        formula: 'floor(approved − min(spent × 12 ÷ 8, approved)) in whole yuan',
      },
    });
  });

  it('rounds down to whole yuan: spent 100,000.00 at 7 months → 1,000,000 − 171,428.571… = 828,571', () => {
    expect(clawbackAmount(yuan(1_000_000), yuan(100_000), months('2026-07-31'), 1000)).toMatchObject({
      amountYuan: 828_571,
      basis: { projectedSpend: 171_428.57, timeProgress: 0.5833 },
    });
  });

  it('999.998… yuan exactly is under 1,000: no recommendation', () => {
    // 1,000,000.05 − 582,750.03 × 12 ÷ 7 = 999.99857…
    expect(clawbackAmount(100_000_005, 58_275_003, months('2026-07-31'), 1000)).toBeNull();
  });

  it('one yuan more budget makes it 1,000.998… → exactly 1,000: recommended', () => {
    expect(clawbackAmount(100_000_105, 58_275_003, months('2026-07-31'), 1000)?.amountYuan).toBe(1000);
  });

  it('projected spend above the budget is capped at it: nothing to cut', () => {
    expect(clawbackAmount(yuan(1_000_000), yuan(700_000), months('2026-08-31'), 1000)).toBeNull();
  });

  it('projected spend a fraction of a fen above the budget is capped too', () => {
    // 666,666.67 × 12 ÷ 8 = 1,000,000.005
    expect(clawbackAmount(yuan(1_000_000), yuan(666_666.67), months('2026-08-31'), 0)).toMatchObject({
      amountYuan: 0,
      basis: { projectedSpend: 1_000_000 },
    });
  });

  it('with a plan: share 0.6 at August, spent 300,000.00 → projected 500,000 → 500,000', () => {
    const plan = [0.05, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

    expect(clawbackAmount(yuan(1_000_000), yuan(300_000), timeProgress('2026-08-31', plan), 1000)).toEqual({
      amountYuan: 500_000,
      basis: {
        approvedAmount: 1_000_000,
        spent: 300_000,
        timeProgress: 0.6,
        projectedSpend: 500_000,
        formula: 'floor(approved − min(spent ÷ planShare(8), approved)) in whole yuan',
      },
    });
  });

  it('no time progress yet: no recommendation', () => {
    expect(clawbackAmount(yuan(1_000_000), 0, months('2026-01-20'), 1000)).toBeNull();
  });

  it('nothing spent at 10 months: the whole budget', () => {
    expect(clawbackAmount(yuan(1_000_000), 0, months('2026-10-31'), 1000)?.amountYuan).toBe(1_000_000);
  });
});

describe('isClawbackCheckpoint', () => {
  it.each([
    ['2026-08-31', true],
    ['2026-10-31', true],
    ['2026-06-30', false],
    ['2026-04-30', false],
    ['2026-08-30', false],
    ['2026-09-30', false],
  ])('%s → %s', (asOf, yes) => {
    expect(isClawbackCheckpoint(asOf, config)).toBe(yes);
  });

  it('follows the configured first month (June)', () => {
    const cfg = { ...config, monitoring: { ...config.monitoring, clawbackFromMonth: 6 } };

    expect(isClawbackCheckpoint('2026-06-30', cfg)).toBe(true);
  });
});
