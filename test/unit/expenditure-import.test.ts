import { describe, expect, it } from 'vitest';
import type { Expenditure } from '../../shared/domain/expenditure.js';
import { applyImportChunk, type ImportRow } from '../../shared/domain/expenditure-import.js';
import { type Project, projectRecord } from '../../shared/domain/project.js';
import { keys } from '../../shared/store/keys.js';

// Unit tier: a chunk of imported rows against its project, with the rules of a single expenditure.

const now = new Date('2026-06-15T04:00:00Z'); // 12:00 in Shanghai
const ctx = { by: 'importer', now };

const executing = (over: Partial<Project> = {}): Project =>
  projectRecord.parse({
    id: 'P2026-A',
    departmentId: 'D-EDU',
    fiscalYear: 2026,
    name: 'x',
    kind: 'project',
    isNew: true,
    requestedFen: 100_000_00,
    status: 'executing',
    exAnteRequired: false,
    configVersion: 1,
    budget: {
      initialFen: 1_000_00,
      approvedFen: 1_000_00,
      approvedAt: 'a',
      approvedBy: 'b',
      configVersion: 1,
    },
    version: 7,
    createdAt: 'c',
    updatedAt: 'u',
    ...over,
  });

let line = 1;
const row = (voucherNo: string, amount: number, date = '2026-06-01', note?: string): ImportRow => ({
  line: ++line,
  projectId: 'P2026-A',
  input: { voucherNo, date, amount, ...(note ? { note } : {}) },
});

const stored = (voucherNo: string, amountFen: number, date = '2026-06-01'): Expenditure => ({
  projectId: 'P2026-A',
  departmentId: 'D-EDU',
  voucherNo,
  date,
  amountFen,
  recordedAt: 'r',
  recordedBy: 'someone',
});

describe('applyImportChunk', () => {
  it('accepts rows in order on the running spend, as one new project version', () => {
    const rows = [row('V1', 300), row('V2', 200.5)];

    const out = applyImportChunk(executing(), rows, [undefined, undefined], ctx);

    expect(out.outcomes.map((o) => o.outcome)).toEqual(['accepted', 'accepted']);
    expect(out.created.map((e) => e.amountFen)).toEqual([300_00, 200_50]);
    expect(out.project).toMatchObject({
      spentFen: 500_50,
      version: 8,
      spendByDate: { '2026-06-01': 500_50 },
    });
  });

  it('skips a known voucher with the same facts, refuses one with other facts', () => {
    const rows = [row('V1', 300), row('V2', 50)];

    const out = applyImportChunk(executing(), rows, [stored('V1', 300_00), stored('V2', 60_00)], ctx);

    expect(out.outcomes).toEqual([
      expect.objectContaining({ voucherNo: 'V1', outcome: 'skipped' }),
      expect.objectContaining({
        voucherNo: 'V2',
        outcome: 'refused',
        reason: expect.stringMatching(/other facts \(2026-06-01, 60\)/),
      }),
    ]);
    expect(out.created).toEqual([]);
    expect(out.project).toBeUndefined();
  });

  it('treats a voucher repeated in the file like a known one', () => {
    const out = applyImportChunk(
      executing(),
      [row('V1', 10), row('V1', 10), row('V1', 11)],
      [undefined, undefined, undefined],
      ctx,
    );

    expect(out.outcomes.map((o) => o.outcome)).toEqual(['accepted', 'skipped', 'refused']);
    expect(out.project?.spentFen).toBe(10_00);
  });

  it('refuses a future date, a date outside the fiscal year and spend above the budget, and goes on', () => {
    const rows = [
      row('V1', 10, '2026-06-16'),
      row('V2', 10, '2025-12-31'),
      row('V3', 995),
      row('V4', 6),
      row('V5', 5),
    ];

    const out = applyImportChunk(
      executing(),
      rows,
      rows.map(() => undefined),
      ctx,
    );

    expect(out.outcomes.map((o) => [o.voucherNo, o.outcome, o.reason])).toEqual([
      ['V1', 'refused', 'date: must not be after today (2026-06-15)'],
      ['V2', 'refused', 'date: must be in the fiscal year 2026'],
      ['V3', 'accepted', undefined],
      [
        'V4',
        'refused',
        expect.stringMatching(/^amount: would bring the spend to 1001, above the budget of 1000/),
      ],
      ['V5', 'accepted', undefined],
    ]);
    expect(out.project?.spentFen).toBe(1_000_00);
  });

  it('refuses every row of a project that is not executing, or not found', () => {
    const rows = [row('V1', 1)];

    const draft = applyImportChunk(executing({ status: 'in_library' }), rows, [undefined], ctx);
    const missing = applyImportChunk(undefined, rows, [undefined], ctx);

    expect(draft.outcomes[0]).toMatchObject({ outcome: 'refused', reason: expect.any(String) });
    expect(missing.outcomes[0]).toMatchObject({ outcome: 'refused', reason: 'project P2026-A not found' });
  });
});

describe('the keys of imports and documents', () => {
  it('keep an import with its rows, the row items sorting in file order', () => {
    const lines = [2, 95, 1_000, 10_001].map((l) => keys.importRows('IMP-1', l));

    expect(keys.expenditureImport('IMP-1')).toEqual({ pk: 'IMPORT#IMP-1', sk: 'IMPORT' });
    expect(lines.every((k) => k.pk === 'IMPORT#IMP-1' && k.sk.startsWith(keys.importRowsPrefix))).toBe(true);
    expect(lines.map((k) => k.sk)).toEqual([...lines.map((k) => k.sk)].sort());
    expect(keys.document('DOC-1')).toEqual({ pk: 'DOC#DOC-1', sk: 'DOC' });
  });
});
