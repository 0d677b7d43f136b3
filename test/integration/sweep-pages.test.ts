// The sweep page by page, against the real local DynamoDB: a department of several pages (the next page read
// while one is written, snapshot batches carried from page to page), only changed snapshots written (their
// stored digest), the projects read only as far as the rules need, and a decision that changes nothing of a
// project but its monitoring fields.
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { runSweepHere } from '../../shared/app/sweep.js';
import type { Actor } from '../../shared/domain/actor.js';
import type { Project } from '../../shared/domain/project.js';
import type { Db } from '../../shared/store/db.js';
import { keys } from '../../shared/store/keys.js';
import { executingSweepInputs, getSnapshot, snapshotDigests } from '../../shared/store/monitoring.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import { testDepartment } from '../support/departments.js';
import { yuan } from '../support/money.js';
import { educationGoals, executingProject, spentOn } from '../support/projects.js';
import { useFreshDb } from './local-db.js';

const finance: Actor = { sub: 'user-finance', role: 'finance' };
const NOW = new Date('2026-07-01T02:00:00.000Z');
const _AT = '2026-01-02T02:00:00.000Z';

/** Project n of a department: every third one red at the end of June (100,000 of 1,000,000 spent), else green. */
const project = (departmentId: string, n: number): Project =>
  executingProject({
    id: `P2026-${departmentId.slice(2)}${String(n).padStart(5, '0')}`,
    departmentId,
    name: `项目 ${n}`,
    description: '新建教学楼及配套设施，增加义务教育学位。',
    goals: educationGoals(),
    ...spentOn(n % 3 === 0 ? 100_000 : 500_000),
  });

async function seed(db: Db, departmentId: string, count: number): Promise<Project[]> {
  await db.batchPut([departments.toItem(testDepartment(departmentId))]);
  const list = Array.from({ length: count }, (_, n) => project(departmentId, n));
  await db.batchPut(
    list.map((p) => projects.toItem(p)),
    { concurrency: 4 },
  );
  return list;
}

const sweepAt = (db: Db, asOf: string) =>
  runSweepHere({ db }, { asOf, trigger: 'request', actor: finance, now: NOW });

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

describe('a department of several pages', () => {
  it('is swept whole: every project scanned, every snapshot written, a notice per red project', async () => {
    await seed(db, 'D-PG', 230);

    const summary = await sweepAt(db, '2026-06-30');

    expect(summary).toMatchObject({
      projectsScanned: 230,
      lights: { none: 0, red: 77, yellow: 0, green: 153 },
      rectificationsIssued: 77,
      snapshotsWritten: 230,
      complete: true,
    });
    expect((await getSnapshot(db, 'P2026-PG00229'))?.sweepId).toBe(summary.sweepId);
    expect((await getSnapshot(db, 'P2026-PG00000'))?.executionLight).toBe('red');
  });

  it('a second sweep of the same day writes no snapshot; after one project moved, only its snapshot', async () => {
    const list = await seed(db, 'D-PG', 230);
    const first = await sweepAt(db, '2026-06-30');
    expect((await sweepAt(db, '2026-06-30')).snapshotsWritten).toBe(0);
    const moved = (await projects.get(db, list[101]!.id))!;
    await db.write([
      projects.replaceAction(moved, { ...moved, ...spentOn(600_000), version: moved.version + 1 }),
    ]);

    const third = await sweepAt(db, '2026-06-30');

    expect(third).toMatchObject({ projectsScanned: 230, snapshotsWritten: 1, rectificationsIssued: 0 });
    expect(await getSnapshot(db, list[101]!.id)).toMatchObject({
      sweepId: third.sweepId,
      spentAmount: 600_000,
    });
    expect((await getSnapshot(db, list[100]!.id))?.sweepId).toBe(first.sweepId);
  });
});

describe('what the sweep reads and writes', () => {
  it('reads a project only as far as the rules need (no description, reviews or goal texts)', async () => {
    await seed(db, 'D-RD', 3);

    const page = await executingSweepInputs(db, 'D-RD', 2026, { limit: 10 });

    expect(page.items).toHaveLength(3);
    const item = page.items[0] as Record<string, unknown>;
    expect(item).not.toHaveProperty('description');
    expect(item).not.toHaveProperty('goalReviews');
    expect(item).not.toHaveProperty('requestedFen');
    expect(item.goals).toEqual({ indicators: educationGoals().indicators });
    expect(item.budget).toEqual({ approvedFen: yuan(1_000_000), approvedAt: '2026-01-05T02:00:00.000Z' });
  });

  it('stores each snapshot’s digest, and reads only the digests back', async () => {
    await seed(db, 'D-DG', 2);
    await sweepAt(db, '2026-06-30');
    const stored = await db.get(keys.projectSnapshot('P2026-DG00001'), z.looseObject({ digest: z.string() }));

    const digests = await snapshotDigests(db, ['P2026-DG00000', 'P2026-DG00001', 'P2026-NONE0000']);

    expect(stored?.digest).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(digests.get('P2026-DG00001')).toBe(stored?.digest);
    expect(digests.has('P2026-DG00000')).toBe(true);
    expect(digests.has('P2026-NONE0000')).toBe(false);
  });

  it('a decision changes only the project’s monitoring fields, one version up', async () => {
    const [red] = await seed(db, 'D-DC', 1);

    await sweepAt(db, '2026-06-30');

    const after = await projects.get(db, red!.id);
    const { rectifications, version, updatedAt, ...rest } = after!;
    const { rectifications: _r, version: v0, updatedAt: _u, ...before } = red!;
    expect(rest).toEqual(before);
    expect(version).toBe(v0 + 1);
    expect(updatedAt).toBe(NOW.toISOString());
    expect(Object.keys(rectifications)).toEqual([`R-${red!.id}-execution-2026-06-30`]);
  });
});
