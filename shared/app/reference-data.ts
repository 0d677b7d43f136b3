import type * as z from 'zod';
import { NotFound, RuleViolation } from '../domain/errors.js';
import type { Agency, agencyUpdate, Department, departmentUpdate } from '../domain/reference.js';
import type { Db } from '../store/db.js';
import { checkIfMatch } from '../store/entity-store.js';
import { agencies, departments } from '../store/reference.js';
import type { Change } from './monitoring-changes.js';
import { retryOnConcurrentChange } from './retry.js';

/**
 * Changes of the reference data (departments, agencies): read, check If-Match (412), merge, write with the
 * audit record; a change that crossed another one is read again (then If-Match, if given, answers 412).
 */
export async function assertDepartmentsExist(db: Db, ids: string[], field: string): Promise<void> {
  const found = await Promise.all(ids.map((id) => departments.get(db, id)));
  const errors = ids.flatMap((id, i) =>
    found[i] ? [] : [{ path: `${field}[${i}]`, message: `no department ${id}` }],
  );
  if (errors.length) throw new RuleViolation('Some named departments do not exist', errors);
}

export async function updateDepartment(
  deps: { db: Db },
  change: Change,
  id: string,
  body: z.infer<typeof departmentUpdate>,
): Promise<Department> {
  return retryOnConcurrentChange(
    async () => {
      const before = await departments.get(deps.db, id);
      if (!before) throw new NotFound(`Department ${id}`);
      checkIfMatch(before, change.ifMatch, `Department ${id}`);
      const after = { ...before, ...body, version: before.version + 1, updatedAt: change.now.toISOString() };
      await deps.db.write(departments.updateActions(before, after, change));
      return after;
    },
    { what: `Department ${id}` },
  );
}

export async function updateAgency(
  deps: { db: Db },
  change: Change,
  id: string,
  body: z.infer<typeof agencyUpdate>,
): Promise<Agency> {
  return retryOnConcurrentChange(
    async () => {
      const before = await agencies.get(deps.db, id);
      if (!before) throw new NotFound(`Agency ${id}`);
      checkIfMatch(before, change.ifMatch, `Agency ${id}`);
      await assertDepartmentsExist(deps.db, body.conflictDepartmentIds, 'conflictDepartmentIds');
      const after = { ...before, ...body, version: before.version + 1, updatedAt: change.now.toISOString() };
      await deps.db.write(agencies.updateActions(before, after, change));
      return after;
    },
    { what: `Agency ${id}` },
  );
}
