import type * as z from 'zod';
import type { Actor } from '../domain/actor.js';
import { PreconditionFailed } from '../domain/errors.js';
import { auditAction } from './audit.js';
import type { Db, Item, Key, Page, WriteAction } from './db.js';
import { itemOf } from './item.js';

/** Who changes what, when: what every audited write needs. */
export interface ChangeContext {
  actor: Actor;
  now: Date;
  requestId?: string;
}

interface Versioned {
  id: string;
  version: number;
}

/**
 * A versioned entity kept in the single table, with its audit trail. Creation and every update write the
 * entity and its audit record in one transaction; an update only lands on the version it was based on.
 */
export function entityStore<S extends z.ZodType<Versioned & Record<string, unknown>>>(opts: {
  type: string;
  label: string;
  schema: S;
  key: (id: string) => Key & Record<string, string>;
  /** Index attributes that depend on the entity's state (they move when it changes). */
  indexKeys?: (entity: z.infer<S>) => Record<string, string>;
  listPartition?: { index: 'gsi1'; pk: string };
}) {
  type T = z.infer<S>;
  const toItem = (entity: T): Item =>
    itemOf(opts.key(entity.id), opts.indexKeys?.(entity), { type: opts.type }, entity);
  const strip = (item: Record<string, unknown>) => opts.schema.parse(item) as T;

  return {
    toItem,
    async get(db: Db, id: string): Promise<T | undefined> {
      // db.get has parsed it with the schema already (parsing it again is the same answer, twice the work).
      return (await db.get(opts.key(id), opts.schema)) as T | undefined;
    },
    async list(db: Db, page: { limit?: number; nextToken?: string }): Promise<Page<T>> {
      if (!opts.listPartition) throw new Error(`${opts.type} has no list partition`);
      const out = await db.query(
        { index: opts.listPartition.index, pk: opts.listPartition.pk, ...page },
        opts.schema,
      );
      return { items: out.items.map(strip), nextToken: out.nextToken };
    },
    /** The whole list, page by page (reference data: departments, agencies). */
    async all(db: Db): Promise<T[]> {
      if (!opts.listPartition) throw new Error(`${opts.type} has no list partition`);
      const items = await db.all(
        { index: opts.listPartition.index, pk: opts.listPartition.pk, limit: 100 },
        opts.schema,
      );
      return items.map(strip);
    },
    createActions(entity: T, ctx: ChangeContext, action = 'create'): WriteAction[] {
      return [
        { kind: 'create', item: toItem(entity), conflict: `${opts.label} ${entity.id} already exists` },
        auditAction({
          ...auditOf(ctx),
          entityType: opts.type,
          entityId: entity.id,
          action,
          before: null,
          after: entity,
        }),
      ];
    },
    /** Replaces the entity only if it is still at the version `before` was read at. */
    replaceAction(before: T, after: T): WriteAction {
      return {
        kind: 'replace',
        item: toItem(after) as Item & { version: number },
        expectedVersion: before.version,
        conflict: `${opts.label} ${before.id} was changed by someone else meanwhile; reload it and try again`,
      };
    },
    updateActions(before: T, after: T, ctx: ChangeContext, action = 'update'): WriteAction[] {
      return [
        this.replaceAction(before, after),
        auditAction({ ...auditOf(ctx), entityType: opts.type, entityId: before.id, action, before, after }),
      ];
    },
  };
}

function auditOf(ctx: ChangeContext) {
  return { actor: ctx.actor, at: ctx.now.toISOString(), requestId: ctx.requestId };
}

/** `If-Match` given and not the current version → 412. */
export function checkIfMatch(current: { version: number }, ifMatch: number | undefined, label: string): void {
  if (ifMatch !== undefined && ifMatch !== current.version) {
    throw new PreconditionFailed(
      `${label} is at version ${current.version}, not ${ifMatch} as If-Match says; reload it`,
    );
  }
}
