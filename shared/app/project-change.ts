import { Conflict } from '../domain/errors.js';
import type { Decision, Project } from '../domain/project.js';
import { nextStatus, type ProjectEvent } from '../domain/project-status.js';
import { currentConfig } from '../store/config.js';
import type { Db, WriteAction } from '../store/db.js';
import { checkIfMatch } from '../store/entity-store.js';
import { getOwnProject, projects } from '../store/projects.js';
import type { Change } from './monitoring-changes.js';
import { retryOnConcurrentChange } from './retry.js';

/**
 * One audited change of a project through its life (domain.md §1–§2: goals, submission, the ex-ante
 * assessment, the goal review, the budget), in the contract's order: 404 (missing or another department's),
 * 409 (the status does not allow it, or another state conflict `apply` finds, e.g. submitting without
 * goals), 412 (If-Match), then the rule (422) inside `apply`. A project moved meanwhile (an expenditure, a
 * sweep) is read again and decided again (shared/app/retry.ts).
 */
export async function changeProject(
  deps: { db: Db },
  change: Change,
  projectId: string,
  event: ProjectEvent,
  action: string,
  apply: (p: Project, d: Decision) => Project,
  /** More writes of the same transaction, from the decision (the library's usage counters of an approval). */
  also?: (before: Project, after: Project) => Promise<WriteAction[]>,
): Promise<Project> {
  return retryOnConcurrentChange(
    async () => {
      const before = await getOwnProject(deps.db, change.actor, projectId);
      nextStatus(event, before.status);
      const config = await currentConfig(deps.db, before.fiscalYear);
      let after: Project | undefined;
      let refusal: unknown;
      try {
        after = apply(before, { by: change.actor.sub, now: change.now, config });
      } catch (err) {
        if (err instanceof Conflict) throw err; // 409 wins over 412
        refusal = err;
      }
      checkIfMatch(before, change.ifMatch, `Project ${before.id}`);
      if (refusal !== undefined || after === undefined) throw refusal;
      const more = also ? await also(before, after) : [];
      await deps.db.write([...projects.updateActions(before, after, change, action), ...more]);
      return after;
    },
    { what: `Project ${projectId}` },
  );
}
