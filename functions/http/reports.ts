import * as z from 'zod';
import { requestReportEmails } from '../../shared/app/report-email-jobs.js';
import { reportScope } from '../../shared/app/report-emails.js';
import { businessDate } from '../../shared/domain/calendar.js';
import { NotFound, RuleViolation } from '../../shared/domain/errors.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { Reply, route } from '../../shared/http/route.js';
import { deliveryReport } from '../../shared/http/schemas.js';
import { DynamoMailLog, mailRecordSchema } from '../../shared/store/mail-log.js';
import { getReportEmailsJob, type ReportEmailsJob } from '../../shared/store/report-email-jobs.js';

/**
 * Monitoring reports by email, on demand (the schedule in functions/jobs/report-emails.ts sends the same):
 * one report per department with executing projects and the bureau's summary, each once per `asOf`.
 */
const area = 'reports' as const;

export const reportEmailsResult = deliveryReport
  .extend({
    asOf: z.string(),
    sweepId: z.string().meta({ description: 'The sweep the reports were made from' }),
    sweepAsOf: z.string().meta({ description: "That sweep's asOf (the most recent on or before asOf)" }),
    skipped: z.array(
      z.object({
        kind: z.enum(['department-report', 'bureau-summary']),
        departmentId: z.string().optional(),
        reason: z.string(),
      }),
    ),
  })
  .meta({ id: 'ReportEmails' });

const asOf = z.iso.date().meta({ examples: ['2026-08-31'] });

const outcomes = ['sent', 'alreadySent', 'failed', 'inProgress', 'skipped'] as const;
const reportEmailsJob = z
  .strictObject({
    jobId: z.string(),
    asOf: z.string(),
    sweepId: z.string().describe('The sweep the reports are made from'),
    status: z.enum(['running', 'done', 'failed']),
    requestedAt: z.string(),
    requestedBy: z.string(),
    finishedAt: z.string().optional(),
    error: z.string().optional().describe('Why the run failed (a retry of the queue may still finish it)'),
    counts: z
      .strictObject(
        Object.fromEntries(outcomes.map((o) => [o, z.int().min(0)])) as Record<
          (typeof outcomes)[number],
          z.ZodInt
        >,
      )
      .describe('Reports by outcome, once done'),
    departments: z
      .array(z.strictObject({ departmentId: z.string(), outcome: z.enum(outcomes) }))
      .describe('What each department’s report came to, once done'),
    result: reportEmailsResult.optional().describe('The run’s full answer, once done (as a 200 gives it)'),
  })
  .meta({ id: 'ReportEmailsJob' });

/** The job as the API shows it: counts and each department's outcome from the run's result, once done. */
function jobView(job: ReportEmailsJob): z.infer<typeof reportEmailsJob> {
  const { result: raw, ...rest } = job;
  const result = raw ? reportEmailsResult.parse(raw) : undefined;
  const departments = outcomes.flatMap((outcome) =>
    (result?.[outcome] ?? []).flatMap((o) =>
      o.departmentId !== undefined ? [{ departmentId: o.departmentId, outcome }] : [],
    ),
  );
  const counts = Object.fromEntries(outcomes.map((o) => [o, result?.[o].length ?? 0])) as Record<
    (typeof outcomes)[number],
    number
  >;
  return { ...rest, counts, departments, ...(result ? { result } : {}) };
}

export const routes = [
  route({
    area,
    method: 'POST',
    path: '/v1/monitoring/report-emails',
    roles: ['finance'],
    tags: ['Monitoring'],
    summary: 'Email the monitoring reports now: each department with executing projects, and the bureau',
    description:
      'From the most recent sweep of the fiscal year on or before `asOf` (none → 409: run a sweep first). One ' +
      'report to each department with executing projects (to its contactEmails, in its locale, with an .xlsx ' +
      'of its table) and the summary to the configuration’s bureauEmails (with the full table). Each goes ' +
      'once per `asOf`: a repeat lists it under `alreadySent`; a send that failed is listed under `failed` ' +
      'and sent by the next run. `asOf` after today → 422.',
    body: z.strictObject({ asOf }),
    response: reportEmailsResult,
    also: {
      202: {
        description:
          'The run goes on (through the report-mails queue) and did not finish within 10 seconds, or it failed ' +
          '(the queue tries again): the job; follow it at `Location` (GET /v1/monitoring/report-email-jobs/{jobId}).',
        schema: reportEmailsJob,
        headers: { Location: { description: 'The job to follow', schema: { type: 'string' } } },
      },
    },
    async handle(req) {
      const today = businessDate(req.now);
      if (req.body.asOf > today) {
        throw new RuleViolation('Reports cannot be sent for a day in the future', [
          { path: 'asOf', message: `must not be after today (${today})` },
        ]);
      }
      const { job, finished } = await requestReportEmails(req.deps, {
        asOf: req.body.asOf,
        actor: req.actor,
        now: req.now,
      });
      if (finished && job.status === 'done') return reportEmailsResult.parse(job.result);
      // Still running, or failed (in AWS the queue tries again): the job says which, and why.
      return new Reply(202, jobView(job), { location: `/v1/monitoring/report-email-jobs/${job.jobId}` });
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/monitoring/report-email-jobs/{jobId}',
    roles: ['finance'],
    tags: ['Monitoring'],
    summary:
      'A requested run of the report mails, as a job: running, done (what each department got) or failed',
    params: z.strictObject({ jobId: z.string().min(1).max(64) }),
    response: reportEmailsJob,
    async handle(req) {
      const job = await getReportEmailsJob(req.deps.db, req.params.jobId);
      if (!job) throw new NotFound(`Report mails job ${req.params.jobId}`);
      return jobView(job);
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/monitoring/report-emails',
    roles: ['finance'],
    tags: ['Monitoring'],
    summary: 'The delivery records of the reports of one asOf (sending, sent, failed), by department',
    query: z.strictObject({ asOf }),
    response: z.object({ items: z.array(mailRecordSchema.meta({ id: 'MailRecord' })) }),
    async handle(req) {
      return { items: await new DynamoMailLog(req.deps.db).list(reportScope(req.query.asOf)) };
    },
  }),
];

export const handler = createApiHandler(routes);
