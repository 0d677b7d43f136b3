import { assertOwnDepartment } from '../domain/actor.js';
import { Conflict, NotFound } from '../domain/errors.js';
import {
  applyExpenditure,
  type Expenditure,
  type ExpenditureInput,
  expenditureRecord,
  sameExpenditure,
} from '../domain/expenditure.js';
import { fenToYuan } from '../domain/money.js';
import type { Project } from '../domain/project.js';
import { auditAction } from './audit.js';
import type { Db, Page, WriteAction } from './db.js';
import type { ChangeContext } from './entity-store.js';
import { keys } from './keys.js';
import { projects } from './projects.js';

/**
 * `project`: for a created voucher, the project as it was read plus this voucher (not read again: vouchers
 * recorded at the same moment may be missing from its spend); for a known one, the project as read after.
 */
export type RecordOutcome = { outcome: 'created' | 'known'; expenditure: Expenditure; project: Project };

/**
 * Times the project is read again when the budget itself moved between the read and the write (a clawback
 * accepted at that moment). Concurrent spend never needs a new attempt: it is added, not rewritten.
 */
const ATTEMPTS = 5;

/**
 * The project's spend moved by `additions`, as one atomic update: `spentFen` and each date of
 * `spendByDate` are added to (not rewritten), the version moves by one, and the condition keeps the rules
 * that decided the spend true at the moment of writing — still `executing`, no self-evaluation in, the
 * budget the decision was based on, and the new total within it. Many writers can add at once; only a
 * real refusal (over budget, another state, another budget) fails the condition.
 */
export function spendAction(
  project: Project,
  additions: { date: string; amountFen: number }[],
  at: string,
): WriteAction {
  const byDate = new Map<string, number>();
  for (const a of additions) byDate.set(a.date, (byDate.get(a.date) ?? 0) + a.amountFen);
  const total = [...byDate.values()].reduce((s, n) => s + n, 0);
  const approvedFen = project.budget?.approvedFen ?? 0;
  const names: Record<string, string> = { '#status': 'status', '#budget': 'budget' };
  const values: Record<string, unknown> = {
    ':total': total,
    ':one': 1,
    ':zero': 0,
    ':at': at,
    ':executing': 'executing',
    ':true': true,
    ':approved': approvedFen,
    ':maxBefore': approvedFen - total,
  };
  const dates = [...byDate].map(([date, fen], i) => {
    names[`#d${i}`] = date;
    values[`:d${i}`] = fen;
    return `spendByDate.#d${i} = if_not_exists(spendByDate.#d${i}, :zero) + :d${i}`;
  });
  return {
    kind: 'updateExpression',
    key: keys.project(project.id),
    update: `SET ${[...dates, 'updatedAt = :at'].join(', ')} ADD spentFen :total, version :one`,
    condition:
      '#status = :executing AND #budget.approvedFen = :approved AND attribute_exists(spendByDate)' +
      ' AND (attribute_not_exists(spentFen) OR spentFen <= :maxBefore)' +
      ' AND (attribute_not_exists(selfEvaluationSubmitted) OR selfEvaluationSubmitted <> :true)',
    names,
    values,
    conflict: `The spend of project ${project.id} moved meanwhile; reload it and try again`,
  };
}

/**
 * Records one expenditure: the voucher (created only if its number is new for the project), the project's
 * spend added atomically (spendAction) and the audit record, in one transaction. Concurrent vouchers of one
 * project all go through as long as the budget holds. The voucher is read only when it is needed: when its
 * creation condition failed (the same facts → a retry, "known"; other facts → 409), or when the project's
 * state refuses the spend (a retry of a voucher already recorded is still "known", not a 409/422). A voucher
 * that goes through costs two round trips (the project, the transaction): the reply's running total is the
 * project as read plus this voucher, not read again.
 */
export async function recordExpenditure(
  db: Db,
  ctx: ChangeContext,
  projectId: string,
  input: ExpenditureInput,
  loaded?: Project,
): Promise<RecordOutcome> {
  const known = async () => {
    const found = await db.get(keys.expenditure(projectId, input.voucherNo), expenditureRecord);
    if (!found) return undefined;
    if (sameExpenditure(found, input)) return found;
    throw new Conflict(
      `Voucher ${input.voucherNo} is already recorded for this project with other facts (${found.date}, ${fenToYuan(found.amountFen)})`,
      undefined,
      'duplicate',
    );
  };
  const current = async () => {
    const project = await projects.get(db, projectId);
    if (!project) throw new NotFound(`Project ${projectId}`);
    return project;
  };
  for (let attempt = 1; ; attempt++) {
    const project = attempt === 1 && loaded ? loaded : await current();
    assertOwnDepartment(ctx.actor, project.departmentId, `Project ${projectId}`);
    let expenditure: Expenditure;
    let after: Project;
    try {
      ({ expenditure, project: after } = applyExpenditure(project, input, {
        by: ctx.actor.sub,
        now: ctx.now,
      }));
    } catch (err) {
      // A retry of a recorded voucher is answered as such, whatever the project's state is now.
      const retry = await known();
      if (retry) return { outcome: 'known', expenditure: retry, project };
      throw err;
    }
    const at = ctx.now.toISOString();
    const out = await db.tryWrite([
      {
        kind: 'create',
        item: { ...keys.expenditure(projectId, input.voucherNo), type: 'expenditure', ...expenditure },
        conflict: `Voucher ${input.voucherNo} is already recorded for this project`,
      },
      spendAction(project, [expenditure], at),
      auditAction({
        actor: ctx.actor,
        at,
        requestId: ctx.requestId,
        entityType: 'project',
        entityId: projectId,
        action: 'record-expenditure',
        // The spend is added atomically: the audit names what was added (the total is the sum of the trail).
        before: null,
        after: {
          voucherNo: expenditure.voucherNo,
          date: expenditure.date,
          amountFen: expenditure.amountFen,
          addedFen: expenditure.amountFen,
        },
      }),
    ]);
    if (out.ok) return { outcome: 'created', expenditure, project: after };
    if (out.failed.includes(0)) {
      const retry = await known();
      if (retry) return { outcome: 'known', expenditure: retry, project: await current() };
      // recorded and removed meanwhile: decide again
    }
    // The project refused the spend: its state, its budget or the room left changed since it was read.
    // Reading it again makes applyExpenditure give the right 409/422 — or, if only the budget moved and
    // the spend still fits, the next attempt goes through.
    if (attempt >= ATTEMPTS) {
      throw new Conflict(
        `Project ${projectId} changed ${ATTEMPTS} times while this expenditure was recorded; try again`,
        undefined,
        'concurrent-change',
      );
    }
  }
}

export async function listExpenditures(
  db: Db,
  projectId: string,
  page: { limit?: number; nextToken?: string },
): Promise<Page<Expenditure>> {
  return db.query(
    { pk: keys.project(projectId).pk, skBeginsWith: keys.expendituresPrefix, ...page },
    expenditureRecord,
  );
}
