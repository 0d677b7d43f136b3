import {
  type Template,
  templateRecord,
  type UsageDelta,
  type UsageRecord,
  usageRecord,
} from '../domain/library-usage.js';
import type { Light } from '../domain/monitoring.js';
import { auditAction } from './audit.js';
import type { Db, WriteAction } from './db.js';
import type { ChangeContext } from './entity-store.js';
import { keys } from './keys.js';

/**
 * The indicator library in the table: the promoted templates (one partition, sorted by their first fiscal year,
 * so a year's library is one Query), a guard per name (a name is in the library once), and the usage counters
 * (one partition, an item per template and year, only ever ADDed to in the transaction of the decision that
 * moves them).
 */
export const promotedTemplates = (db: Db, upToYear: number): Promise<Template[]> =>
  db.all(
    { pk: keys.templatesPartition, skBetween: keys.templatesUpTo(upToYear), limit: 100 },
    templateRecord,
  );

/** Every usage counter of every template and year (one Query, page by page). */
export const usageCounters = (db: Db): Promise<UsageRecord[]> =>
  db.all({ pk: keys.templateUsagePartition, limit: 500 }, usageRecord);

/**
 * The template's version, its name's guard (a name another template holds → 409; the template's own versions
 * may keep it) and the audit record: one transaction.
 */
export function createTemplateActions(t: Template, ctx: ChangeContext): WriteAction[] {
  return [
    {
      kind: 'update',
      key: keys.templateName(t.indicator.name),
      set: { type: 'template-name', templateId: t.id },
      condition: {
        expression: 'attribute_not_exists(pk) OR templateId = :id',
        values: { ':id': t.id },
      },
      conflict: `An indicator named "${t.indicator.name}" is in the library already（指标库中已有同名指标）`,
      conflictKind: 'duplicate',
    },
    {
      kind: 'create',
      item: { ...keys.indicatorTemplate(t.fromYear, t.id), type: 'indicator-template', ...t },
      conflict: `Template ${t.id} has a version for ${t.fromYear} already`,
    },
    auditAction({
      actor: ctx.actor,
      at: ctx.now.toISOString(),
      requestId: ctx.requestId,
      entityType: 'indicator-template',
      entityId: t.id,
      action: t.version > 1 ? 'new-version' : 'promote',
      before: null,
      after: t,
    }),
  ];
}

const lightField: Record<Light, string> = {
  green: 'lightGreen',
  blue: 'lightBlue',
  yellow: 'lightYellow',
  red: 'lightRed',
  none: 'lightNone',
};

/**
 * One ADD update per template and year (the item is made by the first one): part of the transaction of the
 * approval or the review that moves the counters, never a read-modify-write.
 */
export function usageActions(deltas: readonly UsageDelta[]): WriteAction[] {
  return deltas.flatMap((d) => {
    const adds: Record<string, number> = {};
    if (d.projects) adds.projects = d.projects;
    if (d.reviewed) adds.reviewed = d.reviewed;
    if (d.scoreSum) adds.scoreSum = d.scoreSum;
    if (d.shareSum) adds.shareSum = d.shareSum;
    if (d.yearEndLights) adds.yearEndLights = d.yearEndLights;
    for (const [light, n] of Object.entries(d.lights ?? {})) if (n) adds[lightField[light as Light]] = n;
    const entries = Object.entries(adds);
    if (!entries.length) return [];
    const names: Record<string, string> = { '#type': 'type', '#t': 'templateId', '#y': 'fiscalYear' };
    const values: Record<string, unknown> = {
      ':type': 'template-usage',
      ':t': d.templateId,
      ':y': d.fiscalYear,
    };
    const add = entries.map(([field, n], i) => {
      names[`#a${i}`] = field;
      values[`:a${i}`] = n;
      return `#a${i} :a${i}`;
    });
    return [
      {
        kind: 'updateExpression' as const,
        key: keys.templateUsage(d.templateId, d.fiscalYear),
        update: `SET #type = :type, #t = :t, #y = :y ADD ${add.join(', ')}`,
        condition: 'attribute_not_exists(pk) OR attribute_exists(pk)',
        names,
        values,
        conflict: `The usage of template ${d.templateId} could not be counted`,
      },
    ];
  });
}
