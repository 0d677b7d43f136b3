// Read-modify-writes that lose a race (shared/app/retry.ts) against the real local table: the clawback
// decision while an expenditure moves the project, and a decision taken twice, which is a real 409 and is not
// retried. The race is made deterministic: the Db is wrapped so that the competing change lands just before
// the use case's first write.
import { describe, expect, it } from 'vitest';
import { decideClawback } from '../../shared/app/monitoring-changes.js';
import { runSweepHere } from '../../shared/app/sweep.js';
import type { Actor } from '../../shared/domain/actor.js';
import { ConcurrentChange, Conflict } from '../../shared/domain/errors.js';
import type { Db } from '../../shared/store/db.js';
import { recordExpenditure } from '../../shared/store/expenditures.js';
import { clawbacksWithStatus } from '../../shared/store/monitoring.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import { errorOf } from '../support/errors.js';
import { yuan } from '../support/money.js';
import { educationGoals, executingProject, spentOn } from '../support/projects.js';
import { useFreshDb } from './local-db.js';

const finance: Actor = { sub: 'user-finance', role: 'finance' };
const NOW = new Date('2026-11-28T02:00:00.000Z');
const change = { actor: finance, now: NOW, requestId: 'req-retry' };

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

/** A project red at the August checkpoint, and the clawback the sweep recommends for it. */
async function recommended(projectId: string) {
  const at = '2026-01-02T02:00:00.000Z';
  await db.write(
    departments.createActions(
      {
        id: 'D-R',
        name: 'D-R',
        contactEmails: [],
        locale: 'zh-CN',
        version: 1,
        createdAt: at,
        updatedAt: at,
      },
      change,
    ),
  );
  const p = executingProject({
    id: projectId,
    departmentId: 'D-R',
    goals: educationGoals(),
    ...spentOn(100_000),
  });
  await db.write(projects.createActions(p, change));
  await runSweepHere({ db }, { asOf: '2026-08-31', trigger: 'request', actor: finance, now: NOW });
  const [clawback] = await clawbacksWithStatus(db, 'D-R', 'recommended');
  if (!clawback) throw new Error('the sweep recommended no clawback');
  return clawback;
}

/** The Db, with `before` run once just before the first transaction; counts the transactions. */
function racing(target: Db, before: () => Promise<unknown>) {
  let fired = false;
  const writes: string[] = [];
  const proxy = new Proxy(target, {
    get(t, prop, receiver) {
      if (prop === 'write') {
        return async (...args: Parameters<Db['write']>) => {
          if (!fired) {
            fired = true;
            await before();
          }
          try {
            await t.write(...args);
            writes.push('ok');
          } catch (err) {
            writes.push(err instanceof ConcurrentChange ? 'concurrent' : 'conflict');
            throw err;
          }
        };
      }
      const value = Reflect.get(t, prop, t);
      return typeof value === 'function' ? value.bind(receiver) : value;
    },
  });
  return { db: proxy, writes };
}

describe('the clawback decision, retried on a fresh read', () => {
  it('lands after an expenditure moved the project between its read and its write, and keeps the expenditure', async () => {
    const clawback = await recommended('P2026-RTY00001');
    const spend = () =>
      recordExpenditure(db, change, 'P2026-RTY00001', {
        voucherNo: 'V-RTY-1',
        date: '2026-09-01',
        amount: 5_000,
      });
    const race = racing(db, spend);

    const decided = await decideClawback({ db: race.db }, change, clawback.id, {
      decision: 'accept',
      reason: '执行进度严重滞后',
    });

    expect(race.writes).toEqual(['concurrent', 'ok']);
    expect(decided.status).toBe('accepted');
    const project = await projects.get(db, 'P2026-RTY00001');
    expect(project?.spentFen).toBe(yuan(105_000)); // the expenditure that won the race is still there
    expect(project?.budget?.approvedFen).toBe(yuan(1_000_000) - clawback.recommendedFen);
  });

  it('a decision taken twice is a real 409 at once: read fresh, refused by the rule, never retried', async () => {
    const clawback = await recommended('P2026-RTY00002');
    await decideClawback({ db }, change, clawback.id, { decision: 'reject', reason: '已说明原因' });
    const race = racing(db, async () => undefined);

    const err = await errorOf(
      decideClawback({ db: race.db }, change, clawback.id, { decision: 'reject', reason: '再次' }),
    );

    expect(err).toBeInstanceOf(Conflict);
    expect(err).not.toBeInstanceOf(ConcurrentChange);
    expect((err as Conflict).detail).toBe('The recommendation is rejected already');
    expect(race.writes).toEqual([]); // refused before any write
  });
});

/** The Db, recording the name of each of its operations the caller uses (not their inner calls). */
function counting(target: Db) {
  const calls: string[] = [];
  const proxy = new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return value.apply(t, args);
      };
    },
  });
  return { db: proxy, calls };
}

describe("a voucher's round trips", () => {
  const voucher = { voucherNo: 'V-RT-1', date: '2026-09-01', amount: 5_000 };

  it('a new voucher on a loaded project is one transaction: no voucher read, no project read after', async () => {
    await db.write(
      projects.createActions(executingProject({ id: 'P2026-RT000001', ...spentOn(100_000) }), change),
    );
    const loaded = (await projects.get(db, 'P2026-RT000001'))!;
    const counted = counting(db);

    const out = await recordExpenditure(counted.db, change, 'P2026-RT000001', voucher, loaded);

    expect(counted.calls).toEqual(['tryWrite']);
    expect(out.outcome).toBe('created');
    expect(out.project.spentFen).toBe(yuan(105_000));
    expect((await projects.get(db, 'P2026-RT000001'))?.spentFen).toBe(yuan(105_000));
  });

  it('the same voucher again is read only because its creation condition failed, and is "known"', async () => {
    await db.write(
      projects.createActions(executingProject({ id: 'P2026-RT000002', ...spentOn(100_000) }), change),
    );
    await recordExpenditure(db, change, 'P2026-RT000002', voucher);
    const loaded = (await projects.get(db, 'P2026-RT000002'))!;
    const counted = counting(db);

    const out = await recordExpenditure(counted.db, change, 'P2026-RT000002', voucher, loaded);

    expect(out.outcome).toBe('known');
    expect(counted.calls[0]).toBe('tryWrite');
    expect(counted.calls).toContain('get');
    expect((await projects.get(db, 'P2026-RT000002'))?.spentFen).toBe(yuan(105_000));
  });
});
