// Issue 12/11, against the real local DynamoDB: a department's sweep as of a later day never runs before an
// earlier sweep of it that is still pending (the checkpoint's message killed or still queued, the day's
// delivered first), and a department is presumed lost from its own claim, not 15 minutes after its sweep
// started (a department still queued, or still running, at province scale is not sent again).
import { describe, expect, it } from 'vitest';
import {
  consumeDepartmentWork,
  type DepartmentWork,
  LOST_AFTER_MS,
  planSweep,
  requestSweep,
  unfinishedWork,
} from '../../shared/app/sweep.js';
import type { Actor } from '../../shared/domain/actor.js';
import { rectificationRecord } from '../../shared/domain/rectification.js';
import type { Db } from '../../shared/store/db.js';
import { claimDepartment, getSweep } from '../../shared/store/monitoring.js';
import { inProcessQueue, RetryLater } from '../../shared/work-queue.js';
import { seedDepartments } from '../support/departments.js';
import { useFreshDb } from './local-db.js';

const finance: Actor = { sub: 'user-finance', role: 'finance' };
/** The morning after the June checkpoint: its sweep (06-30) and the day's (07-01) go out together. */
const NOW = new Date('2026-07-01T01:00:00.000Z');
const CHECKPOINT = '2026-06-30';
const DAY = '2026-07-01';
const seed = seedDepartments;

const plan = (asOf: string, now = NOW) =>
  planSweep({ db }, { asOf, trigger: 'schedule', actor: finance, now });

const consume = (w: DepartmentWork, messageId: string, now = NOW) =>
  consumeDepartmentWork({ db, now: () => now }, JSON.stringify(w), messageId);

async function noticesOf(departmentId: string) {
  return db.all({ index: 'gsi1', pk: `DEPT#${departmentId}#RECTS`, limit: 100 }, rectificationRecord);
}

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

describe('the day’s sweep of a department delivered before the checkpoint’s (issue 12/11)', () => {
  it('runs the checkpoint’s pending work first: its notices are the checkpoint’s, none dated by the day', async () => {
    await seed(db, { 'D-A': 4 });
    const checkpoint = await plan(CHECKPOINT);
    const day = await plan(DAY);

    // The checkpoint's message was killed (or is still queued): the day's arrives first.
    await consume(day.work[0]!, 'm-day');

    const notices = await noticesOf('D-A');
    expect(notices.length).toBe(2); // the two red projects
    expect(notices.map((n) => [n.sweepId, n.issuedOn])).toEqual([
      [checkpoint.sweep.sweepId, CHECKPOINT],
      [checkpoint.sweep.sweepId, CHECKPOINT],
    ]);
    expect(notices.filter((n) => n.sweepId === day.sweep.sweepId)).toEqual([]);
    expect(await getSweep(db, checkpoint.sweep.sweepId)).toMatchObject({
      complete: true,
      rectificationsIssued: 2,
    });
    expect(await getSweep(db, day.sweep.sweepId)).toMatchObject({ complete: true, rectificationsIssued: 0 });

    // The checkpoint's message, delivered again at last, finds its department counted: nothing twice.
    await consume(checkpoint.work[0]!, 'm-checkpoint');
    expect((await noticesOf('D-A')).length).toBe(2);
    expect(await getSweep(db, checkpoint.sweep.sweepId)).toMatchObject({ rectificationsIssued: 2 });
  });

  it('waits while another worker sweeps the checkpoint’s department: RetryLater, the reason on the summary', async () => {
    await seed(db, { 'D-A': 4 });
    const checkpoint = await plan(CHECKPOINT);
    const day = await plan(DAY);
    // The checkpoint's message is being swept right now by another worker (its claim is live).
    expect(
      await claimDepartment(db, checkpoint.sweep.sweepId, 'D-A', {
        messageId: 'm-checkpoint',
        now: NOW,
        staleBefore: new Date(NOW.getTime() - LOST_AFTER_MS),
      }),
    ).toBe(true);

    const early = consume(day.work[0]!, 'm-day');

    await expect(early).rejects.toBeInstanceOf(RetryLater);
    await expect(early).rejects.toThrow(`earlier sweep ${checkpoint.sweep.sweepId} (as of ${CHECKPOINT})`);
    expect(await noticesOf('D-A')).toEqual([]);
    expect(await getSweep(db, day.sweep.sweepId)).toMatchObject({
      complete: false,
      failures: [{ departmentId: 'D-A', message: expect.stringMatching(/^RetryLater: Waiting/) }],
    });

    // The checkpoint's worker finishes; the day's message, delivered again, runs after it.
    await consume(checkpoint.work[0]!, 'm-checkpoint');
    await consume(day.work[0]!, 'm-day');
    const notices = await noticesOf('D-A');
    expect(notices.map((n) => n.sweepId)).toEqual([checkpoint.sweep.sweepId, checkpoint.sweep.sweepId]);
    expect(await getSweep(db, day.sweep.sweepId)).toMatchObject({ complete: true, failures: [] });
  });

  it('through the in-process queue, the day’s messages first and two workers: every notice is the checkpoint’s', async () => {
    await seed(db, { 'D-A': 4, 'D-B': 6 });
    const checkpoint = await plan(CHECKPOINT);
    const day = await plan(DAY);
    const received: string[] = [];
    const queue = inProcessQueue<DepartmentWork>(
      async (body, id) => {
        received.push(id);
        await consumeDepartmentWork({ db, now: () => NOW }, body, id);
      },
      { name: 'sweep', concurrency: 2, redeliverAfterMs: 50 },
    );

    await queue.send([...day.work, ...checkpoint.work]);

    const notices = [...(await noticesOf('D-A')), ...(await noticesOf('D-B'))];
    expect(notices.length).toBe(5); // 2 + 3 red projects
    expect(new Set(notices.map((n) => `${n.sweepId} ${n.issuedOn}`))).toEqual(
      new Set([`${checkpoint.sweep.sweepId} ${CHECKPOINT}`]),
    );
    for (const s of [checkpoint.sweep, day.sweep]) {
      expect(await getSweep(db, s.sweepId)).toMatchObject({ complete: true, failures: [] });
    }
    expect(await getSweep(db, checkpoint.sweep.sweepId)).toMatchObject({ rectificationsIssued: 5 });
    expect(received.length).toBeGreaterThanOrEqual(4);
  });
});

describe('the in-process queue, like SQS, delivers a message again when its consumer says RetryLater', () => {
  it('with the same message id, up to maxReceives, then fails the send', async () => {
    const receipts: string[] = [];
    const once = inProcessQueue<number>(
      async (body, id) => {
        receipts.push(`${body}:${id}`);
        if (receipts.length === 1) throw new RetryLater('not yet');
      },
      { name: 'q', redeliverAfterMs: 10 },
    );
    await once.send([7]);
    expect(receipts).toEqual(['7:q-1', '7:q-1']);

    const never = inProcessQueue<number>(
      async () => {
        throw new RetryLater('never');
      },
      { name: 'q', redeliverAfterMs: 10, maxReceives: 3 },
    );
    await expect(never.send([1])).rejects.toThrow('1 of 1 q messages failed');
  });
});

describe('a department is lost from its own claim, not from its sweep’s start (issue 12/11)', () => {
  it('a department still queued, or claimed late and still running, is not sent again mid-way', async () => {
    await seed(db, { 'D-A': 2, 'D-B': 2 });
    const { sweep, work } = await plan(DAY);
    const later = (ms: number) => new Date(NOW.getTime() + ms);
    // 40 minutes in, a worker starts D-A (it waited in the queue); D-B is still queued.
    const claimedAt = later(40 * 60_000);
    await claimDepartment(db, sweep.sweepId, 'D-A', {
      messageId: 'm-a',
      now: claimedAt,
      staleBefore: new Date(claimedAt.getTime() - LOST_AFTER_MS),
    });
    const sent: DepartmentWork[] = [];

    // A sweep requested an hour into the scheduled one (the old rule: lost after 15 minutes).
    const { summary } = await requestSweep(
      { db, sweepQueue: { send: async (items) => void sent.push(...items) } },
      { asOf: DAY, actor: finance, now: later(60 * 60_000), answerWithinMs: 0 },
    );

    expect(sent.map((w) => w.sweepId)).toEqual([summary.sweepId, summary.sweepId]); // its own two only
    // Past the worker's timeout plus the visibility timeout: the never-claimed one first, then the claimed.
    const names = async (ms: number) =>
      (await unfinishedWork({ db }, { now: later(ms), except: summary.sweepId })).map((w) => w.departmentId);
    expect(await names(LOST_AFTER_MS - 1)).toEqual([]);
    expect(await names(LOST_AFTER_MS)).toEqual(['D-B']);
    expect(await names(40 * 60_000 + LOST_AFTER_MS)).toEqual(['D-A', 'D-B']);
    expect(work.map((w) => w.departmentId)).toEqual(['D-A', 'D-B']);
  });

  it('a copy sent while the first still runs does nothing; the first’s redelivery (same id) sweeps it', async () => {
    await seed(db, { 'D-A': 4 });
    const { sweep, work } = await plan(DAY);
    await claimDepartment(db, sweep.sweepId, 'D-A', {
      messageId: 'm-first',
      now: NOW,
      staleBefore: new Date(NOW.getTime() - LOST_AFTER_MS),
    });

    await consume(work[0]!, 'm-copy');
    expect(await getSweep(db, sweep.sweepId)).toMatchObject({
      departmentsDone: 0,
      incompleteDepartments: ['D-A'],
      failures: [],
    });
    expect(await noticesOf('D-A')).toEqual([]);

    await consume(work[0]!, 'm-first');
    expect(await getSweep(db, sweep.sweepId)).toMatchObject({ complete: true, rectificationsIssued: 2 });
  });
});
