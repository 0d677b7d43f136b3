// Test support: project records built directly, in the state a test starts from, without walking the
// request → review → budget flow. Each test file passes what its tests rely on as overrides.
import { indicatorLibrary } from '../../shared/domain/indicator-library.js';
import type { Project } from '../../shared/domain/project.js';
import { yuan } from './money.js';

/** When the projects were created, their goals saved and their budget approved: 2026-01-05 10:00 in Shanghai. */
const AT = '2026-01-05T02:00:00.000Z';

/** Goals with the education indicators of the library (a copy of its own each call). */
export const educationGoals = (overallGoal = '新增学位1200个'): NonNullable<Project['goals']> => ({
  overallGoal,
  indicators: structuredClone(indicatorLibrary.education.indicators),
  warnings: [],
  savedAt: AT,
  configVersion: 1,
});

/** A budget of 1,000,000.00 approved on 2026-01-05, with no adjustment since. */
export const approvedBudget = (over: Partial<NonNullable<Project['budget']>> = {}) => ({
  initialFen: yuan(1_000_000),
  approvedFen: yuan(1_000_000),
  approvedAt: AT,
  approvedBy: 'f',
  configVersion: 1,
  ...over,
});

/** `amount` yuan spent, all of it dated `on`: the two fields a project keeps of its spend. */
export const spentOn = (amount: number, on = '2026-03-15'): Pick<Project, 'spentFen' | 'spendByDate'> => ({
  spentFen: yuan(amount),
  spendByDate: { [on]: yuan(amount) },
});

/**
 * An executing project of D-EDU for 2026: 1,000,000.00 requested and approved (`approvedBudget()`), no goals,
 * nothing spent, no reports, notices or clawbacks, version 7. `over` replaces whole fields.
 */
export function executingProject(over: Partial<Project> = {}): Project {
  return {
    id: 'P2026-TEST0001',
    departmentId: 'D-EDU',
    fiscalYear: 2026,
    name: '义务教育学校改扩建',
    kind: 'project',
    isNew: false,
    requestedFen: yuan(1_000_000),
    status: 'executing',
    exAnteRequired: false,
    configVersion: 1,
    goalReviews: [],
    budget: approvedBudget(),
    spentFen: 0,
    spendByDate: {},
    reports: [],
    rectifications: {},
    clawbackCauses: [],
    version: 7,
    createdAt: AT,
    updatedAt: AT,
    ...over,
  };
}
