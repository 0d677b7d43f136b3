import { describe, expect, it } from 'vitest';
import {
  checkRuleValues,
  DEFAULT_CONFIG_VERSION,
  defaultConfig,
  defaultRuleValues,
  type RuleValues,
  ruleValuesSchema,
} from '../../shared/domain/config.js';

/** The defaults with one change applied, without touching the shared defaults. */
function valuesWith(change: (v: RuleValues) => void): RuleValues {
  const v = structuredClone(defaultRuleValues);
  change(v);
  return v;
}

const pathsOf = (v: RuleValues) => checkRuleValues(v).map((e) => e.path);

describe('the default rules (domain.md)', () => {
  it('need an ex-ante assessment from 3,000,000 yuan', () => {
    expect(defaultRuleValues.exAnte.thresholdAmount).toBe(3_000_000);
  });

  it('guide ex-ante conclusions at 80 (supported) and 60 (after adjustment)', () => {
    expect(defaultRuleValues.exAnte).toMatchObject({ supportedFrom: 80, supportedAfterAdjustmentFrom: 60 });
  });

  it('score execution 10, output 50, benefit 30, satisfaction 10', () => {
    expect(defaultRuleValues.scoring).toEqual({ execution: 10, output: 50, benefit: 30, satisfaction: 10 });
  });

  it('grade excellent from 90, good from 80, fair from 60', () => {
    expect(defaultRuleValues.grades).toEqual({ excellent: 90, good: 80, fair: 60 });
  });

  it('light yellow from 60, green from 80, blue from 120', () => {
    expect(defaultRuleValues.monitoring).toMatchObject({ yellowFrom: 60, greenFrom: 80, blueFrom: 120 });
  });

  it('check at the end of April, June, August and October', () => {
    expect(defaultRuleValues.monitoring.checkpoints).toEqual(['04-30', '06-30', '08-31', '10-31']);
  });

  it('give 10 days for a monitoring report and 10 working days for a rectification', () => {
    expect(defaultRuleValues.monitoring).toMatchObject({
      reportDeadlineDays: 10,
      rectificationWorkingDays: 10,
    });
  });

  it('cut a fair project by 10 %', () => {
    expect(defaultRuleValues.results.cutShare).toBe(0.1);
  });

  it('rate agencies on 15/15/20/25/25', () => {
    expect(defaultRuleValues.agencyRating).toEqual({
      expertise: 15,
      stability: 15,
      diligence: 20,
      accuracy: 25,
      conclusions: 25,
    });
  });

  it('pass their own schema', () => {
    expect(ruleValuesSchema.safeParse(defaultRuleValues).success).toBe(true);
  });

  it('are version 1 of a fiscal year, marked as the defaults', () => {
    expect(defaultConfig(2026)).toMatchObject({
      fiscalYear: 2026,
      version: DEFAULT_CONFIG_VERSION,
      isDefault: true,
    });
    expect(DEFAULT_CONFIG_VERSION).toBe(1);
  });

  it('are copied for each fiscal year, so changing one copy leaves the defaults alone', () => {
    const config = defaultConfig(2026);
    config.monitoring.checkpoints.push('12-31');
    expect(defaultRuleValues.monitoring.checkpoints).toHaveLength(4);
  });
});

describe('checkRuleValues', () => {
  it('finds nothing wrong with the defaults', () => {
    expect(checkRuleValues(defaultRuleValues)).toEqual([]);
  });

  it('names grades when the bands are not ordered', () => {
    expect(pathsOf(valuesWith((v) => (v.grades.good = 95)))).toEqual(['grades']);
  });

  it('names monitoring when the light bands are not ordered', () => {
    expect(pathsOf(valuesWith((v) => (v.monitoring.greenFrom = 130)))).toEqual(['monitoring']);
  });

  it('names exAnte.supportedAfterAdjustmentFrom when it is not below supportedFrom', () => {
    expect(pathsOf(valuesWith((v) => (v.exAnte.supportedAfterAdjustmentFrom = 80)))).toEqual([
      'exAnte.supportedAfterAdjustmentFrom',
    ]);
  });

  it('names scoring when its points do not add up to 100', () => {
    const errors = checkRuleValues(valuesWith((v) => (v.scoring.output = 45)));
    expect(errors).toEqual([{ path: 'scoring', message: expect.stringContaining('not 95') }]);
  });

  it('names agencyRating when its points do not add up to 100', () => {
    expect(pathsOf(valuesWith((v) => (v.agencyRating.accuracy = 30)))).toEqual(['agencyRating']);
  });

  it('names a checkpoint that is not a day of the year (02-30)', () => {
    const errors = checkRuleValues(
      valuesWith((v) => (v.monitoring.checkpoints = ['02-30', '06-30', '08-31', '10-31'])),
    );
    expect(errors).toEqual([
      { path: 'monitoring.checkpoints[0]', message: expect.stringContaining('02-30') },
    ]);
  });

  it('names the checkpoint that comes out of order', () => {
    const errors = checkRuleValues(
      valuesWith((v) => (v.monitoring.checkpoints = ['06-30', '04-30', '08-31', '10-31'])),
    );
    expect(errors).toEqual([{ path: 'monitoring.checkpoints[1]', message: 'checkpoints must be in order' }]);
  });

  it('names a make-up working day that is also a holiday', () => {
    const errors = checkRuleValues(
      valuesWith((v) => {
        v.calendar.holidays = ['2026-10-01', '2026-10-02'];
        v.calendar.makeUpWorkdays = ['2026-09-27', '2026-10-02'];
      }),
    );
    expect(errors).toEqual([
      { path: 'calendar.makeUpWorkdays[1]', message: expect.stringContaining('2026-10-02') },
    ]);
  });

  it('reports every broken rule at once', () => {
    const values = valuesWith((v) => {
      v.scoring.output = 45;
      v.grades.good = 95;
    });
    expect(pathsOf(values)).toEqual(expect.arrayContaining(['scoring', 'grades']));
  });
});
