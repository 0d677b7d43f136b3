import * as z from 'zod';
import { type Actor, actorSchema, assertOwnDepartment } from '../domain/actor.js';
import { NotFound } from '../domain/errors.js';
import {
  type applyImportChunk,
  type Chunk,
  type ImportFile,
  importStatuses,
  type RowOutcome,
  rowOutcome,
} from '../domain/expenditure-import.js';
import type { Project } from '../domain/project.js';
import { auditAction } from './audit.js';
import { type Db, encodeNextToken, type Item, type Page, type WriteAction } from './db.js';
import type { ChangeContext } from './entity-store.js';
import { spendAction } from './expenditures.js';
import { keys } from './keys.js';

/**
 * Expenditure imports in the single table. The import record (`IMPORT#<id>` / `IMPORT`) keeps the status and
 * the running counts; each chunk's row outcomes are one item (`ROWS#<first line>`) written in the chunk's
 * own transaction — with the chunk's new expenditures, the project's new spend, one audit record and the
 * import's counts — so every row is counted exactly once, even when an import is resumed or runs twice
 * at the same time (the second writer of a chunk finds its outcome item taken and moves on).
 */
export const importRecord = z.object({
  id: z.string(),
  documentId: z.string(),
  fileName: z.string(),
  /** Whose import: the department of a department's user; none for the bureau's. */
  departmentId: z.string().optional(),
  /** Who asked for it: its rows are recorded in their name, with their rights. */
  actor: actorSchema,
  status: z.enum(importStatuses),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  rows: z.int().optional(),
  processed: z.int().default(0),
  acceptedCount: z.int().default(0),
  skippedCount: z.int().default(0),
  refusedCount: z.int().default(0),
});
export type ImportRecord = z.infer<typeof importRecord>;

export const importRowsRecord = z.object({
  importId: z.string(),
  firstLine: z.int(),
  projectId: z.string().optional(),
  rows: z.array(rowOutcome),
});
export type ImportRows = z.infer<typeof importRowsRecord>;

const toItem = (r: ImportRecord): Item => ({
  ...keys.expenditureImport(r.id),
  type: 'expenditure-import',
  ...r,
});

export function createImportActions(record: ImportRecord, ctx: ChangeContext): WriteAction[] {
  return [
    { kind: 'create', item: toItem(record), conflict: `Import ${record.id} already exists` },
    audit(ctx, record.id, 'create', null, record),
  ];
}

function audit(ctx: ChangeContext, id: string, action: string, before: unknown, after: unknown): WriteAction {
  return auditAction({
    actor: ctx.actor,
    at: ctx.now.toISOString(),
    requestId: ctx.requestId,
    entityType: 'expenditure-import',
    entityId: id,
    action,
    before,
    after,
  });
}

export const getImport = (db: Db, id: string) => db.get(keys.expenditureImport(id), importRecord);

/** The import as its owner or the bureau may see it; anyone else is told it does not exist. */
export async function loadImport(db: Db, actor: Actor, id: string): Promise<ImportRecord> {
  const record = await getImport(db, id);
  if (!record) throw new NotFound(`Import ${id}`);
  if (actor.role !== 'finance') {
    if (actor.role !== 'department' || !record.departmentId) throw new NotFound(`Import ${id}`);
    assertOwnDepartment(actor, record.departmentId, `Import ${id}`);
  }
  return record;
}

/**
 * A page of the rows' outcomes: whole chunks, in file order, until at least `rows` rows (or the end); the
 * token continues after the last chunk of the page.
 */
export async function listImportRows(
  db: Db,
  id: string,
  page: { rows: number; nextToken?: string },
): Promise<Page<ImportRows>> {
  const items: ImportRows[] = [];
  let count = 0;
  let nextToken = page.nextToken;
  do {
    const out = await db.query(
      { pk: keys.expenditureImport(id).pk, skBeginsWith: keys.importRowsPrefix, limit: 25, nextToken },
      importRowsRecord,
    );
    nextToken = out.nextToken;
    for (const [i, item] of out.items.entries()) {
      items.push(item);
      count += item.rows.length;
      if (count >= page.rows) {
        const more = i < out.items.length - 1 || nextToken !== undefined;
        return { items, nextToken: more ? encodeNextToken(keys.importRows(id, item.firstLine)) : undefined };
      }
    }
  } while (nextToken);
  return { items };
}

/** processing ← awaiting_upload (or processing again, on a resumed run): the row count is set once. */
export async function markProcessing(db: Db, ctx: ChangeContext, record: ImportRecord, rows: number) {
  await db.write([
    {
      kind: 'update',
      key: keys.expenditureImport(record.id),
      set: { status: 'processing', rows, startedAt: record.startedAt ?? ctx.now.toISOString() },
      condition: {
        expression: '#st IN (:a, :p)',
        names: { '#st': 'status' },
        values: { ':a': 'awaiting_upload', ':p': 'processing' },
      },
      conflict: `Import ${record.id} is no longer waiting to be processed`,
    },
    ...(record.status === 'awaiting_upload'
      ? [audit(ctx, record.id, 'start', { status: record.status }, { status: 'processing', rows })]
      : []),
  ]);
}

/** done or failed, with the reason of a failure; once. */
export async function markFinished(
  db: Db,
  ctx: ChangeContext,
  record: ImportRecord,
  outcome: { status: 'done' } | { status: 'failed'; error: string },
) {
  const set: Record<string, unknown> = { status: outcome.status, finishedAt: ctx.now.toISOString() };
  if (outcome.status === 'failed') set.error = outcome.error;
  await db.write([
    {
      kind: 'update',
      key: keys.expenditureImport(record.id),
      set,
      condition: {
        expression: '#st IN (:a, :p)',
        names: { '#st': 'status' },
        values: { ':a': 'awaiting_upload', ':p': 'processing' },
      },
      conflict: `Import ${record.id} is already finished`,
    },
    audit(ctx, record.id, outcome.status === 'done' ? 'finish' : 'fail', { status: record.status }, set),
  ]);
}

/** Whether a chunk's outcome is recorded (a resumed or concurrent run did it). */
export async function chunkDone(db: Db, importId: string, firstLine: number): Promise<boolean> {
  return (await db.get(keys.importRows(importId, firstLine), importRowsRecord)) !== undefined;
}

/**
 * One chunk's transaction: its new expenditures, the project's new spend with its audit record, and the
 * chunk's outcome item with the import's counts (a chunk is counted once: its outcome item is created).
 */
export function chunkActions(
  ctx: ChangeContext,
  record: ImportRecord,
  chunk: Chunk,
  outcomes: RowOutcome[],
  project: Project | undefined,
  result: ReturnType<typeof applyImportChunk>,
): WriteAction[] {
  const count = (o: RowOutcome['outcome']) => outcomes.filter((r) => r.outcome === o).length;
  const actions: WriteAction[] = result.created.map((e) => ({
    kind: 'create',
    item: { ...keys.expenditure(e.projectId, e.voucherNo), type: 'expenditure', ...e },
    conflict: `Voucher ${e.voucherNo} was recorded meanwhile`,
  }));
  if (project && result.project) {
    actions.push(
      // The spend is added atomically, as a single voucher's is (expenditures.ts): concurrent vouchers and
      // imports of one project all land; only a real refusal (budget, state) sends the chunk round again.
      spendAction(project, result.created, ctx.now.toISOString()),
      auditAction({
        actor: ctx.actor,
        at: ctx.now.toISOString(),
        requestId: ctx.requestId,
        entityType: 'project',
        entityId: project.id,
        action: 'import-expenditures',
        before: null,
        after: {
          importId: record.id,
          expenditures: result.created.map((e) => ({
            voucherNo: e.voucherNo,
            date: e.date,
            amountFen: e.amountFen,
          })),
          addedFen: result.created.reduce((sum, e) => sum + e.amountFen, 0),
        },
      }),
    );
  }
  const rows: ImportRows = {
    importId: record.id,
    firstLine: chunk.firstLine,
    projectId: chunk.projectId,
    rows: outcomes,
  };
  actions.push(
    {
      kind: 'create',
      item: { ...keys.importRows(record.id, chunk.firstLine), type: 'expenditure-import-rows', ...rows },
      conflict: `Rows from line ${chunk.firstLine} of import ${record.id} were imported meanwhile`,
    },
    {
      kind: 'update',
      key: keys.expenditureImport(record.id),
      set: {},
      add: {
        processed: outcomes.length,
        acceptedCount: count('accepted'),
        skippedCount: count('skipped'),
        refusedCount: count('refused'),
      },
      conflict: `Import ${record.id} is gone`,
    },
  );
  return actions;
}

/** The lines of the chunks already written (a resumed import skips them). */
export async function doneChunks(db: Db, id: string): Promise<Set<number>> {
  const done = new Set<number>();
  let nextToken: string | undefined;
  do {
    const page = await db.query(
      { pk: keys.expenditureImport(id).pk, skBeginsWith: keys.importRowsPrefix, limit: 100, nextToken },
      importRowsRecord,
    );
    for (const item of page.items) done.add(item.firstLine);
    nextToken = page.nextToken;
  } while (nextToken);
  return done;
}

export type { ImportFile };
