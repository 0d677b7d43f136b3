import * as z from 'zod';
import type { Actor } from '../domain/actor.js';
import type { IsoDate } from '../domain/calendar.js';
import {
  finishReportEmailsJob,
  getReportEmailsJob,
  newReportEmailsJobId,
  type ReportEmailsJob,
  startReportEmailsJob,
} from '../store/report-email-jobs.js';
import { registerConsumer, type WorkQueue } from '../work-queue.js';
import type { MailDeps } from './deliver-mails.js';
import { sendReportEmails, sweepToReport } from './report-emails.js';

/**
 * The monitoring report mails requested over HTTP, as a job: the request checks what it can at once (a
 * complete sweep to report from, else 409), records the job and hands it to the report-mails queue (in AWS an
 * SQS queue and its worker, functions/jobs/report-emails-worker.ts; locally the worker's code in process),
 * then waits a little: a small district's answer comes at once, a province's is a job to follow.
 */
export const reportEmailsWork = z.object({ jobId: z.string(), asOf: z.iso.date() });
export type ReportEmailsWork = z.infer<typeof reportEmailsWork>;

/** How long a request waits for its job before answering 202 (API Gateway ends a request at 29 s). */
export const ANSWER_WITHIN_MS = 10_000;

export async function requestReportEmails(
  deps: MailDeps & { reportEmailsQueue: WorkQueue<ReportEmailsWork> },
  opts: { asOf: IsoDate; actor: Actor; now: Date; answerWithinMs?: number },
): Promise<{ job: ReportEmailsJob; finished: boolean }> {
  const sweep = await sweepToReport(deps.db, opts.asOf);
  const job: ReportEmailsJob = {
    jobId: newReportEmailsJobId(opts.asOf),
    asOf: opts.asOf,
    sweepId: sweep.sweepId,
    status: 'running',
    requestedAt: opts.now.toISOString(),
    requestedBy: opts.actor.sub,
  };
  await startReportEmailsJob(deps.db, job);
  let sent = false;
  // A failure of the work is recorded on the job (consumeReportEmailsWork).
  const sending = deps.reportEmailsQueue
    .send([{ jobId: job.jobId, asOf: opts.asOf }])
    .catch(() => {})
    .finally(() => {
      sent = true;
    });
  const deadline = Date.now() + (opts.answerWithinMs ?? ANSWER_WITHIN_MS);
  for (;;) {
    const now = await getReportEmailsJob(deps.db, job.jobId);
    if (!now) throw new Error(`Report mails job ${job.jobId} vanished`);
    if (now.status !== 'running') return { job: now, finished: true };
    const left = deadline - Date.now();
    if (left <= 0) return { job: now, finished: false };
    const pause = new Promise((r) => setTimeout(r, Math.min(250, left)));
    await (sent ? pause : Promise.race([sending, pause]));
  }
}

/**
 * Where this module is loaded (the reports API, which sends the work) the in-process queue of shared/deps.ts
 * finds its consumer here.
 */
registerConsumer('report-emails', (deps, body) =>
  consumeReportEmailsWork(deps as MailDeps & { now: () => Date }, body),
);

/**
 * One message of the report-mails queue: sends the reports of the job's day (each mail once per asOf, so a
 * redelivered message sends nothing twice) and records the outcome on the job; a failure is recorded and
 * thrown again (the message is retried, then lands in the dead-letter queue).
 */
export async function consumeReportEmailsWork(
  deps: MailDeps & { now: () => Date },
  body: string,
): Promise<void> {
  const work = reportEmailsWork.parse(JSON.parse(body));
  try {
    const result = await sendReportEmails(deps, { asOf: work.asOf, now: deps.now() });
    await finishReportEmailsJob(
      deps.db,
      work.jobId,
      { status: 'done', result: result as unknown as Record<string, unknown> },
      deps.now(),
    );
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    await finishReportEmailsJob(deps.db, work.jobId, { status: 'failed', error }, deps.now()).catch(() => {});
    throw err;
  }
}
