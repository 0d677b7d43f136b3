import * as z from 'zod';
import { indicatorValue, measure } from './numbers.js';

/**
 * The three-level indicator model of domain.md §2. Level 1 → level 2 is fixed; level 3 is the indicator,
 * named by the department.
 */
export const level2ByLevel1 = {
  output: ['quantity', 'quality', 'timeliness', 'cost'],
  benefit: ['economic', 'social', 'ecological', 'sustainability'],
  satisfaction: ['satisfaction'],
} as const;

export const level1Codes = ['output', 'benefit', 'satisfaction'] as const;
export type Level1 = (typeof level1Codes)[number];
export const level2Codes = [...new Set(Object.values(level2ByLevel1).flat())] as [string, ...string[]];
export type Level2 = (typeof level2ByLevel1)[Level1][number];

export const operators = ['>=', '<=', '=', 'qualitative'] as const;
export type Operator = (typeof operators)[number];
export const tiers = ['achieved', 'partly_achieved', 'not_achieved'] as const;
export type Tier = (typeof tiers)[number];

export const levelNames: Record<Level1 | Level2, { 'zh-CN': string; en: string }> = {
  output: { 'zh-CN': '产出指标', en: 'output' },
  benefit: { 'zh-CN': '效益指标', en: 'benefit' },
  satisfaction: { 'zh-CN': '满意度指标', en: 'satisfaction' },
  quantity: { 'zh-CN': '数量指标', en: 'quantity' },
  quality: { 'zh-CN': '质量指标', en: 'quality' },
  timeliness: { 'zh-CN': '时效指标', en: 'timeliness' },
  cost: { 'zh-CN': '成本指标', en: 'cost' },
  economic: { 'zh-CN': '经济效益指标', en: 'economic' },
  social: { 'zh-CN': '社会效益指标', en: 'social' },
  ecological: { 'zh-CN': '生态效益指标', en: 'ecological' },
  sustainability: { 'zh-CN': '可持续影响指标', en: 'sustainability' },
};

/**
 * An indicator as the department sends it. Only the shape is checked here (400); what makes a goal set
 * measurable is the goal lint's business (422, with a reason per indicator).
 */
export const indicatorInput = z
  .strictObject({
    level1: z.enum(level1Codes),
    level2: z.enum(level2Codes as unknown as [Level2, ...Level2[]]),
    name: z.string().trim().min(1).max(500),
    operator: z.enum(operators),
    /** A number for `>=`, `<=`, `=`; for `qualitative` the expected achievement in words (domain.md §2). */
    target: z.union([indicatorValue(), z.string().trim().min(1).max(500)]).optional(),
    unit: z.string().trim().max(50).optional(),
    weight: measure(-1e6, 1e6),
    explanation: z.string().trim().max(2000).optional(),
  })
  .meta({ id: 'Indicator' });
export type Indicator = z.infer<typeof indicatorInput>;

/**
 * At most this many indicators in a goal set, so the transactions that count the library's use always fit in
 * DynamoDB's 100 items: each template a goal set uses is one counter update, in the transaction of the goal
 * approval (the project and its audit record + one per template: 2 + n) and of the self-evaluation review (the
 * self-evaluation, its audit record and the year's change record + one per template: 3 + n). 97 would fit; 90
 * leaves room for a few more items in those transactions (test/unit/library-usage.test.ts checks the sum).
 */
export const MAX_GOAL_INDICATORS = 90;
export const TOO_MANY_INDICATORS = `at most ${MAX_GOAL_INDICATORS} indicators in a goal set`;

export const goalsInput = z
  .strictObject({
    overallGoal: z.string().trim().min(1).max(4000),
    indicators: z.array(indicatorInput).min(1).max(MAX_GOAL_INDICATORS, TOO_MANY_INDICATORS),
  })
  .meta({ id: 'GoalsInput' });
export type GoalsInput = z.infer<typeof goalsInput>;

export const isQuantitative = (i: Pick<Indicator, 'operator'>) => i.operator !== 'qualitative';

/** The numeric target of a quantitative indicator (undefined when there is none, or it is words). */
export const numericTarget = (i: Pick<Indicator, 'target'>): number | undefined =>
  typeof i.target === 'number' && Number.isFinite(i.target) ? i.target : undefined;

/** The target as people read it: the number with its unit, or the words of a qualitative target. */
export function targetText(i: Pick<Indicator, 'operator' | 'target' | 'unit'>): string {
  if (i.target === undefined) return '';
  if (typeof i.target === 'string') return i.target;
  const op =
    i.operator === 'qualitative' ? '' : `${i.operator === '=' ? '=' : i.operator === '>=' ? '≥' : '≤'}`;
  return `${op}${i.target}${i.unit ?? ''}`;
}
