import * as z from 'zod';
import { parseCsv } from './csv.js';
import { AppError } from './errors.js';
import {
  applyExpenditure,
  type Expenditure,
  type ExpenditureInput,
  expenditureInput,
  sameExpenditure,
} from './expenditure.js';
import { fenToYuan } from './money.js';
import type { Project } from './project.js';

/**
 * Bulk import of the treasury's CSV export (monitoring, item 2): `voucherNo,projectId,date,amount` and an
 * optional `note`, one expenditure a row. Each row is checked exactly like a single expenditure (the same
 * `expenditureInput` schema, the same `applyExpenditure` rules, the same voucher idempotency): accepted,
 * skipped (the voucher is known with the same facts) or refused with its reason; a refused row does not
 * stop the others. The rows are processed in chunks — one project's rows, at most CHUNK_ROWS of them, in
 * file order — so that a chunk is one transaction. Pure: no I/O, the moment passed in.
 */
export const importStatuses = ['awaiting_upload', 'processing', 'done', 'failed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

export const rowOutcome = z.object({
  line: z.int(),
  voucherNo: z.string().optional(),
  projectId: z.string().optional(),
  outcome: z.enum(['accepted', 'skipped', 'refused']),
  reason: z.string().optional(),
});
export type RowOutcome = z.infer<typeof rowOutcome>;

export interface ImportRow {
  line: number;
  projectId: string;
  input: ExpenditureInput;
}

export interface ImportFile {
  /** Data rows in the file (blank lines not counted). */
  total: number;
  rows: ImportRow[];
  /** Rows refused as they were read: malformed, or breaking the schema. */
  refused: RowOutcome[];
}

/** The file as a whole cannot be imported (its header, its encoding): the import fails with this. */
export class ImportFileError extends Error {}

export const REQUIRED_COLUMNS = ['voucherNo', 'projectId', 'date', 'amount'] as const;
export const OPTIONAL_COLUMNS = ['note'] as const;
const COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** Rows per chunk: with the project, the audit record, the rows' outcome and the import's progress, 94 ≤ 100 items. */
export const CHUNK_ROWS = 90;

const AMOUNT = /^-?\d+(\.\d+)?$/;

export function readExpenditureCsv(text: string): ImportFile {
  const { records, errors } = parseCsv(text);
  const header = records[0];
  const headerError = errors.find((e) => !header || e.line <= header.line);
  if (!header || headerError) {
    throw new ImportFileError(
      headerError
        ? `line ${headerError.line}: ${headerError.message}`
        : `the file is empty: expected a header line ${COLUMNS.join(',')}`,
    );
  }
  const names = header.fields.map((f) => f.trim());
  const index = new Map<string, number>();
  const problems: string[] = [];
  names.forEach((name, i) => {
    const column = COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!column) problems.push(`unknown column "${name}"`);
    else if (index.has(column)) problems.push(`column ${column} appears twice`);
    else index.set(column, i);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !index.has(c));
  if (missing.length) problems.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (problems.length) {
    throw new ImportFileError(
      `the header (line ${header.line}) must name the columns ${REQUIRED_COLUMNS.join(',')} and optionally note: ${problems.join('; ')}`,
    );
  }

  const refused: RowOutcome[] = errors.map((e) => ({ line: e.line, outcome: 'refused', reason: e.message }));
  const rows: ImportRow[] = [];
  const cell = (fields: string[], column: string) => {
    const i = index.get(column);
    return i === undefined ? undefined : fields[i]?.trim();
  };
  for (const record of records.slice(1)) {
    const voucherNo = cell(record.fields, 'voucherNo') || undefined;
    const projectId = cell(record.fields, 'projectId') || undefined;
    const base = { line: record.line, voucherNo, projectId };
    if (record.fields.length !== names.length) {
      refused.push({
        ...base,
        outcome: 'refused',
        reason: `expected ${names.length} fields as in the header, found ${record.fields.length}`,
      });
      continue;
    }
    const amountText = cell(record.fields, 'amount') ?? '';
    const note = cell(record.fields, 'note');
    const candidate = {
      voucherNo: voucherNo ?? '',
      date: cell(record.fields, 'date') ?? '',
      amount: AMOUNT.test(amountText) ? Number(amountText) : amountText,
      ...(note ? { note } : {}),
    };
    const parsed = expenditureInput.safeParse(candidate);
    const reasons = parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`);
    if (!projectId) reasons.unshift('projectId: required');
    if (!parsed.success || !projectId) {
      refused.push({ ...base, outcome: 'refused', reason: reasons.join('; ') });
      continue;
    }
    rows.push({ line: record.line, projectId, input: parsed.data });
  }
  refused.sort((a, b) => a.line - b.line);
  return { total: rows.length + refused.length, rows, refused };
}

export interface Chunk {
  /** The first line of the chunk's rows: names the chunk (its outcome item), so a rerun finds it. */
  firstLine: number;
  /** The project of every row, or none for rows refused as they were read. */
  projectId?: string;
  rows: ImportRow[];
  refused: RowOutcome[];
}

/** One project's rows at a time, CHUNK_ROWS at most, in file order; the rows refused on reading apart. */
export function planChunks(file: ImportFile): Chunk[] {
  const chunks: Chunk[] = [];
  for (let i = 0; i < file.refused.length; i += CHUNK_ROWS) {
    const refused = file.refused.slice(i, i + CHUNK_ROWS);
    chunks.push({ firstLine: refused[0]!.line, rows: [], refused });
  }
  const byProject = new Map<string, ImportRow[]>();
  for (const row of file.rows) {
    const list = byProject.get(row.projectId) ?? [];
    list.push(row);
    byProject.set(row.projectId, list);
  }
  for (const [projectId, rows] of byProject) {
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
      const part = rows.slice(i, i + CHUNK_ROWS);
      chunks.push({ firstLine: part[0]!.line, projectId, rows: part, refused: [] });
    }
  }
  return chunks.sort((a, b) => a.firstLine - b.firstLine);
}

function reasonOf(err: unknown): string {
  if (!(err instanceof AppError)) throw err;
  return err.errors?.length ? err.errors.map((e) => `${e.path}: ${e.message}`).join('; ') : err.detail;
}

export interface ChunkResult {
  outcomes: RowOutcome[];
  created: Expenditure[];
  /** The project after the chunk's new spend (one new version), when anything was created. */
  project?: Project;
}

/**
 * Applies one chunk to its project: each row as a single expenditure would be (known voucher with the same
 * facts → skipped, with other facts → refused; else applyExpenditure's rules), on the spend of the rows
 * before it. `known[i]` is the stored expenditure of `rows[i]`'s voucher, if any. `project` undefined: the
 * project does not exist for this importer (another department's is "not found" too).
 */
export function applyImportChunk(
  project: Project | undefined,
  rows: ImportRow[],
  known: (Expenditure | undefined)[],
  ctx: { by: string; now: Date },
): ChunkResult {
  const outcomes: RowOutcome[] = [];
  const created: Expenditure[] = [];
  const createdHere = new Map<string, Expenditure>();
  let current = project;
  rows.forEach((row, i) => {
    const base = { line: row.line, voucherNo: row.input.voucherNo, projectId: row.projectId };
    if (!current) {
      outcomes.push({ ...base, outcome: 'refused', reason: `project ${row.projectId} not found` });
      return;
    }
    const prior = known[i] ?? createdHere.get(row.input.voucherNo);
    if (prior) {
      if (sameExpenditure(prior, row.input)) {
        outcomes.push({
          ...base,
          outcome: 'skipped',
          reason: 'voucher already recorded with the same facts',
        });
      } else {
        outcomes.push({
          ...base,
          outcome: 'refused',
          reason: `voucher already recorded for this project with other facts (${prior.date}, ${fenToYuan(prior.amountFen)})`,
        });
      }
      return;
    }
    try {
      const out = applyExpenditure(current, row.input, ctx);
      current = out.project;
      created.push(out.expenditure);
      createdHere.set(row.input.voucherNo, out.expenditure);
      outcomes.push({ ...base, outcome: 'accepted' });
    } catch (err) {
      outcomes.push({ ...base, outcome: 'refused', reason: reasonOf(err) });
    }
  });
  if (!project || !current || created.length === 0) return { outcomes, created };
  // applyExpenditure counts a version a row; the chunk is one write, so one version.
  return { outcomes, created, project: { ...current, version: project.version + 1 } };
}
