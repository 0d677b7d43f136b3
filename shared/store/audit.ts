import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type Actor, actorSchema } from '../domain/actor.js';
import type { Db, Page, WriteAction } from './db.js';
import { itemOf } from './item.js';
import { keys } from './keys.js';

/** One audit record: who (from the token), when, what, before → after. Written in the change's transaction. */
export const auditRecordSchema = z
  .object({
    id: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    action: z.string(),
    actor: actorSchema,
    at: z.string(),
    requestId: z.string().optional(),
    before: z.unknown().meta({ description: 'The entity before the change (null for a creation)' }),
    after: z.unknown().meta({ description: 'The entity after the change (null for a removal)' }),
  })
  .meta({ id: 'AuditRecord' });
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export interface AuditInput {
  actor: Actor;
  at: string;
  requestId?: string;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
}

export function auditAction(input: AuditInput): WriteAction {
  const id = randomUUID();
  const { sub, role, departmentId, agencyId } = input.actor;
  const record: AuditRecord = {
    id,
    entityType: input.entityType,
    entityId: input.entityId,
    action: input.action,
    actor: { sub, role, departmentId, agencyId },
    at: input.at,
    requestId: input.requestId,
    before: input.before ?? null,
    after: input.after ?? null,
  };
  const item = itemOf(keys.audit(input.entityId, input.at, id), { type: 'audit' }, record);
  return { kind: 'put', item };
}

export function listAudit(
  db: Db,
  entityId: string,
  page: { limit?: number; nextToken?: string; entityType?: string },
) {
  return db.query(
    {
      pk: keys.audit(entityId, '', '').pk,
      limit: page.limit,
      nextToken: page.nextToken,
      filter: page.entityType ? { entityType: page.entityType } : undefined,
    },
    auditRecordSchema,
  ) as Promise<Page<AuditRecord>>;
}
