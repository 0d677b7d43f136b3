import * as z from 'zod';
import { defaultConfig, type RuleConfig, type RuleValues, ruleValuesSchema } from '../domain/config.js';
import { auditAction } from './audit.js';
import type { Db, Page, WriteAction } from './db.js';
import type { ChangeContext } from './entity-store.js';
import { keys } from './keys.js';

/**
 * The rule configuration per fiscal year. Each PUT adds a version (old ones are kept: a decision names the
 * version it used); until the first PUT the defaults of domain.md are version 1.
 */
export const ruleConfigSchema = ruleValuesSchema
  .extend({
    fiscalYear: z.int(),
    version: z.int().min(1),
    isDefault: z.boolean(),
    createdAt: z.string().optional(),
    createdBy: z.string().optional(),
  })
  .meta({ id: 'RuleConfig' });

const storedSchema = z.object({ ...ruleConfigSchema.shape, isDefault: z.boolean().default(false) });

export async function currentConfig(db: Db, fiscalYear: number): Promise<RuleConfig> {
  const page = await db.query(
    { pk: keys.configPartition(fiscalYear), limit: 1, newestFirst: true },
    storedSchema,
  );
  return page.items[0] ?? defaultConfig(fiscalYear);
}

export async function configVersion(
  db: Db,
  fiscalYear: number,
  version: number,
): Promise<RuleConfig | undefined> {
  const stored = await db.get(keys.config(fiscalYear, version), storedSchema);
  if (stored) return stored;
  return version === 1 ? defaultConfig(fiscalYear) : undefined;
}

export async function listConfigVersions(
  db: Db,
  fiscalYear: number,
  page: { limit?: number; nextToken?: string },
): Promise<Page<RuleConfig>> {
  return db.query({ pk: keys.configPartition(fiscalYear), newestFirst: true, ...page }, storedSchema);
}

export function newConfigVersion(previous: RuleConfig, values: RuleValues, ctx: ChangeContext): RuleConfig {
  return {
    ...values,
    fiscalYear: previous.fiscalYear,
    version: previous.version + 1,
    isDefault: false,
    createdAt: ctx.now.toISOString(),
    createdBy: ctx.actor.sub,
  };
}

export function saveConfigActions(previous: RuleConfig, next: RuleConfig, ctx: ChangeContext): WriteAction[] {
  return [
    {
      kind: 'create',
      item: { ...keys.config(next.fiscalYear, next.version), type: 'config', ...next },
      conflict: `The configuration of ${next.fiscalYear} was changed meanwhile (version ${next.version} exists); reload it`,
    },
    auditAction({
      actor: ctx.actor,
      at: ctx.now.toISOString(),
      requestId: ctx.requestId,
      entityType: 'config',
      entityId: `config-${next.fiscalYear}`,
      action: 'update',
      before: previous,
      after: next,
    }),
  ];
}
