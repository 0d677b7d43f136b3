import * as z from 'zod';
import type { FieldError } from './errors.js';
import { yuan } from './money.js';
import { measure } from './numbers.js';

/**
 * The bureau's rules (../shared/domain.md) as a versioned configuration per fiscal year. Every number
 * of domain.md is a default here; `finance` changes them with PUT /v1/config/{fiscalYear}, which makes a
 * new version. Decisions record the version they were made with.
 */
const points = measure(0, 100);
const date = z.iso.date();
const email = z.email();

export const ruleValuesSchema = z
  .strictObject({
    exAnte: z.strictObject({
      /** New projects or policies asking at least this much (yuan, inclusive) need an assessment. */
      thresholdAmount: yuan,
      /** Guidance: total ≥ supported → supported; ≥ supportedAfterAdjustment → after adjustment. */
      supportedFrom: points,
      supportedAfterAdjustmentFrom: points,
    }),
    /** Points of the self-evaluation; the level-1 indicator groups' weights must add up to these. */
    scoring: z.strictObject({
      execution: points,
      output: points,
      benefit: points,
      satisfaction: points,
    }),
    /** Grade bands on a 0–100 total: excellent ≥, good ≥, fair ≥, else poor. */
    grades: z.strictObject({ excellent: points, good: points, fair: points }),
    monitoring: z.strictObject({
      /** Light bands on an index: < yellowFrom red, < greenFrom yellow, else green; ≥ blueFrom blue (indicators). */
      yellowFrom: measure(0, 10_000),
      greenFrom: measure(0, 10_000),
      blueFrom: measure(0, 10_000),
      /** Divergence flag when goal progress and execution rate differ by more than this (percentage points). */
      divergencePoints: measure(0, 100),
      /** Month-day of each checkpoint (end of a monitoring period), e.g. `04-30`. */
      checkpoints: z.array(z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'MM-DD')).min(1),
      reportDeadlineDays: z.int().min(0).max(60),
      rectificationWorkingDays: z.int().min(1).max(60),
      reminderWorkingDays: z.int().min(0).max(30),
      /** Clawback on a red execution light at checkpoints from this month on (8 = August). */
      clawbackFromMonth: z.int().min(1).max(12),
      minClawbackAmount: yuan,
    }),
    calendar: z.strictObject({
      /** Public holidays (no work) and make-up working days (调休) for working-day deadlines. */
      holidays: z.array(date),
      makeUpWorkdays: z.array(date),
    }),
    results: z.strictObject({
      /** Share of the budget cut for a `fair` final grade (0.1 = 10 %). */
      cutShare: measure(0, 1),
    }),
    /** Self-evaluation and ranking (domain.md §4, issue 9's signals). */
    evaluation: z
      .strictObject({
        /** A department whose claimed totals exceed the reviewed ones by more than this on average is flagged. */
        inflationGap: z.number().min(0).max(100),
        /** Alternative weightings the ranking is recomputed with (`GET /v1/rankings?whatIf=`); each adds up to 100. */
        whatIf: z
          .array(
            z.strictObject({
              name: z.string().trim().min(1).max(60),
              execution: points,
              output: points,
              benefit: points,
              satisfaction: points,
            }),
          )
          .max(10),
        /** Next year's target is questioned when last year's reviewed actual beat it by this share (0.2 = 20 %). */
        learningMargin: z.number().min(0).max(10),
      })
      .default(() => structuredClone(defaultEvaluationValues)),
    agencyRating: z.strictObject({
      expertise: points,
      stability: points,
      diligence: points,
      accuracy: points,
      conclusions: points,
    }),
    /** Where the bureau's monitoring summary and reminders go. */
    bureauEmails: z.array(email).max(20),
  })
  .meta({ id: 'RuleValues' });

export type RuleValues = z.infer<typeof ruleValuesSchema>;

export const defaultEvaluationValues = {
  inflationGap: 5,
  whatIf: [
    {
      name: '产出优先（执行20/产出40/效益30/满意度10）',
      execution: 20,
      output: 40,
      benefit: 30,
      satisfaction: 10,
    },
  ],
  learningMargin: 0.2,
};

export interface RuleConfig extends RuleValues {
  fiscalYear: number;
  version: number;
  /** True while the bureau has not changed anything: the defaults of domain.md. */
  isDefault: boolean;
  createdAt?: string;
  createdBy?: string;
}

export const DEFAULT_CONFIG_VERSION = 1;

export const defaultRuleValues: RuleValues = {
  exAnte: { thresholdAmount: 3_000_000, supportedFrom: 80, supportedAfterAdjustmentFrom: 60 },
  scoring: { execution: 10, output: 50, benefit: 30, satisfaction: 10 },
  grades: { excellent: 90, good: 80, fair: 60 },
  monitoring: {
    yellowFrom: 60,
    greenFrom: 80,
    blueFrom: 120,
    divergencePoints: 10,
    checkpoints: ['04-30', '06-30', '08-31', '10-31'],
    reportDeadlineDays: 10,
    rectificationWorkingDays: 10,
    reminderWorkingDays: 3,
    clawbackFromMonth: 8,
    minClawbackAmount: 1000,
  },
  calendar: { holidays: [], makeUpWorkdays: [] },
  results: { cutShare: 0.1 },
  evaluation: structuredClone(defaultEvaluationValues),
  agencyRating: { expertise: 15, stability: 15, diligence: 20, accuracy: 25, conclusions: 25 },
  bureauEmails: [],
};

export function defaultConfig(fiscalYear: number): RuleConfig {
  return {
    fiscalYear,
    version: DEFAULT_CONFIG_VERSION,
    isDefault: true,
    ...structuredClone(defaultRuleValues),
  };
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/**
 * The consistency rules a new configuration must keep, beyond each field's own range: bands ordered,
 * points adding up to 100, checkpoints real dates in order, no day both a holiday and a make-up day.
 */
export function checkRuleValues(v: RuleValues): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  if (v.exAnte.supportedAfterAdjustmentFrom >= v.exAnte.supportedFrom) {
    fail('exAnte.supportedAfterAdjustmentFrom', 'must be below exAnte.supportedFrom');
  }
  if (!(v.grades.fair < v.grades.good && v.grades.good < v.grades.excellent)) {
    fail('grades', 'bands must be ordered: fair < good < excellent');
  }
  const m = v.monitoring;
  if (!(m.yellowFrom < m.greenFrom && m.greenFrom < m.blueFrom)) {
    fail('monitoring', 'light bands must be ordered: yellowFrom < greenFrom < blueFrom');
  }
  if (sum(v.scoring) !== 100) fail('scoring', `points must add up to 100, not ${sum(v.scoring)}`);
  if (sum(v.agencyRating) !== 100)
    fail('agencyRating', `points must add up to 100, not ${sum(v.agencyRating)}`);
  v.evaluation.whatIf.forEach((w, i) => {
    const total = w.execution + w.output + w.benefit + w.satisfaction;
    if (total !== 100) fail(`evaluation.whatIf[${i}]`, `points must add up to 100, not ${total}`);
  });
  m.checkpoints.forEach((c, i) => {
    if (!isRealMonthDay(c)) fail(`monitoring.checkpoints[${i}]`, `${c} is not a day of the year`);
    if (i > 0 && c <= (m.checkpoints[i - 1] ?? ''))
      fail(`monitoring.checkpoints[${i}]`, 'checkpoints must be in order');
  });
  const holidays = new Set(v.calendar.holidays);
  v.calendar.makeUpWorkdays.forEach((d, i) => {
    if (holidays.has(d)) fail(`calendar.makeUpWorkdays[${i}]`, `${d} is also listed as a holiday`);
  });
  return errors;
}

function isRealMonthDay(md: string): boolean {
  const [month, day] = md.split('-').map(Number) as [number, number];
  // A non-leap year: 02-29 would not be a checkpoint every year.
  return day <= new Date(Date.UTC(2025, month, 0)).getUTCDate();
}
