import * as z from 'zod';
import { businessDate, type IsoDate } from './calendar.js';
import { Conflict, type FieldError, RuleViolation } from './errors.js';
import { fenToYuan, yuan, yuanToFen } from './money.js';
import type { Project } from './project.js';
import { nextStatus } from './project-status.js';

/**
 * Expenditures (budget execution): one per treasury voucher, idempotent by voucher number. Each one moves
 * the project's cumulative spend, kept per expenditure date so a sweep can ask "spent by day d".
 */
export const expenditureInput = z
  .strictObject({
    voucherNo: z.string().trim().min(1).max(64),
    date: z.iso.date(),
    amount: yuan,
    note: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'ExpenditureInput' });
export type ExpenditureInput = z.infer<typeof expenditureInput>;

export const expenditureRecord = z.object({
  projectId: z.string(),
  departmentId: z.string(),
  voucherNo: z.string(),
  date: z.string(),
  amountFen: z.int(),
  note: z.string().optional(),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type Expenditure = z.infer<typeof expenditureRecord>;

export const expenditureView = (e: Expenditure) => ({
  projectId: e.projectId,
  voucherNo: e.voucherNo,
  date: e.date,
  amount: fenToYuan(e.amountFen),
  note: e.note,
  recordedAt: e.recordedAt,
  recordedBy: e.recordedBy,
});

/** Same voucher, same facts: a retry. Same voucher, other facts: a conflict. */
export function sameExpenditure(e: Expenditure, input: ExpenditureInput): boolean {
  return (
    e.date === input.date && e.amountFen === yuanToFen(input.amount) && (e.note ?? '') === (input.note ?? '')
  );
}

/**
 * Checks an expenditure against the project (409 for its status, 422 for the rules) and returns the new
 * expenditure with the project's new spend. `today` is the business date of the recording.
 */
export function applyExpenditure(
  p: Project,
  input: ExpenditureInput,
  ctx: { by: string; now: Date },
): { expenditure: Expenditure; project: Project } {
  if (p.status !== 'executing') nextStatus('recordSpend', p.status);
  if (p.selfEvaluationSubmitted) {
    throw new Conflict('The self-evaluation of this project is in: spend can no longer be recorded');
  }
  const today: IsoDate = businessDate(ctx.now);
  const amountFen = yuanToFen(input.amount);
  const approvedFen = p.budget?.approvedFen ?? 0;
  const errors: FieldError[] = [];
  if (!input.date.startsWith(`${p.fiscalYear}-`)) {
    errors.push({ path: 'date', message: `must be in the fiscal year ${p.fiscalYear}` });
  } else if (input.date > today) {
    errors.push({ path: 'date', message: `must not be after today (${today})` });
  }
  if (amountFen <= 0) errors.push({ path: 'amount', message: 'must be above 0' });
  else if (p.spentFen + amountFen > approvedFen) {
    errors.push({
      path: 'amount',
      message: `would bring the spend to ${fenToYuan(p.spentFen + amountFen)}, above the budget of ${fenToYuan(approvedFen)} (${fenToYuan(approvedFen - p.spentFen)} left)`,
    });
  }
  if (errors.length) throw new RuleViolation('The expenditure breaks a rule', errors);
  const at = ctx.now.toISOString();
  return {
    expenditure: {
      projectId: p.id,
      departmentId: p.departmentId,
      voucherNo: input.voucherNo,
      date: input.date,
      amountFen,
      note: input.note,
      recordedAt: at,
      recordedBy: ctx.by,
    },
    project: {
      ...p,
      spentFen: p.spentFen + amountFen,
      spendByDate: { ...p.spendByDate, [input.date]: (p.spendByDate[input.date] ?? 0) + amountFen },
      version: p.version + 1,
      updatedAt: at,
    },
  };
}
