// Integration tier: the evaluation use cases against the real local DynamoDB — the sparse index of a year's
// reviewed self-evaluations, third-party grades (TPGRADE# items, written by the third-party evaluation work;
// put here by the test) winning the final grade, the spend guard, a bulletin published with fake storage and
// mailer, and its staleness after a third-party approval and a budget adjustment's change-log entry.
import { describe, expect, it } from 'vitest';
import { getBulletin, publishBulletin } from '../../shared/app/bulletin.js';
import { allResults, yearRanking } from '../../shared/app/results.js';
import { reviewSelfEvaluation, submitSelfEvaluation } from '../../shared/app/self-evaluation.js';
import type { Actor } from '../../shared/domain/actor.js';
import { Conflict } from '../../shared/domain/errors.js';
import type { Project } from '../../shared/domain/project.js';
import type { SelfEvaluationInput } from '../../shared/domain/self-evaluation.js';
import type { Mailer } from '../../shared/mail/ses.js';
import type { Db } from '../../shared/store/db.js';
import { recordExpenditure } from '../../shared/store/expenditures.js';
import { keys } from '../../shared/store/keys.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import {
  evaluationChangeAction,
  reviewedEvaluations,
  thirdPartyGrades,
} from '../../shared/store/self-evaluations.js';
import { educationGoals, executingProject } from '../support/projects.js';
import { useFreshDb } from './local-db.js';

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

const finance: Actor = { sub: 'f-1', role: 'finance' };
const dept = (id: string): Actor => ({ sub: `u-${id}`, role: 'department', departmentId: id });
const at = (iso: string) => ({ now: new Date(iso) });
const JAN = '2026-01-15T02:00:00.000Z';

async function seed(id: string, departmentId: string, spentFen = 100_000_000): Promise<Project> {
  const p = executingProject({
    id,
    departmentId,
    fiscalYear: 2025,
    goals: educationGoals(),
    goalReviews: [{ grade: 'excellent', reviewedAt: JAN, reviewedBy: 'f', configVersion: 1 }],
    spentFen,
    spendByDate: { '2025-06-30': spentFen },
  });
  await db.write(projects.createActions(p, { actor: finance, now: new Date(JAN) }));
  return p;
}

async function seedDepartment(id: string) {
  await db.write(
    departments.createActions(
      {
        id,
        name: `部门${id}`,
        contactEmails: [`${id.toLowerCase()}@example.gov.cn`],
        locale: 'zh-CN',
        version: 1,
        createdAt: JAN,
        updatedAt: JAN,
      },
      { actor: finance, now: new Date(JAN) },
    ),
  );
}

/** Every education indicator at its target, the qualitative one achieved with 15. */
const atTarget = (): SelfEvaluationInput => ({
  summary: '完成',
  indicators: educationGoals().indicators.map((i) =>
    i.operator === 'qualitative'
      ? { name: i.name, tier: 'achieved' as const, score: 15 }
      : { name: i.name, actual: i.target as number },
  ),
});

async function evaluated(id: string, departmentId: string, reviewed = true) {
  await seed(id, departmentId);
  await submitSelfEvaluation({ db }, { actor: dept(departmentId), ...at(JAN) }, id, atTarget());
  if (reviewed)
    await reviewSelfEvaluation({ db }, { actor: finance, ...at('2026-02-01T02:00:00Z') }, id, {
      adjustments: [],
    });
}

const tpGrade = (
  projectId: string,
  departmentId: string,
  grade: string,
  score: number,
  approvedAt: string,
) => ({
  ...keys.thirdPartyGrade(projectId, `E-${projectId}-${approvedAt}`),
  type: 'third-party-grade',
  projectId,
  evaluationId: `E-${projectId}-${approvedAt}`,
  agencyId: 'A-01',
  departmentId,
  fiscalYear: 2025,
  score,
  grade,
  approvedAt,
  configVersion: 1,
});

describe('the year’s reviewed self-evaluations', () => {
  it('are one Query on a sparse index: a submitted one is not in it until reviewed', async () => {
    await evaluated('P2025-A', 'D-A');
    await evaluated('P2025-B', 'D-B', false);

    expect((await reviewedEvaluations(db, 2025)).map((e) => e.projectId)).toEqual(['P2025-A']);
    expect(await reviewedEvaluations(db, 2025, 'D-B')).toEqual([]);
    expect(await reviewedEvaluations(db, 2024)).toEqual([]);
  });

  it('stop spend from being recorded once the self-evaluation is in (409)', async () => {
    await evaluated('P2025-A', 'D-A', false);
    await expect(
      recordExpenditure(db, { actor: dept('D-A'), now: new Date(JAN) }, 'P2025-A', {
        voucherNo: 'V-late',
        date: '2025-12-30',
        amount: 1,
      }),
    ).rejects.toBeInstanceOf(Conflict);
    expect((await projects.get(db, 'P2025-A'))?.selfEvaluationSubmitted).toBe(true);
  });
});

describe('third-party grades', () => {
  it('are read from the project’s TPGRADE# items, oldest approval first', async () => {
    await seed('P2025-A', 'D-A');
    await db.put(tpGrade('P2025-A', 'D-A', 'good', 85, '2026-03-02T00:00:00Z'));
    await db.put(tpGrade('P2025-A', 'D-A', 'fair', 70, '2026-03-01T00:00:00Z'));
    expect((await thirdPartyGrades(db, 'P2025-A')).map((g) => g.grade)).toEqual(['fair', 'good']);
  });

  it('win the final grade over the reviewed self-evaluation (the latest approval), and count in the inflation signal', async () => {
    await evaluated('P2025-A', 'D-A'); // reviewed 100, excellent
    await db.put(tpGrade('P2025-A', 'D-A', 'fair', 72, '2026-03-01T00:00:00Z'));
    const [r] = await allResults({ db }, 2025);
    expect(r).toMatchObject({ grade: 'fair', recommendation: 'cut', recommendedAmount: 900_000 });
    expect(r?.basis.evaluation).toMatchObject({ source: 'third-party', score: 72 });

    const ranking = await yearRanking({ db }, 2025);
    // the ranking stays on reviewed self-evaluations; the signal compares claims with the agency's score
    expect(ranking.items).toEqual([{ rank: 1, departmentId: 'D-A', averageScore: 100, projects: 1 }]);
    expect(ranking.inflation[0]).toMatchObject({ averageGap: 0, thirdPartyGap: 28, flagged: true });
  });

  it('a project with a third-party grade and no reviewed self-evaluation has a result all the same', async () => {
    await seed('P2025-T', 'D-T');
    await db.put(tpGrade('P2025-T', 'D-T', 'poor', 50, '2026-03-01T00:00:00Z'));
    expect(await allResults({ db }, 2025)).toEqual([
      expect.objectContaining({
        projectId: 'P2025-T',
        grade: 'poor',
        recommendation: 'cancel',
        recommendedAmount: 0,
      }),
    ]);
  });
});

describe('a bulletin', () => {
  const stored = new Map<string, Buffer | string>();
  const sent: { to: readonly string[] }[] = [];
  const deps = () => ({
    db,
    publisher: { put: async (k: string, b: Buffer | string) => void stored.set(k, b) },
    mailer: {
      send: async (m) => {
        sent.push(m);
        return `m-${sent.length}`;
      },
    } satisfies Mailer,
    from: 'performance@finance.example.gov.cn',
  });

  it('is stored, mailed once per department, and turns stale on a third-party approval or a budget adjustment', async () => {
    await seedDepartment('D-A');
    await seedDepartment('D-B');
    await evaluated('P2025-A', 'D-A');
    const out = await publishBulletin(deps(), { actor: finance, ...at('2026-03-01T02:00:00Z') }, 2025);

    expect(out.created).toBe(true);
    expect(out.bulletin.unranked.map((d) => d.departmentId)).toEqual(['D-B']);
    expect([...stored.keys()].sort()).toEqual([
      'bulletins/2025/1/bulletin-2025-1.html',
      'bulletins/2025/1/bulletin-2025-1.xlsx',
      'public-data/performance/2025/datapackage.json',
      'public-data/performance/2025/projects.csv',
      'public-data/performance/2025/projects.json',
    ]);
    expect(sent.map((m) => m.to)).toEqual([['d-a@example.gov.cn'], ['d-b@example.gov.cn']]);
    expect((await getBulletin(db, 2025)).stale).toBe(false);

    // A third-party report approved afterwards changes the final grade under the bulletin.
    await db.put(tpGrade('P2025-A', 'D-A', 'good', 88, '2026-03-05T00:00:00Z'));
    const afterTp = await getBulletin(db, 2025);
    expect(afterTp.stale).toBe(true);
    expect(afterTp.changes).toEqual([
      expect.objectContaining({
        kind: 'third-party-approval',
        projectId: 'P2025-A',
        detail: expect.stringContaining('excellent'),
      }),
    ]);

    // A budget adjustment's change-log entry (written in its transaction) is named as well.
    await db.write([
      evaluationChangeAction({
        fiscalYear: 2025,
        at: '2026-03-06T00:00:00.000Z',
        kind: 'budget-adjustment',
        projectId: 'P2025-A',
        departmentId: 'D-A',
        detail: '预算调整：1000000 → 900000 元',
      }),
    ]);
    expect((await getBulletin(db, 2025)).changes.map((c) => c.kind)).toEqual([
      'budget-adjustment',
      'third-party-approval',
    ]);

    // Publishing again makes the next publication, mailed afresh.
    const next = await publishBulletin(deps(), { actor: finance, ...at('2026-03-07T02:00:00Z') }, 2025);
    expect(next.bulletin.publication).toBe(2);
    expect(next.bulletin.commended).toEqual([]);
    expect(sent).toHaveLength(4);
    expect((await getBulletin(db, 2025)).stale).toBe(false);
  });

  it('with nothing reviewed → 409', async () => {
    await evaluated('P2025-A', 'D-A', false);
    await expect(
      publishBulletin(deps(), { actor: finance, ...at('2026-03-01T02:00:00Z') }, 2025),
    ).rejects.toBeInstanceOf(Conflict);
  });
});
