import { assertOwnDepartment } from '../domain/actor.js';
import { Conflict, NotFound } from '../domain/errors.js';
import {
  applyExpenditure,
  type Expenditure,
  type ExpenditureInput,
  expenditureRecord,
  sameExpenditure,
} from '../domain/expenditure.js';
import type { Project } from '../domain/project.js';
import { auditAction } from './audit.js';
import type { Db, Page } from './db.js';
import type { ChangeContext } from './entity-store.js';
import { keys } from './keys.js';
import { projects } from './projects.js';

export type RecordOutcome = { outcome: 'created' | 'known'; expenditure: Expenditure; project: Project };

const ATTEMPTS = 4;

/**
 * Records one expenditure: the expenditure, the project's new spend and the audit record in one
 * transaction. A known voucher with the same facts is a retry (nothing new); with other facts a 409. A
 * concurrent change of the project (another expenditure) is retried on the fresh project.
 */
export async function recordExpenditure(
  db: Db,
  ctx: ChangeContext,
  projectId: string,
  input: ExpenditureInput,
  loaded?: Project,
): Promise<RecordOutcome> {
  for (let attempt = 1; ; attempt++) {
    const project = attempt === 1 && loaded ? loaded : await projects.get(db, projectId);
    if (!project) throw new NotFound(`Project ${projectId}`);
    assertOwnDepartment(ctx.actor, project.departmentId, `Project ${projectId}`);
    const known = await db.get(keys.expenditure(projectId, input.voucherNo), expenditureRecord);
    if (known) {
      if (sameExpenditure(known, input)) return { outcome: 'known', expenditure: known, project };
      throw new Conflict(
        `Voucher ${input.voucherNo} is already recorded for this project with other facts (${known.date}, ${known.amountFen / 100})`,
      );
    }
    const { expenditure, project: after } = applyExpenditure(project, input, {
      by: ctx.actor.sub,
      now: ctx.now,
    });
    try {
      await db.write([
        {
          kind: 'create',
          item: { ...keys.expenditure(projectId, input.voucherNo), type: 'expenditure', ...expenditure },
          conflict: `Voucher ${input.voucherNo} was recorded meanwhile`,
        },
        projects.replaceAction(project, after),
        auditAction({
          actor: ctx.actor,
          at: ctx.now.toISOString(),
          requestId: ctx.requestId,
          entityType: 'project',
          entityId: projectId,
          action: 'record-expenditure',
          before: { spentFen: project.spentFen },
          after: {
            voucherNo: expenditure.voucherNo,
            date: expenditure.date,
            amountFen: expenditure.amountFen,
            spentFen: after.spentFen,
          },
        }),
      ]);
      return { outcome: 'created', expenditure, project: after };
    } catch (err) {
      if (!(err instanceof Conflict) || attempt >= ATTEMPTS) throw err;
      // the project moved (or the voucher appeared): read again and decide again
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
