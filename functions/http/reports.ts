import * as z from 'zod';
import { reportScope, sendReportEmails } from '../../shared/app/report-emails.js';
import { businessDate } from '../../shared/domain/calendar.js';
import { RuleViolation } from '../../shared/domain/errors.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { route } from '../../shared/http/route.js';
import { deliveryReport } from '../../shared/http/schemas.js';
import { DynamoMailLog, mailRecordSchema } from '../../shared/store/mail-log.js';

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
    async handle(req) {
      const today = businessDate(req.now);
      if (req.body.asOf > today) {
        throw new RuleViolation('Reports cannot be sent for a day in the future', [
          { path: 'asOf', message: `must not be after today (${today})` },
        ]);
      }
      return sendReportEmails(req.deps, { asOf: req.body.asOf, now: req.now });
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
