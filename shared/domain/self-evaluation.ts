import * as z from 'zod';
import { yearOf } from './calendar.js';
import type { RuleConfig } from './config.js';
import { Conflict, type FieldError, RuleViolation } from './errors.js';
import { type Indicator, type Level1, level1Codes, numericTarget, type Tier, tiers } from './indicators.js';
import { hasAtMostTwoDecimals } from './money.js';
import type { Project } from './project.js';
import { decimal, type Fraction, fraction, times } from './ratio.js';

/**
 * Self-evaluation (绩效自评, domain.md §4) as pure functions: the execution score, each operator's rule, the
 * qualitative tiers and their bands, half-up rounding of every part to two decimals, the total as the sum of
 * the rounded parts, the grade; then the bureau's review. Every score is computed exactly — targets, actuals
 * and weights as fractions (ratio.ts), money in fen — and kept in hundredths of a point (integers) until it
 * is shown, so 0.005 rounds up and no float drift creeps into a total.
 */
export const grades = ['excellent', 'good', 'fair', 'poor'] as const;
export type Grade = (typeof grades)[number];

/** Hundredths of a point: 12.34 points = 1234. */
export type Hundredths = number;
export const toPoints = (h: Hundredths) => h / 100;
const toHundredths = (points: number): Hundredths => Math.round(points * 100);

/** A non-negative fraction of a point, rounded half up to hundredths. */
export function roundHalfUp(f: Fraction): Hundredths {
  if (f.den <= 0n) throw new RangeError('the denominator must be positive');
  if (f.num <= 0n) return 0; // no score is ever below 0
  return Number((f.num * 200n + f.den) / (2n * f.den));
}

const ONE = fraction(1, 1);
const ZERO = fraction(0, 1);
const add = (a: Fraction, b: Fraction): Fraction => ({
  num: a.num * b.den + b.num * a.den,
  den: a.den * b.den,
});
const sub = (a: Fraction, b: Fraction): Fraction => ({
  num: a.num * b.den - b.num * a.den,
  den: a.den * b.den,
});
const ge = (a: Fraction, b: Fraction) => a.num * b.den >= b.num * a.den;
const abs = (a: Fraction): Fraction => ({ num: a.num < 0n ? -a.num : a.num, den: a.den });
const div = (a: Fraction, b: Fraction): Fraction => {
  // keep the denominator positive
  const num = a.num * b.den;
  const den = a.den * b.num;
  return den < 0n ? { num: -num, den: -den } : { num, den };
};
const clamp01 = (f: Fraction): Fraction => (f.num <= 0n ? ZERO : ge(f, ONE) ? ONE : f);

/** The share of its weight an indicator earns, as an exact fraction in [0, 1]. */
export function quantitativeShare(operator: '>=' | '<=' | '=', target: number, actual: number): Fraction {
  const t = decimal(target);
  const a = decimal(actual);
  switch (operator) {
    case '>=':
      // Met (a target of 0 is met by any actual): full weight; else actual ÷ target.
      if (ge(a, t)) return ONE;
      return t.num > 0n ? clamp01(div(a, t)) : ZERO;
    case '<=':
      if (ge(t, a)) return ONE;
      // Over the target: linear down to 0 at twice the target; with a target of 0 (or below), nothing.
      if (t.num <= 0n) return ZERO;
      return clamp01(sub(ONE, div(sub(a, t), t)));
    case '=':
      if (t.num === 0n) return a.num === 0n ? ONE : ZERO;
      return clamp01(sub(ONE, div(abs(sub(a, t)), abs(t))));
  }
}

/** The band of a tier on an indicator's weight: [low, high) — `achieved` includes its high end (the weight). */
export const tierBands: Record<Tier, [number, number]> = {
  achieved: [0.8, 1],
  partly_achieved: [0.6, 0.8],
  not_achieved: [0, 0.6],
};

/** Whether a claimed score (points, two decimals at most) lies in its tier's band of `weight`. */
export function inTierBand(tier: Tier, score: number, weight: number): boolean {
  const [lo, hi] = tierBands[tier];
  const s = decimal(score);
  const w = decimal(weight);
  const low = times(decimal(lo), w);
  const high = times(decimal(hi), w);
  const aboveLow = ge(s, low);
  const belowHigh = tier === 'achieved' ? ge(high, s) : !ge(s, high);
  return aboveLow && belowHigh;
}

export const bandText = (tier: Tier, weight: number) => {
  const [lo, hi] = tierBands[tier];
  const w = decimal(weight);
  const l = toPoints(roundHalfUp(times(decimal(lo), w)));
  const h = toPoints(roundHalfUp(times(decimal(hi), w)));
  return tier === 'achieved' ? `[${l}, ${h}]` : `[${l}, ${h})`;
};

/** Execution score = min(spend ÷ budget, 1) × points (the year's spend, the current approved budget). */
export function executionScore(spentFen: number, approvedFen: number, points: number): Hundredths {
  const share = approvedFen <= 0 ? ONE : clamp01(fraction(spentFen, approvedFen));
  return roundHalfUp(times(share, decimal(points)));
}

export function gradeOf(total: Hundredths, bands: RuleConfig['grades']): Grade {
  if (total >= toHundredths(bands.excellent)) return 'excellent';
  if (total >= toHundredths(bands.good)) return 'good';
  if (total >= toHundredths(bands.fair)) return 'fair';
  return 'poor';
}

// ---------------------------------------------------------------- input

const points = z.number().min(0).max(100).refine(hasAtMostTwoDecimals, 'at most two decimals');
const documentId = z.string().min(1).max(64);

export const selfEvaluationInput = z
  .strictObject({
    indicators: z
      .array(
        z.strictObject({
          name: z.string().trim().min(1).max(500),
          actual: z
            .number()
            .min(-1e12)
            .max(1e12)
            .optional()
            .meta({ description: 'Quantitative indicators: the actual value' }),
          tier: z.enum(tiers).optional().meta({ description: 'Qualitative indicators: the tier claimed' }),
          score: points
            .optional()
            .meta({ description: 'Qualitative indicators: points inside the tier’s band' }),
          evidenceDocumentIds: z.array(documentId).max(20).optional(),
        }),
      )
      .max(100),
    summary: z.string().trim().min(1).max(8000),
  })
  .meta({ id: 'SelfEvaluationInput' });
export type SelfEvaluationInput = z.infer<typeof selfEvaluationInput>;

export const reviewInput = z
  .strictObject({
    adjustments: z
      .array(
        z.strictObject({
          name: z
            .string()
            .trim()
            .min(1)
            .max(500)
            .meta({ description: 'An indicator’s name, or `execution`' }),
          score: points,
          reason: z.string().trim().min(1).max(2000),
        }),
      )
      .max(101),
    comments: z.string().trim().max(4000).optional(),
  })
  .meta({ id: 'SelfEvaluationReviewInput' });
export type ReviewInput = z.infer<typeof reviewInput>;

// ---------------------------------------------------------------- the record

const scoredIndicator = z.object({
  name: z.string(),
  level1: z.enum(level1Codes),
  operator: z.string(),
  target: z.union([z.number(), z.string()]).optional(),
  unit: z.string().optional(),
  weight: z.number(),
  actual: z.number().optional(),
  tier: z.enum(tiers).optional(),
  /** Hundredths of a point. */
  score: z.int(),
  evidenceDocumentIds: z.array(z.string()),
  supported: z.boolean(),
  /** How the score came about, for people. */
  rule: z.string(),
});
export type ScoredIndicator = z.infer<typeof scoredIndicator>;

const scoreSheet = z.object({
  /** Hundredths. */
  executionScore: z.int(),
  executionWeight: z.number(),
  indicators: z.array(scoredIndicator),
  total: z.int(),
  grade: z.enum(grades),
});
export type ScoreSheet = z.infer<typeof scoreSheet>;

export const selfEvaluationRecord = z.object({
  projectId: z.string(),
  departmentId: z.string(),
  fiscalYear: z.int(),
  projectName: z.string(),
  status: z.enum(['submitted', 'reviewed']),
  summary: z.string(),
  spentFen: z.int(),
  approvedFen: z.int(),
  claimed: scoreSheet,
  reviewed: scoreSheet
    .extend({
      adjustments: z.array(
        z.object({ name: z.string(), claimed: z.int(), score: z.int(), reason: z.string() }),
      ),
      comments: z.string().optional(),
      reviewedAt: z.string(),
      reviewedBy: z.string(),
      configVersion: z.int(),
    })
    .optional(),
  /** The configuration version the claimed scores were computed with. */
  configVersion: z.int(),
  submissions: z.int(),
  submittedAt: z.string(),
  submittedBy: z.string(),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The record's id for the entity store: the project's id. */
  id: z.string(),
});
export type SelfEvaluation = z.infer<typeof selfEvaluationRecord>;

// ---------------------------------------------------------------- scoring

const ruleText: Record<Indicator['operator'], string> = {
  '>=': 'actual ≥ target → weight; else actual ÷ target × weight (target 0: weight)',
  '<=': 'actual ≤ target → weight; up to 2 × target: (1 − (actual − target) ÷ target) × weight; beyond: 0 (target 0: weight only for 0)',
  '=': 'max(0, 1 − |actual − target| ÷ target) × weight (target 0: weight only for 0)',
  qualitative:
    'the claimed score inside its tier’s band (achieved [0.8, 1], partly [0.6, 0.8), not [0, 0.6) × weight)',
};

export interface Answer {
  actual?: number;
  tier?: Tier;
  score?: number;
  evidenceDocumentIds?: string[];
}

/** One indicator's score (hundredths) from its answer; a missing or out-of-band answer is a field error. */
export function scoreIndicator(
  ind: Indicator,
  answer: Answer | undefined,
  path: string,
): { scored?: ScoredIndicator; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const base = {
    name: ind.name,
    level1: ind.level1,
    operator: ind.operator,
    target: ind.target,
    unit: ind.unit,
    weight: ind.weight,
    evidenceDocumentIds: answer?.evidenceDocumentIds ?? [],
    supported: (answer?.evidenceDocumentIds ?? []).length > 0,
    rule: ruleText[ind.operator],
  };
  if (ind.operator === 'qualitative') {
    if (!answer?.tier)
      errors.push({ path: `${path}.tier`, message: `"${ind.name}" is qualitative: claim a tier` });
    if (answer?.score === undefined)
      errors.push({ path: `${path}.score`, message: `"${ind.name}" is qualitative: claim a score` });
    if (answer?.actual !== undefined)
      errors.push({
        path: `${path}.actual`,
        message: `"${ind.name}" is qualitative: it has no actual value`,
      });
    if (errors.length || !answer?.tier || answer.score === undefined) return { errors };
    if (!inTierBand(answer.tier, answer.score, ind.weight)) {
      errors.push({
        path: `${path}.score`,
        message: `${answer.score} is outside the band of ${answer.tier} for a weight of ${ind.weight}: ${bandText(answer.tier, ind.weight)} (分值超出所报等级的分数区间)`,
      });
      return { errors };
    }
    return { scored: { ...base, tier: answer.tier, score: toHundredths(answer.score) }, errors };
  }
  const target = numericTarget(ind);
  if (answer?.actual === undefined) {
    errors.push({ path: `${path}.actual`, message: `"${ind.name}" is quantitative: give its actual value` });
  }
  if (answer?.tier !== undefined || answer?.score !== undefined) {
    errors.push({
      path: `${path}.${answer?.tier !== undefined ? 'tier' : 'score'}`,
      message: `"${ind.name}" is quantitative: its score is computed from the actual value`,
    });
  }
  if (target === undefined)
    errors.push({ path, message: `"${ind.name}" has no numeric target to score against` });
  else if (
    !Number.isSafeInteger(Math.round(target * 1e6)) ||
    !Number.isSafeInteger(Math.round(ind.weight * 1e6))
  )
    errors.push({ path, message: `"${ind.name}" has a target or weight too large to score exactly` });
  if (errors.length || answer?.actual === undefined || target === undefined) return { errors };
  if (!Number.isSafeInteger(Math.round(answer.actual * 1e6))) {
    return { errors: [{ path: `${path}.actual`, message: 'too large to score exactly' }] };
  }
  const share = quantitativeShare(ind.operator, target, answer.actual);
  return {
    scored: { ...base, actual: answer.actual, score: roundHalfUp(times(share, decimal(ind.weight))) },
    errors,
  };
}

/** The score sheet: execution + each indicator, each rounded; the total is the sum of the rounded parts. */
export function sheetOf(
  executionHundredths: Hundredths,
  executionWeight: number,
  indicators: ScoredIndicator[],
  bands: RuleConfig['grades'],
): ScoreSheet {
  const total = indicators.reduce((sum, i) => sum + i.score, executionHundredths);
  return {
    executionScore: executionHundredths,
    executionWeight,
    indicators,
    total,
    grade: gradeOf(total, bands),
  };
}

export interface EvaluationContext {
  now: Date;
  by: string;
  config: RuleConfig;
  /** Today's business date. */
  today: string;
  /** The documents named as evidence that are received documents of this project. */
  receivedDocumentIds: ReadonlySet<string>;
}

/** 409s first (the contract's order), then the rules (422). */
export function checkMayEvaluate(p: Project, existing: SelfEvaluation | undefined, today: string): void {
  if (!p.budget) {
    throw new Conflict(
      `Project ${p.id} was never budgeted: there is nothing to self-evaluate (项目未批复预算)`,
    );
  }
  if (yearOf(today) <= p.fiscalYear) {
    throw new Conflict(
      `The fiscal year ${p.fiscalYear} has not ended yet: self-evaluation opens on ${p.fiscalYear + 1}-01-01 (预算年度结束后方可自评)`,
    );
  }
  if (existing?.status === 'reviewed') {
    throw new Conflict(
      'The bureau has reviewed this self-evaluation: it can no longer be replaced (财政局已复核)',
    );
  }
}

/** The claimed self-evaluation of a project (the first or a replacement). */
export function evaluate(
  p: Project,
  input: SelfEvaluationInput,
  existing: SelfEvaluation | undefined,
  ctx: EvaluationContext,
): SelfEvaluation {
  checkMayEvaluate(p, existing, ctx.today);
  const indicators = p.goals?.indicators ?? [];
  const errors: FieldError[] = [];
  const answers = new Map<string, { answer: (typeof input.indicators)[number]; index: number }>();
  input.indicators.forEach((a, index) => {
    if (answers.has(a.name))
      errors.push({ path: `indicators[${index}].name`, message: `"${a.name}" is answered twice` });
    else if (!indicators.some((i) => i.name === a.name))
      errors.push({
        path: `indicators[${index}].name`,
        message: `"${a.name}" is not an indicator of the project's goals`,
      });
    answers.set(a.name, { answer: a, index });
    (a.evidenceDocumentIds ?? []).forEach((id, k) => {
      if (!ctx.receivedDocumentIds.has(id))
        errors.push({
          path: `indicators[${index}].evidenceDocumentIds[${k}]`,
          message: `${id} is not a received document of project ${p.id} (证明材料须为本项目已接收的文件)`,
        });
    });
  });
  const scored: ScoredIndicator[] = [];
  for (const ind of indicators) {
    const found = answers.get(ind.name);
    if (!found) {
      errors.push({
        path: 'indicators',
        message: `"${ind.name}" is not answered: every indicator must be (每个指标都须填报)`,
      });
      continue;
    }
    const out = scoreIndicator(ind, found.answer, `indicators[${found.index}]`);
    errors.push(...out.errors);
    if (out.scored) scored.push(out.scored);
  }
  if (errors.length) throw new RuleViolation('The self-evaluation breaks a rule', errors);
  const approvedFen = p.budget!.approvedFen;
  const weight = ctx.config.scoring.execution;
  const claimed = sheetOf(executionScore(p.spentFen, approvedFen, weight), weight, scored, ctx.config.grades);
  const at = ctx.now.toISOString();
  return {
    id: p.id,
    projectId: p.id,
    departmentId: p.departmentId,
    fiscalYear: p.fiscalYear,
    projectName: p.name,
    status: 'submitted',
    summary: input.summary,
    spentFen: p.spentFen,
    approvedFen,
    claimed,
    configVersion: ctx.config.version,
    submissions: (existing?.submissions ?? 0) + 1,
    submittedAt: at,
    submittedBy: ctx.by,
    version: (existing?.version ?? 0) + 1,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
  };
}

/** The bureau's review: each adjustment within [0, its weight] with a reason; once only. */
export function review(
  e: SelfEvaluation,
  input: ReviewInput,
  ctx: { now: Date; by: string; config: RuleConfig },
): SelfEvaluation {
  if (e.status === 'reviewed')
    throw new Conflict('This self-evaluation has been reviewed already (每份自评只复核一次)');
  const errors: FieldError[] = [];
  const byName = new Map<string, { score: number; reason: string }>();
  input.adjustments.forEach((a, i) => {
    const weight =
      a.name === 'execution'
        ? e.claimed.executionWeight
        : e.claimed.indicators.find((x) => x.name === a.name)?.weight;
    if (byName.has(a.name))
      errors.push({ path: `adjustments[${i}].name`, message: `"${a.name}" is adjusted twice` });
    else if (weight === undefined)
      errors.push({
        path: `adjustments[${i}].name`,
        message: `"${a.name}" is neither an indicator of the evaluation nor "execution"`,
      });
    else if (!ge(decimal(weight), decimal(a.score)))
      errors.push({ path: `adjustments[${i}].score`, message: `must be within [0, ${weight}] (its weight)` });
    byName.set(a.name, { score: a.score, reason: a.reason });
  });
  if (errors.length) throw new RuleViolation('The review breaks a rule', errors);
  const adjustments: NonNullable<SelfEvaluation['reviewed']>['adjustments'] = [];
  const adjust = (name: string, claimed: Hundredths): Hundredths => {
    const a = byName.get(name);
    if (!a) return claimed;
    const score = toHundredths(a.score);
    adjustments.push({ name, claimed, score, reason: a.reason });
    return score;
  };
  const execution = adjust('execution', e.claimed.executionScore);
  const indicators = e.claimed.indicators.map((i) => ({ ...i, score: adjust(i.name, i.score) }));
  const sheet = sheetOf(execution, e.claimed.executionWeight, indicators, ctx.config.grades);
  const at = ctx.now.toISOString();
  return {
    ...e,
    status: 'reviewed',
    reviewed: {
      ...sheet,
      adjustments,
      comments: input.comments,
      reviewedAt: at,
      reviewedBy: ctx.by,
      configVersion: ctx.config.version,
    },
    version: e.version + 1,
    updatedAt: at,
  };
}

// ---------------------------------------------------------------- the API's view

const sheetView = (s: ScoreSheet) => ({
  executionScore: toPoints(s.executionScore),
  executionWeight: s.executionWeight,
  indicatorScores: s.indicators.map((i) => ({
    name: i.name,
    level1: i.level1,
    operator: i.operator,
    target: i.target,
    unit: i.unit,
    actual: i.actual,
    tier: i.tier,
    score: toPoints(i.score),
    weight: i.weight,
    supported: i.supported,
    evidenceDocumentIds: i.evidenceDocumentIds,
    rule: i.rule,
  })),
  total: toPoints(s.total),
  grade: s.grade,
});

/** The self-evaluation as the API shows it: the reviewed figures on top once reviewed, the claimed ones kept. */
export function selfEvaluationView(e: SelfEvaluation) {
  const claimed = sheetView(e.claimed);
  const base = {
    projectId: e.projectId,
    departmentId: e.departmentId,
    fiscalYear: e.fiscalYear,
    status: e.status,
    summary: e.summary,
    spentAmount: e.spentFen / 100,
    approvedAmount: e.approvedFen / 100,
    configVersion: e.configVersion,
    submittedAt: e.submittedAt,
    submissions: e.submissions,
    version: e.version,
  };
  if (!e.reviewed) return { ...base, ...claimed, claimed };
  const { adjustments, comments, reviewedAt, reviewedBy, configVersion } = e.reviewed;
  return {
    ...base,
    ...sheetView(e.reviewed),
    claimed,
    review: {
      adjustments: adjustments.map((a) => ({
        name: a.name,
        claimed: toPoints(a.claimed),
        score: toPoints(a.score),
        reason: a.reason,
      })),
      comments,
      reviewedAt,
      reviewedBy,
      configVersion,
    },
  };
}

/** The figures a ranking or a result is made of. */
export const finalSheet = (e: SelfEvaluation): ScoreSheet | undefined => e.reviewed;

/** Reviewed score share of each level-1 group (score ÷ weight of the group), for alternative weightings. */
export function groupShares(s: ScoreSheet): Record<Level1 | 'execution', Fraction | undefined> {
  const out: Record<Level1 | 'execution', Fraction | undefined> = {
    execution:
      s.executionWeight > 0 ? div(fraction(s.executionScore, 100), decimal(s.executionWeight)) : undefined,
    output: undefined,
    benefit: undefined,
    satisfaction: undefined,
  };
  for (const g of level1Codes) {
    const members = s.indicators.filter((i) => i.level1 === g);
    const weight = members.reduce((w, i) => add(w, decimal(i.weight)), ZERO);
    if (weight.num === 0n) continue;
    const score = fraction(
      members.reduce((a, i) => a + i.score, 0),
      100,
    );
    out[g] = div(score, weight);
  }
  return out;
}

/** A reviewed total under another weighting: Σ points × share of each part, rounded half up. */
export function reweightedTotal(
  s: ScoreSheet,
  w: { execution: number; output: number; benefit: number; satisfaction: number },
): Hundredths {
  const shares = groupShares(s);
  let total = 0;
  for (const part of ['execution', ...level1Codes] as const) {
    const share = shares[part];
    if (share) total += roundHalfUp(times(share, decimal(w[part])));
  }
  return total;
}
