// Sweeps that do not complete, against the real local DynamoDB: a department whose work fails (a fault
// injected through the sweep's deps) is named in the summary with its failure, the HTTP path's run
// (runSweepHere) still answers, and the next run completes the department — nothing decided twice.
import { describe, expect, it } from 'vitest';
import {
  consumeDepartmentWork,
  type DepartmentWork,
  INTERRUPTED,
  LOST_AFTER_MS,
  planSweep,
  recordInterruptedWork,
  requestSweep,
  runSweepHere,
  type SweepFaults,
  scheduleSweep,
  unfinishedWork,
} from '../../shared/app/sweep.js';
import type { Actor } from '../../shared/domain/actor.js';
import { rectificationRecord } from '../../shared/domain/rectification.js';
import type { Db } from '../../shared/store/db.js';
import { getSweep, getSweepProgress } from '../../shared/store/monitoring.js';
import { inProcessQueue } from '../../shared/work-queue.js';
import { seedDepartments } from '../support/departments.js';
import { useFreshDb } from './local-db.js';

const finance: Actor = { sub: 'user-finance', role: 'finance' };
const NOW = new Date('2026-07-01T02:00:00.000Z');
const seed = seedDepartments;

/** A fault in one department's work, from page `page` on, as long as `on` says so. */
function failing(departmentId: string, page = 1) {
  const state = { on: true, hits: 0 };
  const faults: SweepFaults = {
    beforePage(d, n) {
      if (state.on && d === departmentId && n >= page) {
        state.hits++;
        throw new Error(`injected fault in ${d}`);
      }
    },
  };
  return { faults, state };
}

const sweep = (db: Db, faults?: SweepFaults, now = NOW) =>
  runSweepHere({ db, faults }, { asOf: '2026-06-30', trigger: 'request', actor: finance, now });

async function noticesOf(db: Db, departmentId: string) {
  return db.all({ index: 'gsi1', pk: `DEPT#${departmentId}#RECTS`, limit: 100 }, rectificationRecord);
}

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

describe('a department whose work fails', () => {
  it('is named in the summary with its failure, and the run still answers with the others counted', async () => {
    await seed(db, { 'D-OK': 3, 'D-XX': 2 });
    const { faults } = failing('D-XX');

    const summary = await sweep(db, faults);

    expect(summary).toMatchObject({
      departments: 2,
      departmentsDone: 1,
      complete: false,
      projectsScanned: 3,
      incompleteDepartments: ['D-XX'],
      failures: [{ departmentId: 'D-XX', message: 'Error: injected fault in D-XX', at: NOW.toISOString() }],
    });
  });

  it('is completed by the next run: the earlier summary completes, with its counts', async () => {
    await seed(db, { 'D-OK': 3, 'D-XX': 2 });
    const first = await sweep(db, failing('D-XX').faults);

    const second = await sweep(db);

    expect(await getSweep(db, first.sweepId)).toMatchObject({
      departmentsDone: 2,
      complete: true,
      projectsScanned: 5,
      rectificationsIssued: 3,
      incompleteDepartments: [],
      failures: [],
    });
    expect(second).toMatchObject({ complete: true, projectsScanned: 5, rectificationsIssued: 0 });
  });

  it('failing after its first page was written, is completed without a notice twice', async () => {
    await seed(db, { 'D-BIG': 150 });
    const { faults } = failing('D-BIG', 2);
    const first = await sweep(db, faults);
    expect(first).toMatchObject({ complete: false, incompleteDepartments: ['D-BIG'] });
    const early = await noticesOf(db, 'D-BIG');
    expect(early.length).toBeGreaterThan(0);

    await sweep(db);

    expect(await getSweep(db, first.sweepId)).toMatchObject({
      complete: true,
      projectsScanned: 150,
      rectificationsIssued: 75 - early.length,
    });
    const notices = await noticesOf(db, 'D-BIG');
    expect(notices).toHaveLength(75);
    expect(new Set(notices.map((n) => n.id)).size).toBe(75);
  });

  it('failing again on the next run stays incomplete, with the new failure', async () => {
    await seed(db, { 'D-XX': 1 });
    const { faults, state } = failing('D-XX');
    const first = await sweep(db, faults);

    await sweep(db, faults, new Date(NOW.getTime() + 60_000));

    expect(state.hits).toBe(3); // the first sweep, then on the second run: its own and the first's again
    expect(await getSweep(db, first.sweepId)).toMatchObject({
      complete: false,
      failures: [{ departmentId: 'D-XX', at: new Date(NOW.getTime() + 60_000).toISOString() }],
    });
  });
});

describe('the queue path (the scheduled coordinator and the SQS worker)', () => {
  it('a failing worker records the failure and throws; the next scheduled run sends the department again', async () => {
    await seed(db, { 'D-OK': 1, 'D-XX': 1 });
    const { sweep: first, work } = await planSweep(
      { db },
      { asOf: '2026-06-29', trigger: 'schedule', actor: finance, now: NOW },
    );
    const { faults } = failing('D-XX');
    for (const w of work) {
      const run = consumeDepartmentWork(
        { db, faults, now: () => NOW },
        JSON.stringify(w),
        `m-${w.departmentId}`,
      );
      if (w.departmentId === 'D-XX') await expect(run).rejects.toThrow('injected fault in D-XX');
      else await run;
    }
    expect(await getSweep(db, first.sweepId)).toMatchObject({
      complete: false,
      incompleteDepartments: ['D-XX'],
      failures: [{ departmentId: 'D-XX' }],
    });
    const sent: DepartmentWork[] = [];

    const scheduled = await scheduleSweep(
      { db, sweepQueue: { send: async (items) => void sent.push(...items) } },
      { asOf: '2026-06-30', now: NOW },
    );

    expect(scheduled.resumed).toBe(1);
    expect(sent.filter((w) => w.sweepId === first.sweepId)).toEqual([
      {
        sweepId: first.sweepId,
        asOf: '2026-06-29',
        fiscalYear: 2026,
        configVersion: 1,
        departmentId: 'D-XX',
      },
    ]);
    expect(sent.filter((w) => w.sweepId === scheduled.sweepId).map((w) => w.departmentId)).toEqual([
      'D-OK',
      'D-XX',
    ]);
  });

  it('a department that never reported is sent again only once its sweep is older than the worker’s timeout', async () => {
    await seed(db, { 'D-OK': 1 });
    const { sweep: lost } = await planSweep(
      { db },
      { asOf: '2026-06-30', trigger: 'schedule', actor: finance, now: NOW },
    );
    const later = (ms: number) => new Date(NOW.getTime() + ms);

    const soon = await unfinishedWork({ db }, { now: later(60_000) });
    const afterTimeout = await unfinishedWork({ db }, { now: later(LOST_AFTER_MS) });

    expect(soon).toEqual([]);
    expect(afterTimeout).toEqual([
      { sweepId: lost.sweepId, asOf: '2026-06-30', fiscalYear: 2026, configVersion: 1, departmentId: 'D-OK' },
    ]);
  });
});

describe('a sweep cut with the process that ran its queue (the local runner at start)', () => {
  it('names each pending department as interrupted, so the next run completes it at once', async () => {
    await seed(db, { 'D-OK': 1, 'D-XX': 1 });
    const { sweep: cut, work } = await planSweep(
      { db },
      { asOf: '2026-06-30', trigger: 'schedule', actor: finance, now: NOW },
    );
    await consumeDepartmentWork(
      { db, now: () => NOW },
      JSON.stringify(work.find((w) => w.departmentId === 'D-OK')),
    );
    const done = await sweep(db);
    const later = new Date(NOW.getTime() + 60_000);

    const recorded = await recordInterruptedWork({ db }, { now: later });
    const again = await recordInterruptedWork({ db }, { now: later });

    expect([recorded, again]).toEqual([1, 0]); // a department with its failure recorded is left as it is
    expect(await getSweep(db, cut.sweepId)).toMatchObject({
      complete: false,
      incompleteDepartments: ['D-XX'],
      failures: [{ departmentId: 'D-XX', message: INTERRUPTED, at: later.toISOString() }],
    });
    expect(await getSweep(db, done.sweepId)).toMatchObject({ complete: true, failures: [] });
    expect(await unfinishedWork({ db }, { now: later })).toEqual([
      { sweepId: cut.sweepId, asOf: '2026-06-30', fiscalYear: 2026, configVersion: 1, departmentId: 'D-XX' },
    ]);
  });
});

describe('a requested sweep as a job (requestSweep, the POST route’s use case)', () => {
  const inProcess = (faults?: SweepFaults) =>
    inProcessQueue<DepartmentWork>(
      (body, id) => consumeDepartmentWork({ db, faults, now: () => NOW }, body, id),
      { name: 'sweep' },
    );

  it('answers at once when the queue finishes the departments in time, failed ones named', async () => {
    await seed(db, { 'D-OK': 2, 'D-XX': 1 });

    const { summary, finished } = await requestSweep(
      { db, sweepQueue: inProcess(failing('D-XX').faults) },
      { asOf: '2026-06-30', actor: finance, now: NOW },
    );

    expect(finished).toBe(true);
    expect(summary).toMatchObject({
      trigger: 'request',
      departmentsDone: 1,
      incompleteDepartments: ['D-XX'],
    });
  });

  it('does not wait past its time for workers that have not run: the progress says what is pending', async () => {
    await seed(db, { 'D-OK': 2, 'D-XX': 1 });
    const sent: DepartmentWork[] = [];
    const sqsLike = { send: async (items: readonly DepartmentWork[]) => void sent.push(...items) };

    const { summary, finished } = await requestSweep(
      { db, sweepQueue: sqsLike },
      { asOf: '2026-06-30', actor: finance, now: NOW, answerWithinMs: 300 },
    );
    const okWork = sent.find((w) => w.departmentId === 'D-OK')!;
    await consumeDepartmentWork({ db, now: () => NOW }, JSON.stringify(okWork));
    const progress = await getSweepProgress(db, summary.sweepId);

    expect([finished, summary.departmentsDone]).toEqual([false, 0]);
    expect(progress).toMatchObject({
      complete: false,
      departmentsDone: 1,
      departmentResults: [
        { departmentId: 'D-OK', status: 'done', counts: { projectsScanned: 2, rectificationsIssued: 1 } },
        { departmentId: 'D-XX', status: 'pending' },
      ],
    });
  });
});
