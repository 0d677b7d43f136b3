import { randomBytes } from 'node:crypto';
import { type Actor, assertOwnDepartment } from '../domain/actor.js';
import { NotFound } from '../domain/errors.js';
import { type Project, projectRecord } from '../domain/project.js';
import type { ProjectStatus } from '../domain/project-status.js';
import type { Db, Page } from './db.js';
import { entityStore } from './entity-store.js';
import { keys } from './keys.js';

export const projects = entityStore({
  type: 'project',
  label: 'Project',
  schema: projectRecord,
  key: keys.project,
  indexKeys: keys.projectIndexes,
});

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `P2026-7K3M9QXA`: the fiscal year, then 8 random Crockford base-32 characters. */
export function newProjectId(fiscalYear: number): string {
  const bytes = randomBytes(8);
  return `P${fiscalYear}-${[...bytes].map((b) => ALPHABET[b % 32]).join('')}`;
}

export interface ProjectFilter {
  fiscalYear?: number;
  status?: ProjectStatus;
  departmentId?: string;
  limit?: number;
  nextToken?: string;
}

/**
 * Lists projects with one Query: a department's own (gsi1, by year and status), or the bureau's view of a
 * year (gsi2, by status and department). A status without a year, in a department's partition, is a
 * filter on that Query.
 */
export async function listProjects(db: Db, actor: Actor, f: ProjectFilter): Promise<Page<Project>> {
  const departmentId = actor.role === 'department' ? actor.departmentId! : f.departmentId;
  const page = { limit: f.limit, nextToken: f.nextToken };
  if (departmentId !== undefined && (f.fiscalYear === undefined || f.status === undefined)) {
    const prefix = f.fiscalYear === undefined ? '' : `${f.fiscalYear}#${f.status ?? ''}`;
    const out = await db.query(
      {
        index: 'gsi1',
        pk: keys.departmentProjects(departmentId),
        skBeginsWith: prefix || undefined,
        filter: f.fiscalYear === undefined && f.status ? { status: f.status } : undefined,
        ...page,
      },
      projectRecord,
    );
    return out;
  }
  const year = f.fiscalYear!;
  const prefix = f.status ? `${f.status}#${departmentId !== undefined ? `${departmentId}#` : ''}` : undefined;
  return db.query(
    { index: 'gsi2', pk: keys.yearProjects(year), skBeginsWith: prefix, ...page },
    projectRecord,
  );
}

/** The project, if the caller may see it: another department's is as missing as one that does not exist. */
export async function getOwnProject(db: Db, actor: Actor, id: string): Promise<Project> {
  const p = await projects.get(db, id);
  if (!p) throw new NotFound(`Project ${id}`);
  assertOwnDepartment(actor, p.departmentId, `Project ${id}`);
  return p;
}
