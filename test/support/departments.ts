// Test support: departments with executing projects, written straight to the table (no HTTP, no audit), for
// the sweep's integration tests.
import type { Department } from '../../shared/domain/reference.js';
import type { Db } from '../../shared/store/db.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import { educationGoals, executingProject, spentOn } from './projects.js';

const AT = '2026-01-02T02:00:00.000Z';

/** A department registered with the bureau, in Chinese. */
export const testDepartment = (id: string): Department => ({
  id,
  name: `Department ${id}`,
  contactEmails: [`${id.toLowerCase()}@example.cn`],
  locale: 'zh-CN',
  version: 1,
  createdAt: AT,
  updatedAt: AT,
});

/**
 * Each department of `layout` with that many executing education projects of 1,000,000 yuan, numbered from 0:
 * every other one red at the end of June (100,000 spent), the rest green (500,000).
 */
export async function seedDepartments(db: Db, layout: Record<string, number>): Promise<void> {
  for (const [id, count] of Object.entries(layout)) {
    await db.batchPut([
      departments.toItem(testDepartment(id)),
      ...Array.from({ length: count }, (_, n) =>
        projects.toItem(
          executingProject({
            id: `P2026-${id.slice(2)}${String(n).padStart(5, '0')}`,
            departmentId: id,
            name: `项目 ${n}`,
            goals: educationGoals(),
            ...spentOn(n % 2 === 0 ? 100_000 : 500_000),
          }),
        ),
      ),
    ]);
  }
}
