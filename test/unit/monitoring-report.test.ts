// Monitoring reports (api-contract.md POST /v1/projects/{id}/monitoring-reports): every indicator of the
// goals answered once — quantitative with `actual`, qualitative with `tier` — a period of the fiscal year
// not after this month, a cause and measures wherever the target may be missed; only while executing.
import { describe, expect, it } from 'vitest';
import { Conflict } from '../../shared/domain/errors.js';
import { indicatorLibrary } from '../../shared/domain/indicator-library.js';
import { numericTarget } from '../../shared/domain/indicators.js';
import {
  fileReport,
  type MonitoringReportInput,
  monitoringReportInput,
} from '../../shared/domain/monitoring-report.js';
import type { Project } from '../../shared/domain/project.js';
import { thrown } from '../support/errors.js';
import { educationGoals, executingProject } from '../support/projects.js';

/** 2026-07-05 10:00 in Shanghai. */
const NOW = new Date('2026-07-05T02:00:00.000Z');
const education = indicatorLibrary.education.indicators;

/** An executing project with the education goals and, unlike the shared one, no budget. */
function project(over: Partial<Project> = {}): Project {
  const { budget: _none, ...p } = executingProject({ id: 'P2026-TESTRPT1', goals: educationGoals('g') });
  return { ...p, ...over };
}

type Line = MonitoringReportInput['indicators'][number];
/** Every education indicator answered, on track. */
const lines = (): Line[] =>
  education.map((i) =>
    i.operator === 'qualitative'
      ? { name: i.name, tier: 'achieved', likelihood: 'certain' }
      : { name: i.name, actual: numericTarget(i), likelihood: 'certain' },
  );
const report = (over: Partial<MonitoringReportInput> = {}): MonitoringReportInput => ({
  period: '2026-06',
  indicators: lines(),
  ...over,
});
const replace = (n: number, line: Partial<Line>) =>
  lines().map((l, i) => (i === n ? { ...l, ...line } : l)) as Line[];

const paths = (fn: () => unknown) => thrown(fn).errors?.map((e) => e.path);

describe('fileReport', () => {
  it('keeps the report with the business date it was filed on and what was reported', () => {
    const out = fileReport(project(), report(), NOW);

    expect(out.reports).toEqual([
      {
        period: '2026-06',
        filedOn: '2026-07-05',
        indicators: education.map((i) =>
          i.operator === 'qualitative'
            ? { name: i.name, actual: undefined, tier: 'achieved' }
            : { name: i.name, actual: numericTarget(i), tier: undefined },
        ),
      },
    ]);
    expect(out.version).toBe(8);
  });

  it('a second report of the same period replaces the first', () => {
    const first = fileReport(project(), report(), NOW);

    const second = fileReport(first, report({ indicators: replace(0, { actual: 1 }) }), NOW);

    expect(second.reports).toHaveLength(1);
    expect(second.reports[0]?.indicators[0]?.actual).toBe(1);
  });

  it('reports stay ordered by period', () => {
    const may = fileReport(project(), report({ period: '2026-06' }), NOW);

    expect(fileReport(may, report({ period: '2026-04' }), NOW).reports.map((r) => r.period)).toEqual([
      '2026-04',
      '2026-06',
    ]);
  });

  it('the current month is allowed', () => {
    expect(fileReport(project(), report({ period: '2026-07' }), NOW).reports[0]?.period).toBe('2026-07');
  });

  it('a month after the current one → 422 on period', () => {
    expect(paths(() => fileReport(project(), report({ period: '2026-08' }), NOW))).toEqual(['period']);
  });

  it('a month of another fiscal year → 422 on period', () => {
    expect(paths(() => fileReport(project(), report({ period: '2025-12' }), NOW))).toEqual(['period']);
  });

  it('an unknown indicator → 422 naming it, and the one left out', () => {
    expect(
      paths(() => fileReport(project(), report({ indicators: replace(0, { name: '不存在' }) }), NOW)),
    ).toEqual(['indicators[0].name', 'indicators']);
  });

  it('an indicator reported twice → 422 on the second', () => {
    const twice = [...lines(), lines()[0]!];

    expect(paths(() => fileReport(project(), report({ indicators: twice }), NOW))).toEqual([
      'indicators[7].name',
    ]);
  });

  it('a quantitative indicator without actual → 422 on actual', () => {
    expect(
      paths(() => fileReport(project(), report({ indicators: replace(0, { actual: undefined }) }), NOW)),
    ).toEqual(['indicators[0].actual']);
  });

  it('a qualitative indicator without tier → 422 on tier', () => {
    expect(
      paths(() => fileReport(project(), report({ indicators: replace(5, { tier: undefined }) }), NOW)),
    ).toEqual(['indicators[5].tier']);
  });

  it('a possible miss without a cause → 422 on deviationCause', () => {
    const line = { likelihood: 'possible' as const, measures: '加快进度' };

    expect(paths(() => fileReport(project(), report({ indicators: replace(0, line) }), NOW))).toEqual([
      'indicators[0].deviationCause',
    ]);
  });

  it('an impossible target without measures → 422 on measures', () => {
    const line = { likelihood: 'impossible' as const, deviationCause: '用地未落实' };

    expect(paths(() => fileReport(project(), report({ indicators: replace(0, line) }), NOW))).toEqual([
      'indicators[0].measures',
    ]);
  });

  it('a possible miss with cause and measures is accepted', () => {
    const line = { likelihood: 'possible' as const, deviationCause: '用地未落实', measures: '协调用地' };

    expect(fileReport(project(), report({ indicators: replace(0, line) }), NOW).reports).toHaveLength(1);
  });

  it('an indicator left out → 422 naming it', () => {
    const err = thrown(() => fileReport(project(), report({ indicators: lines().slice(1) }), NOW));

    expect(err.errors).toEqual([
      { path: 'indicators', message: expect.stringContaining(education[0]!.name) },
    ]);
  });

  it('a project that is not executing → 409', () => {
    expect(thrown(() => fileReport(project({ status: 'in_library' }), report(), NOW))).toBeInstanceOf(
      Conflict,
    );
  });
});

describe('monitoringReportInput', () => {
  it('refuses a period that is not YYYY-MM', () => {
    expect(monitoringReportInput.safeParse(report({ period: '2026-13' })).success).toBe(false);
  });

  it('refuses an unknown likelihood', () => {
    const bad = { ...report(), indicators: [{ name: 'x', actual: 1, likelihood: 'maybe' }] };

    expect(monitoringReportInput.safeParse(bad).success).toBe(false);
  });
});
