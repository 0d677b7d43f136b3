import * as z from 'zod';
import { businessDate } from './calendar.js';
import { type FieldError, RuleViolation } from './errors.js';
import { isQuantitative, tiers } from './indicators.js';
import { indicatorValue } from './numbers.js';
import type { Project } from './project.js';
import { nextStatus } from './project-status.js';

/**
 * A monitoring report (绩效运行监控报告): the department's progress on each indicator for a period, with
 * how likely the target is met and, where it lags, why and what it does about it.
 */
export const likelihoods = ['certain', 'possible', 'impossible'] as const;

export const monitoringReportInput = z
  .strictObject({
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
    indicators: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(500),
          actual: indicatorValue().optional(),
          tier: z.enum(tiers).optional(),
          likelihood: z.enum(likelihoods),
          deviationCause: z.string().trim().max(2000).optional(),
          measures: z.string().trim().max(2000).optional(),
        }),
      )
      .min(1)
      .max(100),
  })
  .meta({ id: 'MonitoringReportInput' });
export type MonitoringReportInput = z.infer<typeof monitoringReportInput>;

/**
 * Checks a report against the project's goals: every indicator answered once (quantitative: `actual`;
 * qualitative: `tier`), no unknown names, a period of the fiscal year not after this month, and a cause
 * and measures wherever the target may be missed. Returns the project with the report as its latest for
 * the period.
 */
export function fileReport(p: Project, input: MonitoringReportInput, now: Date): Project {
  nextStatus('fileMonitoringReport', p.status);
  const errors: FieldError[] = [];
  const today = businessDate(now);
  if (!input.period.startsWith(`${p.fiscalYear}-`)) {
    errors.push({ path: 'period', message: `must be a month of the fiscal year ${p.fiscalYear}` });
  } else if (input.period > today.slice(0, 7)) {
    errors.push({ path: 'period', message: `must not be after the current month (${today.slice(0, 7)})` });
  }
  const goals = new Map((p.goals?.indicators ?? []).map((i) => [i.name, i]));
  const seen = new Set<string>();
  for (const [n, r] of input.indicators.entries()) {
    const goal = goals.get(r.name);
    const at = (f: string) => `indicators[${n}].${f}`;
    if (!goal) {
      errors.push({ path: at('name'), message: `no indicator named "${r.name}" in the project's goals` });
      continue;
    }
    if (seen.has(r.name)) {
      errors.push({ path: at('name'), message: `"${r.name}" is reported twice` });
      continue;
    }
    seen.add(r.name);
    if (isQuantitative(goal) && r.actual === undefined) {
      errors.push({ path: at('actual'), message: 'required for a quantitative indicator' });
    }
    if (!isQuantitative(goal) && r.tier === undefined) {
      errors.push({ path: at('tier'), message: 'required for a qualitative indicator' });
    }
    if (r.likelihood !== 'certain' && (!r.deviationCause || !r.measures)) {
      errors.push({
        path: at(r.deviationCause ? 'measures' : 'deviationCause'),
        message: 'say why the target may be missed and what is done about it',
      });
    }
  }
  [...goals.keys()].forEach((name) => {
    if (!seen.has(name))
      errors.push({ path: 'indicators', message: `the indicator "${name}" is not reported` });
  });
  if (errors.length) throw new RuleViolation('The monitoring report is incomplete or inconsistent', errors);
  const filed = {
    period: input.period,
    filedOn: today,
    indicators: input.indicators.map(({ name, actual, tier }) => ({ name, actual, tier })),
  };
  const reports = [...p.reports.filter((r) => r.period !== input.period), filed].sort((a, b) =>
    a.period < b.period ? -1 : 1,
  );
  return { ...p, reports, version: p.version + 1, updatedAt: now.toISOString() };
}
