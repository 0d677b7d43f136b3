import { randomBytes } from 'node:crypto';
import type { RuleConfig } from '../domain/config.js';
import { Conflict, RuleViolation } from '../domain/errors.js';
import type { Category } from '../domain/indicator-library.js';
import type { Indicator } from '../domain/indicators.js';
import {
  builtinTemplates,
  libraryOf,
  lintTemplate,
  nameTaken,
  type Template,
  type TemplateInput,
  type TemplateView,
  usageOnApproval,
  usageOnReview,
  versionsOf,
  viewOfTemplate,
} from '../domain/library-usage.js';
import { goalsApproved, type Project } from '../domain/project.js';
import type { SelfEvaluation } from '../domain/self-evaluation.js';
import { currentConfig } from '../store/config.js';
import type { Db, WriteAction } from '../store/db.js';
import type { ChangeContext } from '../store/entity-store.js';
import {
  createTemplateActions,
  promotedTemplates,
  usageActions,
  usageCounters,
} from '../store/indicator-templates.js';
import { projects } from '../store/projects.js';

/**
 * The indicator library's use cases: a fiscal year's library with how each template fared (counters, one
 * Query each for the templates and the counters — no Scan), taking an indicator into the library (audited,
 * lint-clean, from a given fiscal year on), and the counter updates that ride in the transactions of a goal
 * approval and of a self-evaluation review.
 */
export interface LibraryDeps {
  db: Db;
}

const LAST_YEAR = 2100;

export async function yearLibrary(
  deps: LibraryDeps,
  q: { fiscalYear: number; category?: Category },
): Promise<TemplateView[]> {
  const [promoted, counters] = await Promise.all([
    promotedTemplates(deps.db, q.fiscalYear),
    usageCounters(deps.db),
  ]);
  const byTemplate = new Map<string, typeof counters>();
  for (const c of counters) {
    if (c.fiscalYear > q.fiscalYear) continue;
    byTemplate.set(c.templateId, [...(byTemplate.get(c.templateId) ?? []), c]);
  }
  return libraryOf(q.fiscalYear, promoted)
    .filter((t) => q.category === undefined || t.category === q.category)
    .map((t) => viewOfTemplate(t, byTemplate.get(t.id) ?? []));
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const newTemplateId = () => `TPL-${[...randomBytes(10)].map((b) => ALPHABET[b % 32]).join('')}`;

/** Takes an indicator into the library (纳入指标库) from `fiscalYear` on: 201 with the template. */
export async function promoteTemplate(
  deps: LibraryDeps,
  ctx: ChangeContext,
  body: TemplateInput,
): Promise<TemplateView> {
  let indicator: Indicator;
  let category = body.category;
  let origin: Template['origin'];
  const promoted = await promotedTemplates(deps.db, LAST_YEAR);
  const versions = body.replaces ? versionsOf(body.replaces, promoted) : [];
  if (body.replaces && !versions.length)
    throw new RuleViolation('No such template', [
      { path: 'replaces', message: `no template ${body.replaces}` },
    ]);
  if (versions.some((v) => v.fromYear === body.fiscalYear))
    throw new Conflict(
      `Template ${body.replaces} has a version for ${body.fiscalYear} already（该年度已有此指标的版本）`,
      undefined,
      'duplicate',
    );
  category ??= versions.at(-1)?.category;
  if (body.from) {
    const project = await projects.get(deps.db, body.from.projectId);
    if (!project)
      throw new RuleViolation('No such project', [
        { path: 'from.projectId', message: `no project ${body.from.projectId}` },
      ]);
    const found = project.goals?.indicators.find((i) => i.name === body.from!.indicatorName);
    if (!found)
      throw new RuleViolation('The project has no such indicator', [
        {
          path: 'from.indicatorName',
          message: `project ${project.id} has no indicator "${body.from.indicatorName}"`,
        },
      ]);
    if (!goalsApproved(project))
      throw new Conflict(
        `The goals of project ${project.id} are not approved: only an approved indicator can be taken into the library`,
      );
    indicator = found;
    category ??= project.category;
    origin = { projectId: project.id, fiscalYear: project.fiscalYear, departmentId: project.departmentId };
  } else {
    indicator = body.indicator!;
  }
  if (!category)
    throw new RuleViolation('The template needs a category', [
      { path: 'category', message: 'required (the project has none)' },
    ]);
  const config = await currentConfig(deps.db, body.fiscalYear);
  const errors = lintTemplate(indicator, config, body.from ? 'from' : 'indicator');
  if (errors.length) throw new RuleViolation('The indicator is not lint-clean', errors);
  if (nameTaken(indicator.name, [...builtinTemplates, ...promoted], body.replaces))
    throw new Conflict(
      `An indicator named "${indicator.name}" is in the library already（指标库中已有同名指标）`,
      undefined,
      'duplicate',
    );
  const template: Template = {
    id: body.replaces ?? newTemplateId(),
    fromYear: body.fiscalYear,
    version: Math.max(0, ...versions.map((v) => v.version)) + 1,
    source: 'promoted',
    category,
    indicator,
    ...(origin ? { origin } : {}),
    ...(body.note !== undefined ? { note: body.note } : {}),
    createdAt: ctx.now.toISOString(),
    createdBy: ctx.actor.sub,
  };
  await deps.db.write(createTemplateActions(template, ctx));
  return viewOfTemplate(template, []);
}

/** The counter updates of a goal review that approves the goals (none otherwise), for its transaction. */
export async function approvalUsageActions(db: Db, before: Project, after: Project): Promise<WriteAction[]> {
  if (goalsApproved(before) || !goalsApproved(after)) return [];
  const library = libraryOf(after.fiscalYear, await promotedTemplates(db, after.fiscalYear));
  return usageActions(usageOnApproval(before, after, library));
}

/**
 * The counter updates of a self-evaluation review, for its transaction: against the library as it stood when
 * the goals were approved, so a template counts the same projects at review as at approval.
 */
export async function reviewUsageActions(
  db: Db,
  project: Project,
  reviewed: SelfEvaluation,
  config: RuleConfig,
): Promise<WriteAction[]> {
  const approvedAt = project.goalReviews.at(-1)?.reviewedAt;
  const library = libraryOf(project.fiscalYear, await promotedTemplates(db, project.fiscalYear), approvedAt);
  return usageActions(usageOnReview(project, reviewed, library, config));
}
