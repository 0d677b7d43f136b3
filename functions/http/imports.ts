import * as z from 'zod';
import { openExpenditureImport } from '../../shared/app/expenditure-import.js';
import { apiBaseUrl } from '../../shared/docs/uploads.js';
import { importStatuses, type RowOutcome } from '../../shared/domain/expenditure-import.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { route } from '../../shared/http/route.js';
import { idParams, uploadSize } from '../../shared/http/schemas.js';
import { listImportRows, loadImport } from '../../shared/store/expenditure-imports.js';

/**
 * Bulk import of the treasury's CSV export: an upload link, then the upload-arrived event runs the import
 * (functions/events/upload-arrived.ts); its progress and the outcome of every row are read here.
 */
const area = 'imports' as const;
const tags = ['Execution'];

const uploadLink = {
  documentId: z.string(),
  url: z.string().meta({ description: 'POST the file here as multipart/form-data: the fields, then `file`' }),
  fields: z.record(z.string(), z.string()),
  expiresAt: z.string(),
  pageUrl: z.string().meta({ description: 'An upload page for a browser (no token needed)' }),
};

const row = z.object({
  line: z.int().meta({ description: 'Line of the file (the header is line 1)' }),
  voucherNo: z.string().optional(),
  projectId: z.string().optional(),
  reason: z.string().optional(),
});

const importView = z
  .object({
    importId: z.string(),
    documentId: z.string(),
    fileName: z.string(),
    status: z.enum(importStatuses),
    progress: z.object({ rows: z.int(), processed: z.int() }),
    counts: z.object({ rows: z.int(), accepted: z.int(), skipped: z.int(), refused: z.int() }),
    accepted: z.array(row),
    skipped: z.array(row),
    refused: z.array(row),
    nextToken: z.string().optional().meta({ description: 'The next page of rows; absent on the last' }),
    error: z.string().optional().meta({ description: 'Why the import failed (the file as a whole)' }),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
  })
  .meta({ id: 'ExpenditureImport' });

export const routes = [
  route({
    area,
    method: 'POST',
    path: '/v1/expenditure-imports',
    roles: ['department', 'finance'],
    tags,
    summary: 'Import expenditures from the treasury’s CSV export: an upload link',
    description:
      'Columns `voucherNo,projectId,date,amount` (and optionally `note`) with a header line; UTF-8, CRLF or LF, ' +
      'quoted fields. Upload the file with the presigned POST (or the page); the import runs when it arrives. ' +
      'Each row is checked like a single expenditure; a department imports rows of its own projects only. ' +
      'CSV (text/csv) of at most 20 MiB; another type or size → 422.',
    body: z.strictObject({
      fileName: z.string().trim().min(1).max(255),
      size: uploadSize,
      contentType: z.string().max(255).optional().meta({ description: 'text/csv (the default)' }),
    }),
    response: z.object({ importId: z.string(), status: z.literal('awaiting_upload'), ...uploadLink }),
    status: 201,
    async handle(req) {
      const ctx = { actor: req.actor, now: req.now, requestId: req.requestId };
      const out = await openExpenditureImport(req.deps, ctx, req.body, apiBaseUrl(req.headers));
      return { ...out, status: 'awaiting_upload' as const };
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/expenditure-imports/{id}',
    roles: ['department', 'finance'],
    tags,
    summary: 'An import: its status, progress and counts, and a page of its rows’ outcomes',
    description:
      'The counts are always complete. The rows come in pages, in file order within each project: whole ' +
      'chunks (up to 90 rows of one project each) until at least `limit` rows; `nextToken` names the next page.',
    params: idParams,
    query: z.strictObject({
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(5000)
        .default(1000)
        .meta({ description: 'Rows a page (about)' }),
      nextToken: z.string().max(2048).optional(),
    }),
    response: importView,
    async handle(req) {
      const record = await loadImport(req.deps.db, req.actor, req.params.id);
      const page = await listImportRows(req.deps.db, record.id, {
        rows: req.query.limit,
        nextToken: req.query.nextToken,
      });
      const rows = page.items.flatMap((c) => c.rows).sort((a, b) => a.line - b.line);
      const pick = (o: RowOutcome['outcome']) =>
        rows
          .filter((r) => r.outcome === o)
          .map(({ line, voucherNo, projectId, reason }) => ({ line, voucherNo, projectId, reason }));
      return {
        importId: record.id,
        documentId: record.documentId,
        fileName: record.fileName,
        status: record.status,
        progress: { rows: record.rows ?? 0, processed: record.processed },
        counts: {
          rows: record.rows ?? 0,
          accepted: record.acceptedCount,
          skipped: record.skippedCount,
          refused: record.refusedCount,
        },
        accepted: pick('accepted'),
        skipped: pick('skipped'),
        refused: pick('refused'),
        nextToken: page.nextToken,
        error: record.error,
        createdAt: record.createdAt,
        startedAt: record.startedAt,
        finishedAt: record.finishedAt,
      };
    },
  }),
];

export const handler = createApiHandler(routes);
