import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { IsoDate } from '../domain/calendar.js';
import type { Db } from './db.js';
import { keys } from './keys.js';

/**
 * A requested run of the monitoring report mails, as a job to follow (POST /v1/monitoring/report-emails when
 * it does not finish at once): running, then done with what the run reported, or failed with why.
 */
export const reportEmailsJobRecord = z.object({
  jobId: z.string(),
  asOf: z.string(),
  sweepId: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  requestedAt: z.string(),
  requestedBy: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  /** What the run reported (shared/app/report-emails.ts ReportEmailsResult), once done. */
  result: z.record(z.string(), z.unknown()).optional(),
});
export type ReportEmailsJob = z.infer<typeof reportEmailsJobRecord>;

export const newReportEmailsJobId = (asOf: IsoDate) => `M-${asOf}-${randomUUID().slice(0, 8)}`;

export async function startReportEmailsJob(db: Db, job: ReportEmailsJob): Promise<void> {
  await db.put({ ...keys.reportEmailsJob(job.jobId), type: 'report-emails-job', ...job });
}

export async function getReportEmailsJob(db: Db, jobId: string): Promise<ReportEmailsJob | undefined> {
  return db.get(keys.reportEmailsJob(jobId), reportEmailsJobRecord);
}

/** The job's end: done with its result, or failed with why (a later retry may still finish it). */
export async function finishReportEmailsJob(
  db: Db,
  jobId: string,
  end: { status: 'done'; result: Record<string, unknown> } | { status: 'failed'; error: string },
  now: Date,
): Promise<void> {
  await db.write([
    {
      kind: 'update',
      key: keys.reportEmailsJob(jobId),
      set: {
        status: end.status,
        finishedAt: now.toISOString(),
        ...(end.status === 'done' ? { result: end.result } : { error: end.error.slice(0, 1000) }),
      },
      conflict: `Report mails job ${jobId} does not exist`,
    },
  ]);
}
