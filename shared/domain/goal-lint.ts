import type { Localized } from './errors.js';
import {
  type Indicator,
  isQuantitative,
  type Level1,
  level1Codes,
  level2ByLevel1,
  levelNames,
  numericTarget,
} from './indicators.js';

/**
 * The goal lint: a catalogue of rules that decide whether a goal set is clear, specific and measurable
 * (domain.md §2). An `error` blocks the goal set (422), a `warning` comes back with the 200. Every finding
 * points at the indicator (`indicators[3].unit`) and speaks zh-CN and English.
 */
export type Severity = 'error' | 'warning';

export interface LintFinding {
  rule: string;
  severity: Severity;
  path: string;
  messages: Localized;
}

export interface LintContext {
  /** Points of each level-1 group in the configuration in force (its weights must add up to them). */
  groupPoints: Record<Level1, number>;
  /**
   * The department's indicators of last year with their reviewed actuals (from its reviewed
   * self-evaluations), and the share by which an actual must have beaten its target for a new target
   * below it to be questioned (`target-below-last-actual`).
   */
  lastYear?: { indicators: LastYearIndicator[]; margin: number };
}

export interface LastYearIndicator {
  name: string;
  operator: string;
  target: number;
  actual: number;
  unit?: string;
  fiscalYear: number;
  projectId: string;
}

/** Last year's actual beat its target by `margin` or more, and the new target asks for less than it. */
function softerThanLastYear(i: Indicator, last: LastYearIndicator, margin: number): boolean {
  const target = numericTarget(i);
  if (target === undefined || i.operator !== last.operator) return false;
  if (i.operator === '>=')
    return last.actual >= last.target * (1 + margin) && last.target > 0 && target < last.actual;
  if (i.operator === '<=') return last.actual <= last.target * (1 - margin) && target > last.actual;
  return false;
}

interface Rule {
  id: string;
  severity: Severity;
  summary: Localized;
  check(indicators: Indicator[], ctx: LintContext): { path: string; messages: Localized }[];
}

const at = (i: number, field?: keyof Indicator) => `indicators[${i}]${field ? `.${field}` : ''}`;
const round2 = (n: number) => Math.round(n * 100) / 100;
const PLACEHOLDER_UNITS = new Set(['xx', 'x', 'tbd', 'n/a', 'na', '待定', '无', '-', '—', '/', '？', '?']);

/**
 * Targets people type when they have not decided: 0 for "at least", 999, 9999…, 123, 1234…
 * (99 is left alone: "≥ 99 %" is a real target).
 */
const PLACEHOLDER_TARGETS = /^(9{3,}|123|1234|12345|123456)$/;
function looksLikePlaceholder(i: Indicator): boolean {
  if (typeof i.target !== 'number') return false;
  return (i.operator === '>=' && i.target === 0) || PLACEHOLDER_TARGETS.test(String(i.target));
}

export const goalLintRules: Rule[] = [
  {
    id: 'group-required',
    severity: 'error',
    summary: {
      'zh-CN': '每个一级指标（分值大于0）至少设一个指标',
      en: 'Every level-1 group with points needs an indicator',
    },
    check: (inds, ctx) =>
      level1Codes
        .filter((g) => ctx.groupPoints[g] > 0 && !inds.some((i) => i.level1 === g))
        .map((g) => ({
          path: 'indicators',
          messages: {
            'zh-CN': `缺少${levelNames[g]['zh-CN']}：至少设置一个`,
            en: `No ${g} indicator: add at least one`,
          },
        })),
  },
  {
    id: 'level2-of-level1',
    severity: 'error',
    summary: { 'zh-CN': '二级指标须属于其一级指标', en: 'The level-2 code must belong to its level-1 group' },
    check: (inds) =>
      inds.flatMap((i, n) =>
        (level2ByLevel1[i.level1] as readonly string[]).includes(i.level2)
          ? []
          : [
              {
                path: at(n, 'level2'),
                messages: {
                  'zh-CN': `“${i.level2}”不属于${levelNames[i.level1]['zh-CN']}，可选：${level2ByLevel1[i.level1].join('、')}`,
                  en: `${i.level2} is not a level-2 code of ${i.level1}; use one of ${level2ByLevel1[i.level1].join(', ')}`,
                },
              },
            ],
      ),
  },
  {
    id: 'name-length',
    severity: 'error',
    summary: { 'zh-CN': '指标名称不超过100个字符', en: 'Indicator names are at most 100 characters' },
    check: (inds) =>
      inds.flatMap((i, n) =>
        [...i.name].length > 100
          ? [
              {
                path: at(n, 'name'),
                messages: {
                  'zh-CN': `指标名称有${[...i.name].length}个字符，最多100个`,
                  en: `The name has ${[...i.name].length} characters; at most 100`,
                },
              },
            ]
          : [],
      ),
  },
  {
    id: 'name-unique',
    severity: 'error',
    summary: { 'zh-CN': '同一项目内指标名称不得重复', en: 'Indicator names are unique within the project' },
    check: (inds) =>
      inds.flatMap((i, n) => {
        const first = inds.findIndex((o) => o.name === i.name);
        return first < n
          ? [
              {
                path: at(n, 'name'),
                messages: {
                  'zh-CN': `指标名称“${i.name}”与第${first + 1}个指标重复`,
                  en: `The name "${i.name}" repeats indicators[${first}]`,
                },
              },
            ]
          : [];
      }),
  },
  {
    id: 'quantitative-target',
    severity: 'error',
    summary: { 'zh-CN': '定量指标须有数值目标值', en: 'A quantitative indicator needs a numeric target' },
    check: (inds) =>
      inds.flatMap((i, n) =>
        isQuantitative(i) && numericTarget(i) === undefined
          ? [
              {
                path: at(n, 'target'),
                messages: {
                  'zh-CN':
                    typeof i.target === 'string'
                      ? `定量指标“${i.name}”的目标值须为数值（文字目标只用于定性指标）`
                      : `定量指标“${i.name}”缺少数值目标值`,
                  en:
                    typeof i.target === 'string'
                      ? `"${i.name}" is quantitative (${i.operator}): its target must be a number (words are for qualitative indicators)`
                      : `"${i.name}" is quantitative (${i.operator}) and needs a numeric target`,
                },
              },
            ]
          : [],
      ),
  },
  {
    id: 'quantitative-unit',
    severity: 'error',
    summary: { 'zh-CN': '定量指标须有计量单位', en: 'A quantitative indicator needs a unit' },
    check: (inds) =>
      inds.flatMap((i, n) =>
        isQuantitative(i) && !i.unit
          ? [
              {
                path: at(n, 'unit'),
                messages: {
                  'zh-CN': `定量指标“${i.name}”缺少计量单位（如：个、%、万元、天）`,
                  en: `"${i.name}" is quantitative and needs a unit (e.g. 个, %, 万元, days)`,
                },
              },
            ]
          : [],
      ),
  },
  {
    id: 'weight-positive',
    severity: 'error',
    summary: { 'zh-CN': '权重须大于0', en: 'Weights are above 0' },
    check: (inds) =>
      inds.flatMap((i, n) =>
        i.weight > 0
          ? []
          : [
              {
                path: at(n, 'weight'),
                messages: {
                  'zh-CN': `“${i.name}”的权重须大于0`,
                  en: `The weight of "${i.name}" must be above 0`,
                },
              },
            ],
      ),
  },
  {
    id: 'group-weights',
    severity: 'error',
    summary: {
      'zh-CN': '各一级指标权重之和等于其分值',
      en: 'Weights of each level-1 group add up to its points',
    },
    check: (inds, ctx) =>
      level1Codes.flatMap((g) => {
        const members = inds.map((i, n) => ({ i, n })).filter(({ i }) => i.level1 === g);
        if (!members.length) return [];
        const total = round2(members.reduce((s, { i }) => s + i.weight, 0));
        if (total === ctx.groupPoints[g]) return [];
        return [
          {
            path: at(members[0]!.n, 'weight'),
            messages: {
              'zh-CN': `${levelNames[g]['zh-CN']}权重合计${total}，应为${ctx.groupPoints[g]}（第${members.map((m) => m.n + 1).join('、')}个指标）`,
              en: `The ${g} weights add up to ${total}, not ${ctx.groupPoints[g]} (indicators ${members.map((m) => m.n).join(', ')})`,
            },
          },
        ];
      }),
  },
  {
    id: 'qualitative-explanation',
    severity: 'error',
    summary: {
      'zh-CN': '定性指标须说明怎样算达成',
      en: 'A qualitative indicator explains what counts as achieved',
    },
    check: (inds) =>
      inds.flatMap((i, n) =>
        !isQuantitative(i) && !i.explanation
          ? [
              {
                path: at(n, 'explanation'),
                messages: {
                  'zh-CN': `定性指标“${i.name}”须在说明中写明预期达到的效果（怎样算达成）`,
                  en: `"${i.name}" is qualitative: say in the explanation what counts as achieved`,
                },
              },
            ]
          : [],
      ),
  },
  {
    id: 'qualitative-target-words',
    severity: 'warning',
    summary: {
      'zh-CN': '定性指标的目标值应以文字表述预期效果',
      en: 'A qualitative target is the expected achievement in words',
    },
    check: (inds) =>
      inds.flatMap((i, n) =>
        !isQuantitative(i) && typeof i.target === 'number'
          ? [
              {
                path: at(n, 'target'),
                messages: {
                  'zh-CN': `定性指标“${i.name}”的目标值是数字${i.target}，应以文字写明预期效果（如：群众普遍满意）`,
                  en: `"${i.name}" is qualitative but its target is the number ${i.target}; state the expected achievement in words`,
                },
              },
            ]
          : [],
      ),
  },
  {
    id: 'timeliness-or-cost',
    severity: 'warning',
    summary: { 'zh-CN': '建议设置时效或成本指标', en: 'A timeliness or cost indicator is advised' },
    check: (inds) =>
      inds.some((i) => i.level2 === 'timeliness' || i.level2 === 'cost')
        ? []
        : [
            {
              path: 'indicators',
              messages: {
                'zh-CN': '未设置时效指标或成本指标，难以监控进度与成本',
                en: 'No timeliness or cost indicator: progress and cost will be hard to monitor',
              },
            },
          ],
  },
  {
    id: 'placeholder-target',
    severity: 'warning',
    summary: { 'zh-CN': '目标值或单位疑似占位符', en: 'A target or unit that looks like a placeholder' },
    check: (inds) =>
      inds.flatMap((i, n) => {
        const out: { path: string; messages: Localized }[] = [];
        if (looksLikePlaceholder(i)) {
          out.push({
            path: at(n, 'target'),
            messages: {
              'zh-CN': `“${i.name}”的目标值${i.target}疑似占位符，请填写实际目标`,
              en: `The target ${i.target} of "${i.name}" looks like a placeholder; give the real target`,
            },
          });
        }
        if (i.unit && PLACEHOLDER_UNITS.has(i.unit.toLowerCase())) {
          out.push({
            path: at(n, 'unit'),
            messages: {
              'zh-CN': `“${i.name}”的单位“${i.unit}”疑似占位符`,
              en: `The unit "${i.unit}" of "${i.name}" looks like a placeholder`,
            },
          });
        }
        return out;
      }),
  },
];

const targetBelowLastActual: Rule = {
  id: 'target-below-last-actual',
  severity: 'warning',
  summary: {
    'zh-CN': '目标值低于上年已实现的实际值（上年超额完成20%以上）',
    en: 'A target below what last year already achieved (beaten by 20 % or more)',
  },
  check: (inds, ctx) =>
    inds.flatMap((i, n) => {
      const last = ctx.lastYear?.indicators.find((l) => l.name === i.name);
      if (!last || !softerThanLastYear(i, last, ctx.lastYear!.margin)) return [];
      const unit = last.unit ?? '';
      return [
        {
          path: at(n, 'target'),
          messages: {
            'zh-CN': `“${i.name}”上年（${last.fiscalYear}年）目标${last.target}${unit}、实际完成${last.actual}${unit}，本次目标${i.target}${unit}低于上年实际，请说明理由或提高目标`,
            en: `"${i.name}": last year (${last.fiscalYear}) the target was ${last.target}${unit} and ${last.actual}${unit} was achieved; the target ${i.target}${unit} is below that actual — explain it or raise the target`,
          },
        },
      ];
    }),
};
goalLintRules.push(targetBelowLastActual);

export function lintGoals(indicators: Indicator[], ctx: LintContext): LintFinding[] {
  return goalLintRules.flatMap((rule) =>
    rule.check(indicators, ctx).map((f) => ({ rule: rule.id, severity: rule.severity, ...f })),
  );
}
