// The monitoring report mails requested over HTTP as a job, against the real local DynamoDB: answered at once
// when the queue finishes in time, else a job to follow that the worker finishes; no sweep → 409 at once.
import { describe, expect, it } from 'vitest';
import {
  consumeReportEmailsWork,
  type ReportEmailsWork,
  requestReportEmails,
} from '../../shared/app/report-email-jobs.js';
import { runSweepHere } from '../../shared/app/sweep.js';
import type { Actor } from '../../shared/domain/actor.js';
import { Conflict } from '../../shared/domain/errors.js';
import type { Db } from '../../shared/store/db.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import { getReportEmailsJob } from '../../shared/store/report-email-jobs.js';
import { inProcessQueue, type WorkQueue } from '../../shared/work-queue.js';
import { testDepartment } from '../support/departments.js';
import { fakeMailer } from '../support/deps.js';
import { educationGoals, executingProject, spentOn } from '../support/projects.js';
import { useFreshDb } from './local-db.js';

const finance: Actor = { sub: 'user-finance', role: 'finance' };
const NOW = new Date('2026-07-01T02:00:00.000Z');
const _AT = '2026-01-02T02:00:00.000Z';

async function seed(db: Db, ids: string[]): Promise<void> {
  for (const [n, id] of ids.entries()) {
    await db.batchPut([
      departments.toItem(testDepartment(id)),
      projects.toItem(
        executingProject({
          id: `P2026-MAIL000${n}`,
          departmentId: id,
          goals: educationGoals(),
          ...spentOn(500_000),
        }),
      ),
    ]);
  }
  await runSweepHere({ db }, { asOf: '2026-06-30', trigger: 'request', actor: finance, now: NOW });
}

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

const mailDeps = (mailer = fakeMailer()) => ({ db, mailer, mailFrom: () => 'performance@example.cn' });

describe('requestReportEmails', () => {
  it('answers with the run’s result when the queue finishes it in time', async () => {
    await seed(db, ['D-M1', 'D-M2']);
    const mailer = fakeMailer();
    const deps = mailDeps(mailer);
    const queue: WorkQueue<ReportEmailsWork> = inProcessQueue(
      (body) => consumeReportEmailsWork({ ...deps, now: () => NOW }, body),
      { name: 'report-emails' },
    );

    const { job, finished } = await requestReportEmails(
      { ...deps, reportEmailsQueue: queue },
      { asOf: '2026-06-30', actor: finance, now: NOW },
    );

    expect([finished, job.status]).toEqual([true, 'done']);
    const sent = (job.result?.sent ?? []) as { departmentId?: string }[];
    expect(sent.map((s) => s.departmentId).filter(Boolean)).toEqual(['D-M1', 'D-M2']);
    expect(mailer.sent).toHaveLength(2); // no bureauEmails configured: the departments' reports only
  });

  it('is a job to follow when the worker has not run in time; the worker then finishes it', async () => {
    await seed(db, ['D-M1']);
    const sent: ReportEmailsWork[] = [];
    const deps = mailDeps();

    const { job, finished } = await requestReportEmails(
      { ...deps, reportEmailsQueue: { send: async (items) => void sent.push(...items) } },
      { asOf: '2026-06-30', actor: finance, now: NOW, answerWithinMs: 200 },
    );
    const before = await getReportEmailsJob(db, job.jobId);
    await consumeReportEmailsWork({ ...deps, now: () => NOW }, JSON.stringify(sent[0]));
    const after = await getReportEmailsJob(db, job.jobId);

    expect([finished, before?.status]).toEqual([false, 'running']);
    expect(sent).toEqual([{ jobId: job.jobId, asOf: '2026-06-30' }]);
    expect(after).toMatchObject({ status: 'done', finishedAt: NOW.toISOString() });
  });

  it('refuses at once, with no job, when there is no sweep to report from', async () => {
    const request = requestReportEmails(
      { ...mailDeps(), reportEmailsQueue: { send: async () => {} } },
      { asOf: '2026-06-30', actor: finance, now: NOW },
    );

    await expect(request).rejects.toBeInstanceOf(Conflict);
  });

  it('a worker whose run fails records why on the job, and throws for the queue to retry', async () => {
    await seed(db, ['D-M1']);
    const deps = mailDeps();
    const sent: ReportEmailsWork[] = [];
    const { job } = await requestReportEmails(
      { ...deps, reportEmailsQueue: { send: async (items) => void sent.push(...items) } },
      { asOf: '2026-06-30', actor: finance, now: NOW, answerWithinMs: 0 },
    );
    const broken = {
      ...deps,
      mailFrom: () => {
        throw new Error('SES_FROM is not set');
      },
      now: () => NOW,
    };

    await expect(consumeReportEmailsWork(broken, JSON.stringify(sent[0]))).rejects.toThrow('SES_FROM');
    expect(await getReportEmailsJob(db, job.jobId)).toMatchObject({
      status: 'failed',
      error: 'Error: SES_FROM is not set',
    });
  });
});
