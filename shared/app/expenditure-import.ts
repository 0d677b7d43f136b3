import { contentTypes, IMPORT_MAX_BYTES } from '../docs/content-types.js';
import type { Storage } from '../docs/storage.js';
import type { DocumentRecord } from '../domain/document.js';
import { ConcurrentChange, Conflict } from '../domain/errors.js';
import { expenditureRecord } from '../domain/expenditure.js';
import {
  applyImportChunk,
  type Chunk,
  ImportFileError,
  planChunks,
  readExpenditureCsv,
} from '../domain/expenditure-import.js';
import type { Project } from '../domain/project.js';
import { metricNames } from '../metric-names.js';
import { type BusinessMetrics, noMetrics } from '../metrics.js';
import type { Db } from '../store/db.js';
import { documents, newId } from '../store/documents.js';
import type { ChangeContext } from '../store/entity-store.js';
import {
  chunkActions,
  chunkDone,
  createImportActions,
  doneChunks,
  getImport,
  type ImportRecord,
  markFinished,
  markProcessing,
} from '../store/expenditure-imports.js';
import { keys } from '../store/keys.js';
import { projects } from '../store/projects.js';
import { retryOnConcurrentChange } from './retry.js';
import { newUploadDocument, type UploadLinkReply, uploadLinkOf } from './uploads.js';

/**
 * The treasury's CSV export, imported in one go: the client asks for an upload link (an import awaiting
 * its upload, and a pending document of kind `expenditure-import`), uploads the file, and the
 * upload-arrived handler runs the import once the document is received. A rejected upload fails the
 * import; so does a file whose header is not the expected one.
 */
export const IMPORT_KIND = 'expenditure-import';

export async function openExpenditureImport(
  deps: { db: Db },
  ctx: ChangeContext,
  body: { fileName: string; size: number; contentType?: string },
  baseUrl: string,
): Promise<UploadLinkReply & { importId: string }> {
  const importId = newId('IMP');
  const { document, actions } = newUploadDocument(
    {
      purpose: 'expenditure-import',
      kind: IMPORT_KIND,
      fileName: body.fileName,
      contentType: body.contentType ?? contentTypes.csv,
      size: body.size,
      importId,
    },
    ctx,
  );
  const record: ImportRecord = {
    id: importId,
    documentId: document.id,
    fileName: body.fileName,
    departmentId: ctx.actor.role === 'department' ? ctx.actor.departmentId : undefined,
    actor: {
      sub: ctx.actor.sub,
      role: ctx.actor.role,
      departmentId: ctx.actor.departmentId,
      agencyId: ctx.actor.agencyId,
    },
    status: 'awaiting_upload',
    createdAt: ctx.now.toISOString(),
    processed: 0,
    acceptedCount: 0,
    skippedCount: 0,
    refusedCount: 0,
  };
  await deps.db.write([...actions, ...createImportActions(record, ctx)]);
  return { importId, ...(await uploadLinkOf(document, { baseUrl })) };
}

export interface ImportRunDeps {
  db: Db;
  storage: Storage;
  now: () => Date;
  /** Rows accepted and refused are counted; none if absent. */
  metrics?: BusinessMetrics;
}

/**
 * Runs (or resumes) the import of a judged document; a finished import is left alone. The rows are
 * recorded in the name of whoever asked for the import, with their rights.
 */
export async function runExpenditureImport(
  deps: ImportRunDeps,
  document: DocumentRecord,
  log: (message: string, extra?: Record<string, unknown>) => void = () => undefined,
): Promise<ImportRecord | undefined> {
  if (document.kind !== IMPORT_KIND || !document.importId) return undefined;
  const record = await getImport(deps.db, document.importId);
  if (!record || record.status === 'done' || record.status === 'failed') return record;
  const ctx: ChangeContext = { actor: record.actor, now: deps.now(), requestId: `import:${record.id}` };
  const fail = async (error: string) => {
    try {
      await markFinished(deps.db, ctx, record, { status: 'failed', error });
    } catch (err) {
      if (!(err instanceof Conflict)) throw err; // finished meanwhile
    }
    return getImport(deps.db, record.id);
  };
  if (document.status === 'rejected')
    return fail(`the upload was rejected: ${document.reason ?? 'no reason given'}`);
  if (document.status !== 'received') return record;

  const facts = await deps.storage.inspect(document.key, { keepBody: IMPORT_MAX_BYTES });
  if (!facts?.body || facts.sha256 !== document.sha256) {
    return fail('the file is no longer the one that was received');
  }
  let file: ReturnType<typeof readExpenditureCsv>;
  try {
    file = readExpenditureCsv(new TextDecoder('utf-8', { fatal: true }).decode(facts.body));
  } catch (err) {
    if (err instanceof ImportFileError) return fail(err.message);
    if (err instanceof TypeError) return fail('the file is not UTF-8 text');
    throw err;
  }
  const started = Date.now();
  try {
    await markProcessing(deps.db, ctx, record, file.total);
    const done = record.status === 'processing' ? await doneChunks(deps.db, record.id) : undefined;
    await importChunks(deps.db, ctx, record, planChunks(file), { done });
    await markFinished(deps.db, ctx, record, { status: 'done' });
  } catch (err) {
    // Finished meanwhile by another delivery of the same event: its result stands.
    if (!(err instanceof Conflict)) throw err;
    const now = await getImport(deps.db, record.id);
    if (now?.status !== 'done' && now?.status !== 'failed') throw err;
    return now;
  }
  log('expenditure import done', { importId: record.id, rows: file.total, ms: Date.now() - started });
  const done = await getImport(deps.db, record.id);
  const metrics = deps.metrics ?? noMetrics;
  metrics.count(metricNames.importRowsAccepted, done?.acceptedCount ?? 0);
  metrics.count(metricNames.importRowsRefused, done?.refusedCount ?? 0);
  return done;
}

/** The document of an import (for its GET), if it still exists. */
export const importDocument = (deps: { db: Db }, record: ImportRecord) =>
  documents.get(deps.db, record.documentId);

/**
 * Runs the planned chunks of a read file. A chunk whose outcome item exists was done before (a resumed or
 * concurrent run) and is skipped. When the project moved meanwhile (another expenditure: a
 * ConcurrentChange), the project and the chunk's vouchers are read again and decided again
 * (shared/app/retry.ts).
 */
async function importChunks(
  db: Db,
  ctx: ChangeContext,
  record: ImportRecord,
  chunks: Chunk[],
  opts: { done?: Set<number> } = {},
): Promise<void> {
  const cache = new Map<string, Project | undefined>();
  const projectOf = async (id: string, fresh: boolean) => {
    if (!fresh && cache.has(id)) return cache.get(id);
    const p = await projects.get(db, id);
    const visible = p && (ctx.actor.role !== 'department' || p.departmentId === ctx.actor.departmentId);
    cache.set(id, visible ? p : undefined);
    return cache.get(id);
  };
  for (const chunk of chunks) {
    if (opts.done?.has(chunk.firstLine)) continue;
    await retryOnConcurrentChange(
      async (attempt) => {
        const project = chunk.projectId ? await projectOf(chunk.projectId, attempt > 1) : undefined;
        const known =
          project && chunk.rows.length
            ? await db.batchGet(
                chunk.rows.map((r) => keys.expenditure(project.id, r.input.voucherNo)),
                expenditureRecord,
              )
            : [];
        const result = applyImportChunk(project, chunk.rows, known, { by: ctx.actor.sub, now: ctx.now });
        const outcomes = [...chunk.refused, ...result.outcomes].sort((a, b) => a.line - b.line);
        try {
          await db.write(chunkActions(ctx, record, chunk, outcomes, project, result));
          if (project && result.project) cache.set(project.id, result.project);
        } catch (err) {
          if (!(err instanceof Conflict)) throw err;
          // Done meanwhile by another run of the same import: its outcome stands.
          if (await chunkDone(db, record.id, chunk.firstLine)) {
            if (chunk.projectId) cache.delete(chunk.projectId);
            return;
          }
          // The project's spend was refused (its budget, state or room left moved) or a voucher was recorded
          // meanwhile: read the project and the chunk's vouchers again and decide again.
          throw err instanceof ConcurrentChange ? err : new ConcurrentChange((err as Conflict).detail);
        }
      },
      { what: `Project ${chunk.projectId ?? ''}`.trim() },
    );
  }
}
