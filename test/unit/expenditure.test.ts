// Expenditures (api-contract.md "Execution and monitoring"; domain.md §3): the rules applyExpenditure keeps —
// only `executing` (else 409), not after the self-evaluation (409), a date in the fiscal year and not after
// today (422), spend never above the current budget (422) — and what counts as the same voucher again.
import { describe, expect, it } from 'vitest';
import { type AppError, Conflict, RuleViolation } from '../../shared/domain/errors.js';
import {
  applyExpenditure,
  type Expenditure,
  type ExpenditureInput,
  expenditureInput,
  sameExpenditure,
} from '../../shared/domain/expenditure.js';
import type { Project } from '../../shared/domain/project.js';
import { thrown } from '../support/errors.js';
import { yuan } from '../support/money.js';
import { executingProject, spentOn } from '../support/projects.js';

/** 2026-06-15 10:00 in Shanghai. */
const NOW = new Date('2026-06-15T02:00:00.000Z');

/** An executing project of 1,000,000.00 with 900,000.00 spent. */
const project = (over: Partial<Project> = {}): Project =>
  executingProject({ id: 'P2026-TESTEXP1', ...spentOn(900_000, '2026-03-01'), version: 9, ...over });

const input = (over: Partial<ExpenditureInput> = {}): ExpenditureInput => ({
  voucherNo: 'V-0001',
  date: '2026-06-01',
  amount: 10_000,
  ...over,
});

const apply = (p: Project, i: ExpenditureInput, now = NOW) =>
  applyExpenditure(p, i, { by: 'dept-user', now });

const paths = (err: AppError) => err.errors?.map((e) => e.path);

describe('applyExpenditure', () => {
  it('records the expenditure and moves the cumulative spend and the spend of its day', () => {
    const out = apply(project(), input({ date: '2026-03-01', note: '工程款' }));

    expect(out.expenditure).toEqual({
      projectId: 'P2026-TESTEXP1',
      departmentId: 'D-EDU',
      voucherNo: 'V-0001',
      date: '2026-03-01',
      amountFen: yuan(10_000),
      note: '工程款',
      recordedAt: NOW.toISOString(),
      recordedBy: 'dept-user',
    });
    expect(out.project).toMatchObject({
      spentFen: yuan(910_000),
      spendByDate: { '2026-03-01': yuan(910_000) },
      version: 10,
    });
  });

  it('a date in the previous year → 422 on date', () => {
    expect(paths(thrown(() => apply(project(), input({ date: '2025-12-31' }))))).toEqual(['date']);
  });

  it('a date in the next year → 422 on date', () => {
    expect(paths(thrown(() => apply(project(), input({ date: '2027-01-01' }))))).toEqual(['date']);
  });

  it('a date after today → 422 on date', () => {
    const err = thrown(() => apply(project(), input({ date: '2026-06-16' })));

    expect(err).toBeInstanceOf(RuleViolation);
    expect(paths(err)).toEqual(['date']);
  });

  it('today itself is allowed', () => {
    expect(apply(project(), input({ date: '2026-06-15' })).expenditure.date).toBe('2026-06-15');
  });

  it('"today" is the Shanghai date: at 16:30 UTC the next day is already today', () => {
    const lateUtc = new Date('2026-06-15T16:30:00.000Z');

    expect(apply(project(), input({ date: '2026-06-16' }), lateUtc).expenditure.date).toBe('2026-06-16');
  });

  it('spend up to exactly the budget is allowed', () => {
    expect(apply(project(), input({ amount: 100_000 })).project.spentFen).toBe(yuan(1_000_000));
  });

  it('one fen above the budget → 422 on amount', () => {
    expect(paths(thrown(() => apply(project(), input({ amount: 100_000.01 }))))).toEqual(['amount']);
  });

  it('checks against the current budget after adjustments', () => {
    const cut = project({ budget: { ...project().budget!, approvedFen: yuan(905_000) } });

    expect(paths(thrown(() => apply(cut, input({ amount: 5_000.01 }))))).toEqual(['amount']);
  });

  it('an amount of 0 → 422 on amount', () => {
    expect(paths(thrown(() => apply(project(), input({ amount: 0 }))))).toEqual(['amount']);
  });

  it('names every failing field at once', () => {
    expect(paths(thrown(() => apply(project(), input({ date: '2026-07-01', amount: 200_000 }))))).toEqual([
      'date',
      'amount',
    ]);
  });

  it('a project that is not executing → 409 naming its status', () => {
    const err = thrown(() => apply(project({ status: 'in_library' }), input()));

    expect(err).toBeInstanceOf(Conflict);
    expect(err.detail).toMatch(/in_library/);
  });

  it('after the self-evaluation was submitted → 409, even for an otherwise valid expenditure', () => {
    expect(thrown(() => apply(project({ selfEvaluationSubmitted: true }), input()))).toBeInstanceOf(Conflict);
  });

  it('409 wins over 422: a wrong state with a body that also breaks a rule', () => {
    const err = thrown(() => apply(project({ selfEvaluationSubmitted: true }), input({ amount: 999_999 })));

    expect(err.status).toBe(409);
  });

  it('a past year’s spend may still be recorded before the self-evaluation', () => {
    const lastYear = project({ fiscalYear: 2025 });

    expect(apply(lastYear, input({ date: '2025-12-20' })).project.spentFen).toBe(yuan(910_000));
  });
});

describe('expenditureInput', () => {
  it('refuses an amount with three decimals', () => {
    expect(expenditureInput.safeParse(input({ amount: 10.001 })).success).toBe(false);
  });

  it('refuses an unknown field', () => {
    expect(expenditureInput.safeParse({ ...input(), payee: 'x' }).success).toBe(false);
  });
});

describe('sameExpenditure (a voucher sent again)', () => {
  const known: Expenditure = {
    projectId: 'P2026-TESTEXP1',
    departmentId: 'D-EDU',
    voucherNo: 'V-0001',
    date: '2026-06-01',
    amountFen: yuan(10_000),
    recordedAt: NOW.toISOString(),
    recordedBy: 'dept-user',
  };

  it('the same date, amount and (absent) note is the same', () => {
    expect(sameExpenditure(known, input())).toBe(true);
  });

  it('an empty note and no note are the same', () => {
    expect(sameExpenditure({ ...known, note: '' }, input())).toBe(true);
  });

  it('another amount is not the same', () => {
    expect(sameExpenditure(known, input({ amount: 10_000.01 }))).toBe(false);
  });

  it('another date is not the same', () => {
    expect(sameExpenditure(known, input({ date: '2026-06-02' }))).toBe(false);
  });

  it('another note is not the same', () => {
    expect(sameExpenditure(known, input({ note: 'x' }))).toBe(false);
  });
});
