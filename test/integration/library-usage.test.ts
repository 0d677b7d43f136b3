// Integration tier: the library's usage counters against the real local DynamoDB, at the size limit of a
// transaction. A goal set of MAX_GOAL_INDICATORS indicators, each of a different template, is approved (one
// counter update per template in the approval's transaction) and its self-evaluation reviewed (the same in the
// review's): both fit in DynamoDB's 100 items. A goal set past the cap by the few that make 101 items is what the
// cap keeps out: the local table refuses that approval whole, and nothing of it is written.
import { describe, expect, it } from 'vitest';
import { approvalUsageActions } from '../../shared/app/indicator-templates.js';
import { changeProject } from '../../shared/app/project-change.js';
import { reviewSelfEvaluation, submitSelfEvaluation } from '../../shared/app/self-evaluation.js';
import type { Actor } from '../../shared/domain/actor.js';
import { type Indicator, MAX_GOAL_INDICATORS } from '../../shared/domain/indicators.js';
import { builtinTemplates, type Template } from '../../shared/domain/library-usage.js';
import { type Project, reviewGoals } from '../../shared/domain/project.js';
import type { Db } from '../../shared/store/db.js';
import { createTemplateActions, usageCounters } from '../../shared/store/indicator-templates.js';
import { projects } from '../../shared/store/projects.js';
import { executingProject } from '../support/projects.js';
import { useFreshDb } from './local-db.js';

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

const finance: Actor = { sub: 'f-1', role: 'finance' };
const dept: Actor = { sub: 'u-edu', role: 'department', departmentId: 'D-EDU' };
const JAN = new Date('2026-01-15T02:00:00.000Z');

/** Enough promoted templates of 2025 that the library holds `n` names in all. */
async function libraryOf(n: number): Promise<string[]> {
  const extra = Math.max(0, n - builtinTemplates.length);
  for (let k = 0; k < extra; k++) {
    const t: Template = {
      id: `TPL-EDGE${String(k).padStart(3, '0')}`,
      fromYear: 2025,
      version: 1,
      source: 'promoted',
      category: 'education',
      indicator: {
        level1: 'output',
        level2: 'quantity',
        name: `边界指标${k}`,
        operator: '>=',
        target: 1,
        unit: '个',
        weight: 1,
      },
      createdAt: '2025-01-01T00:00:00.000Z',
      createdBy: 'f-1',
    };
    await db.write(createTemplateActions(t, { actor: finance, now: JAN }));
  }
  return [
    ...builtinTemplates.map((t) => t.indicator.name),
    ...Array.from({ length: extra }, (_, k) => `边界指标${k}`),
  ].slice(0, n);
}

/** 50 output, 30 benefit and 10 satisfaction indicators of weight 1 (the default points), named after templates. */
const goalSet = (names: string[]): Indicator[] =>
  names.map((name, k) => ({
    ...(k < 50
      ? { level1: 'output' as const, level2: 'quantity' as const }
      : k < 80
        ? { level1: 'benefit' as const, level2: 'social' as const }
        : { level1: 'satisfaction' as const, level2: 'satisfaction' as const }),
    name,
    operator: '>=' as const,
    target: 1,
    unit: '个',
    weight: 1,
  }));

async function underReview(id: string, indicators: Indicator[]): Promise<Project> {
  const p = executingProject({
    id,
    fiscalYear: 2025,
    status: 'under_review',
    budget: undefined,
    goals: { overallGoal: '边界', indicators, warnings: [], savedAt: JAN.toISOString(), configVersion: 1 },
  });
  await db.write(projects.createActions(p, { actor: dept, now: JAN }));
  return p;
}

const approve = (id: string) =>
  changeProject(
    { db },
    { actor: finance, now: JAN },
    id,
    'reviewGoals',
    'goal-review',
    (p, d) => reviewGoals(p, { grade: 'excellent' }, d),
    (before, after) => approvalUsageActions(db, before, after),
  );

describe('a goal set at the cap', () => {
  it(`of ${MAX_GOAL_INDICATORS} templates is approved and reviewed, each transaction within 100 items`, async () => {
    const names = await libraryOf(MAX_GOAL_INDICATORS);
    expect(new Set(names).size).toBe(MAX_GOAL_INDICATORS);
    const p = await underReview('P2025-EDGE', goalSet(names));
    const approved = await approve(p.id);
    expect(approved.status).toBe('in_library');
    const counted = (await usageCounters(db)).filter((c) => c.fiscalYear === 2025);
    expect(counted).toHaveLength(MAX_GOAL_INDICATORS);
    expect(counted.every((c) => c.projects === 1 && c.reviewed === 0)).toBe(true);

    // budgeted and spent, then evaluated after the year and reviewed: one counter update per template again
    const executing: Project = {
      ...approved,
      status: 'executing',
      budget: executingProject().budget,
      spentFen: 100_000_000,
      spendByDate: { '2025-06-30': 100_000_000 },
      version: approved.version + 1,
    };
    await db.write(
      projects.updateActions(approved, executing, { actor: finance, now: JAN }, 'approve-budget'),
    );
    await submitSelfEvaluation({ db }, { actor: dept, now: JAN }, p.id, {
      summary: '完成',
      indicators: names.map((name) => ({ name, actual: 1 })),
    });
    await reviewSelfEvaluation({ db }, { actor: finance, now: new Date('2026-02-01T02:00:00Z') }, p.id, {
      adjustments: [],
    });
    const reviewed = (await usageCounters(db)).filter((c) => c.fiscalYear === 2025);
    expect(reviewed.every((c) => c.reviewed === 1 && c.lightGreen === 1 && c.yearEndLights === 1)).toBe(true);
  });

  it('past it, by the items that make 101, would be refused whole by the table (what the cap keeps out)', async () => {
    // approval = the project + its audit record + one counter per template: 99 templates make 101 items
    const names = await libraryOf(99);
    const p = await underReview('P2025-OVER', goalSet(names));
    const refused = await approve(p.id).then(
      () => undefined,
      (e: Error) => e,
    );
    // DynamoDB's own ValidationException (a 5xx to the client, had the cap let the goal set in)
    expect(refused?.message).toMatch(/transactItems.*less than or equal to 100/);
    expect(await usageCounters(db)).toEqual([]);
    expect((await projects.get(db, p.id))!.status).toBe('under_review');
  });
});
