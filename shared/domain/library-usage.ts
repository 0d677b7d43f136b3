import * as z from 'zod';
import { addDays } from './calendar.js';
import type { RuleConfig } from './config.js';
import type { FieldError } from './errors.js';
import { type LintFinding, lintGoals } from './goal-lint.js';
import { type Category, indicatorLibrary } from './indicator-library.js';
import { type Indicator, indicatorInput } from './indicators.js';
import { checkpointsOf, indicatorResult, type Light, lights, timeProgress } from './monitoring.js';
import { categories, goalsApproved, type Project } from './project.js';
import type { SelfEvaluation } from './self-evaluation.js';

/**
 * The indicator library as it learns from use (指标引用情况, 纳入指标库), domain.md §2: each fiscal year's library
 * is the built-in templates plus the indicators the bureau took into it for that year or an earlier one (a
 * template added for 2027 leaves the 2026 library as it was). A project's indicator uses a template when it
 * bears the template's name (the level-3 name the department copied from the library). How the templates
 * fare is counted per template and fiscal year: the projects whose goal set using it was approved, and, when
 * a self-evaluation is reviewed, the indicator's light at the year's last checkpoint and its reviewed score.
 * Pure: the store keeps the counters, the use cases add to them in the transactions of those decisions.
 */
export const builtinId = (category: Category, n: number) => `${category}-${n + 1}`;

export const templateRecord = z.object({
  /** The template's id: the same for each of its versions. */
  id: z.string(),
  /** The first fiscal year whose library holds this version (until a later version's year). */
  fromYear: z.int(),
  /** 1 for a built-in or a new template; each new version of it counts on. */
  version: z.int().default(1),
  source: z.enum(['builtin', 'promoted']),
  category: z.enum(categories),
  indicator: indicatorInput,
  /** The project indicator it was taken from, when it was. */
  origin: z.object({ projectId: z.string(), fiscalYear: z.int(), departmentId: z.string() }).optional(),
  note: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type Template = z.infer<typeof templateRecord>;

/** Built-in templates are in every year's library, from the beginning. */
export const builtinTemplates: Template[] = categories.flatMap((category) =>
  indicatorLibrary[category].indicators.map((indicator, n) => ({
    id: builtinId(category, n),
    fromYear: 2000,
    version: 1,
    source: 'builtin' as const,
    category,
    indicator,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'system:library',
  })),
);

/**
 * A fiscal year's library: of each template (built-in or promoted), the version of the latest first year not
 * after `fiscalYear` — like the configuration, a new version for 2028 leaves 2027's library as it was. Built-ins
 * first (in the library's order), then the promoted templates by their first promotion. `asOf` leaves out what
 * was promoted after that moment (the library as it stood then).
 */
export function libraryOf(fiscalYear: number, promoted: readonly Template[], asOf?: string): Template[] {
  const inForce = new Map<string, Template>();
  const first = new Map<string, string>();
  const all = [...builtinTemplates, ...promoted].filter(
    (t) => t.fromYear <= fiscalYear && (asOf === undefined || t.createdAt <= asOf),
  );
  for (const t of all) {
    const seen = inForce.get(t.id);
    if (!seen || t.fromYear > seen.fromYear) inForce.set(t.id, t);
    const at = first.get(t.id);
    if (at === undefined || t.createdAt < at) first.set(t.id, t.createdAt);
  }
  const builtinOrder = new Map(builtinTemplates.map((t, i) => [t.id, i]));
  return [...inForce.values()].sort((a, b) => {
    const ia = builtinOrder.get(a.id);
    const ib = builtinOrder.get(b.id);
    if (ia !== undefined || ib !== undefined) return (ia ?? Infinity) - (ib ?? Infinity);
    return first.get(a.id)!.localeCompare(first.get(b.id)!) || a.id.localeCompare(b.id);
  });
}

/** Every version of a template, oldest first year first. */
export const versionsOf = (id: string, promoted: readonly Template[]): Template[] =>
  [...builtinTemplates, ...promoted].filter((t) => t.id === id).sort((a, b) => a.fromYear - b.fromYear);

// ---------------------------------------------------------------- taking an indicator into the library

/** Rules about a whole goal set, which one template cannot be judged by. */
const SET_RULES = new Set(['group-required', 'group-weights', 'timeliness-or-cost', 'name-unique']);

/**
 * The goal lint on one indicator (shared/domain/goal-lint.ts) without the rules about a whole set: a template
 * is lint-clean when it has no finding at all, warning or error. Paths are relative to `path`.
 */
export function lintTemplate(indicator: Indicator, config: RuleConfig, path: string): FieldError[] {
  const findings: LintFinding[] = lintGoals([indicator], {
    groupPoints: {
      output: config.scoring.output,
      benefit: config.scoring.benefit,
      satisfaction: config.scoring.satisfaction,
    },
  }).filter((f) => !SET_RULES.has(f.rule));
  return findings.map((f) => ({
    path: f.path.replace(/^indicators\[0\]/, path),
    message: f.messages.en,
    rule: f.rule,
    severity: f.severity,
    messages: f.messages,
  }));
}

/** A name another template bears in any year (a name belongs to one template; its versions may keep it). */
export const nameTaken = (name: string, everything: readonly Template[], ownId?: string) =>
  everything.some((t) => t.indicator.name === name && t.id !== ownId);

// ---------------------------------------------------------------- usage

/** The counters of one template in one fiscal year, as the store keeps them (ADDed to, never rewritten). */
export interface UsageDelta {
  templateId: string;
  fiscalYear: number;
  projects?: number;
  reviewed?: number;
  /** Sum of the reviewed scores, hundredths of a point. */
  scoreSum?: number;
  /** Sum of reviewed score ÷ weight, in basis points (10000 = the full weight). */
  shareSum?: number;
  lights?: Partial<Record<Light, number>>;
  /** Of the lights, those read from the year-end figures (no monitoring report up to the last checkpoint). */
  yearEndLights?: number;
}

const byName = (library: readonly Template[]) => new Map(library.map((t) => [t.indicator.name, t]));

/**
 * What an approval adds: one project for each template the approved goal set uses. Nothing when the review
 * did not approve the goals, or they were approved already.
 */
export function usageOnApproval(before: Project, after: Project, library: readonly Template[]): UsageDelta[] {
  if (goalsApproved(before) || !goalsApproved(after) || !after.goals) return [];
  const templates = byName(library);
  const used = new Set(after.goals.indicators.flatMap((i) => templates.get(i.name)?.id ?? []));
  return [...used].map((templateId) => ({ templateId, fiscalYear: after.fiscalYear, projects: 1 }));
}

/** The year's last checkpoint, the day the lights of the usage counts are read on. */
export const lastCheckpoint = (fiscalYear: number, config: RuleConfig) =>
  checkpointsOf(fiscalYear, config).sort().at(-1) ?? addDays(`${fiscalYear + 1}-01-01`, -1);

export const lightSources = ['checkpoint', 'year-end', 'none'] as const;
/** Where an indicator's light for the usage counts was read from. */
export type LightSource = (typeof lightSources)[number];

export const checkpointLightSchema = z
  .object({
    name: z.string(),
    light: z.enum(lights),
    source: z.enum(lightSources).meta({
      description:
        '`checkpoint`: the latest monitoring report of a period up to the last checkpoint; `year-end`: the self-evaluation’s year-end figures against the whole target; `none`: neither',
    }),
    asOf: z.string().nullable().meta({
      description:
        'The day whose time progress the light was read with (the last checkpoint, or the year’s last day)',
    }),
    reportPeriod: z.string().nullable().meta({ description: 'The report’s period, when it came from one' }),
  })
  .meta({ id: 'CheckpointLight' });
export type CheckpointLight = z.infer<typeof checkpointLightSchema>;

/**
 * Each indicator's light at the year's last checkpoint, read after the year from the record as it stands (what a
 * bureau clerk asks of a finished year: was this indicator on track at the last checkpoint?):
 * - from the latest monitoring report of a period up to the last checkpoint's month, **however late it was filed**
 *   (the report of the period ending on the checkpoint is only due 10 days after it, and a project carried in
 *   after its year files its reports late), by the sweep's own rules with that day's time progress
 *   (shared/domain/monitoring.ts `indicatorResult`) — source `checkpoint`;
 * - when no such report exists (the project was never monitored, e.g. entered after its year), from the year-end
 *   figures of the self-evaluation (the reviewed sheet's actuals and tiers) against the whole target, time progress
 *   of the year's last day (1, or the plan's last share), same bands — source `year-end`;
 * - `none` when neither gives a light (no report and no year-end figure for it).
 * A sweep's recorded lights (the dossier's light history) are not used: they are what the sweep saw on its day
 * (only reports filed by then), and they keep the project's lights, not each indicator's.
 */
export function checkpointLights(
  project: Project,
  evaluation: SelfEvaluation | undefined,
  config: RuleConfig,
): CheckpointLight[] {
  const checkpoint = lastCheckpoint(project.fiscalYear, config);
  const plan = project.budget?.disbursementPlan;
  const report = [...project.reports]
    .filter((r) => r.period.startsWith(`${project.fiscalYear}-`) && r.period <= checkpoint.slice(0, 7))
    .sort((a, b) => (a.period < b.period ? 1 : -1))[0];
  const goals = project.goals?.indicators ?? [];
  if (report) {
    const tp = timeProgress(checkpoint, plan);
    const reported = new Map(report.indicators.map((r) => [r.name, r]));
    return goals.map((ind) => ({
      name: ind.name,
      light: indicatorResult(ind, reported.get(ind.name), tp, config.monitoring).light,
      source: 'checkpoint' as const,
      asOf: checkpoint,
      reportPeriod: report.period,
    }));
  }
  const sheet = evaluation?.reviewed ?? evaluation?.claimed;
  const yearEnd = `${project.fiscalYear}-12-31`;
  const tp = timeProgress(yearEnd, plan);
  const figures = new Map((sheet?.indicators ?? []).map((i) => [i.name, i]));
  return goals.map((ind) => {
    const f = figures.get(ind.name);
    const light = f
      ? indicatorResult(ind, { name: ind.name, actual: f.actual, tier: f.tier }, tp, config.monitoring).light
      : 'none';
    return {
      name: ind.name,
      light,
      source: light === 'none' ? ('none' as const) : ('year-end' as const),
      asOf: light === 'none' ? null : yearEnd,
      reportPeriod: null,
    };
  });
}

/**
 * What a review adds, per template the project's goals use: one reviewed indicator, its reviewed score (and its
 * share of the weight), and its light at the year's last checkpoint (`checkpointLights`: from the latest report
 * up to that checkpoint, else the year-end figures), with how many of the lights came from year-end figures.
 */
export function usageOnReview(
  project: Project,
  evaluation: SelfEvaluation,
  library: readonly Template[],
  config: RuleConfig,
): UsageDelta[] {
  const sheet = evaluation.reviewed;
  if (!sheet || !project.goals) return [];
  const templates = byName(library);
  const byIndicator = new Map(checkpointLights(project, evaluation, config).map((l) => [l.name, l]));
  const out = new Map<string, UsageDelta>();
  for (const scored of sheet.indicators) {
    const t = templates.get(scored.name);
    if (!t) continue;
    const read = byIndicator.get(scored.name);
    const light = read?.light ?? 'none';
    const d = out.get(t.id) ?? {
      templateId: t.id,
      fiscalYear: project.fiscalYear,
      reviewed: 0,
      scoreSum: 0,
      shareSum: 0,
      lights: {},
    };
    d.reviewed! += 1;
    d.scoreSum! += scored.score;
    d.shareSum! += scored.weight > 0 ? Math.round((scored.score / (scored.weight * 100)) * 10_000) : 0;
    d.lights![light] = (d.lights![light] ?? 0) + 1;
    if (read?.source === 'year-end') d.yearEndLights = (d.yearEndLights ?? 0) + 1;
    out.set(t.id, d);
  }
  return [...out.values()];
}

/** The counters as stored (zero where never added to). */
export const usageRecord = z.object({
  templateId: z.string(),
  fiscalYear: z.int(),
  projects: z.int().default(0),
  reviewed: z.int().default(0),
  scoreSum: z.int().default(0),
  shareSum: z.int().default(0),
  lightGreen: z.int().default(0),
  lightBlue: z.int().default(0),
  lightYellow: z.int().default(0),
  lightRed: z.int().default(0),
  lightNone: z.int().default(0),
  yearEndLights: z.int().default(0),
});
export type UsageRecord = z.infer<typeof usageRecord>;

export const usageView = z
  .object({
    fiscalYear: z.int(),
    projects: z.int().meta({ description: 'Projects whose approved goal set uses the template' }),
    reviewed: z.int().meta({ description: 'Of them, reviewed self-evaluations' }),
    lights: z.object({ green: z.int(), blue: z.int(), yellow: z.int(), red: z.int(), none: z.int() }).meta({
      description:
        'The indicator’s light at the year’s last checkpoint, per reviewed project: from the latest monitoring report of a period up to that checkpoint however late it was filed, else from the year-end figures of the self-evaluation against the whole target (docs/rules.md §2)',
    }),
    yearEndLights: z.int().meta({
      description:
        'Of those lights, how many were read from the year-end figures (the project had no monitoring report up to the last checkpoint)',
    }),
    greenOrBlueShare: z.number().nullable().meta({
      description: 'green + blue ÷ the reviewed projects with a light (4 decimals); null with none',
    }),
    averageReviewedScore: z.number().nullable().meta({ description: 'Mean reviewed score, points' }),
    averageReviewedShare: z
      .number()
      .nullable()
      .meta({ description: 'Mean reviewed score ÷ the indicator’s weight (4 decimals)' }),
  })
  .meta({ id: 'TemplateUsage' });
export type UsageView = z.infer<typeof usageView>;

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;

export function viewOfUsage(u: UsageRecord): UsageView {
  const lit = u.lightGreen + u.lightBlue + u.lightYellow + u.lightRed;
  return {
    fiscalYear: u.fiscalYear,
    projects: u.projects,
    reviewed: u.reviewed,
    lights: {
      green: u.lightGreen,
      blue: u.lightBlue,
      yellow: u.lightYellow,
      red: u.lightRed,
      none: u.lightNone,
    },
    yearEndLights: u.yearEndLights,
    greenOrBlueShare: lit ? round((u.lightGreen + u.lightBlue) / lit, 4) : null,
    averageReviewedScore: u.reviewed ? round(u.scoreSum / u.reviewed / 100, 2) : null,
    averageReviewedShare: u.reviewed ? round(u.shareSum / u.reviewed / 10_000, 4) : null,
  };
}

// ---------------------------------------------------------------- the API's shapes

export const templateInput = z
  .strictObject({
    fiscalYear: z.int().min(2000).max(2100).meta({
      description: 'The first fiscal year whose library holds it (earlier libraries stay as they were)',
    }),
    category: z
      .enum(categories)
      .optional()
      .meta({ description: 'Required from scratch; from a project, the project’s category by default' }),
    from: z
      .strictObject({ projectId: z.string().min(1).max(64), indicatorName: z.string().min(1).max(500) })
      .optional()
      .meta({ description: 'Take an indicator of a project’s approved goal set' }),
    indicator: indicatorInput.optional().meta({ description: 'Or give the indicator from scratch' }),
    replaces: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'A template’s id: make this its new version from `fiscalYear` on' }),
    note: z.string().trim().max(2000).optional(),
  })
  .refine((b) => (b.from === undefined) !== (b.indicator === undefined), {
    message: 'give exactly one of `from` and `indicator`',
    path: ['indicator'],
  })
  .meta({ id: 'IndicatorTemplateInput' });
export type TemplateInput = z.infer<typeof templateInput>;

export const templateView = indicatorInput
  .extend({
    id: z.string(),
    category: z.enum(categories),
    categoryTitle: z.string(),
    source: z.enum(['builtin', 'promoted']),
    fromYear: z.int(),
    version: z.int(),
    origin: z.object({ projectId: z.string(), fiscalYear: z.int(), departmentId: z.string() }).optional(),
    note: z.string().optional(),
    usage: z.array(usageView).meta({ description: 'Per fiscal year up to the one asked for, oldest first' }),
  })
  .meta({ id: 'IndicatorTemplate' });
export type TemplateView = z.infer<typeof templateView>;

export function viewOfTemplate(t: Template, usage: readonly UsageRecord[]): TemplateView {
  return {
    ...t.indicator,
    id: t.id,
    category: t.category,
    categoryTitle: indicatorLibrary[t.category].title,
    source: t.source,
    fromYear: t.fromYear,
    version: t.version,
    ...(t.origin ? { origin: t.origin } : {}),
    ...(t.note !== undefined ? { note: t.note } : {}),
    usage: [...usage].sort((a, b) => a.fiscalYear - b.fiscalYear).map(viewOfUsage),
  };
}
