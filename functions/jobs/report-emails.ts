import * as z from 'zod';
import type { MailDeps } from '../../shared/app/deliver-mails.js';
import { sendReportEmails } from '../../shared/app/report-emails.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { addDays, businessDate, type IsoDate, yearOf } from '../../shared/domain/calendar.js';
import type { RuleConfig } from '../../shared/domain/config.js';
import { checkpointsOf } from '../../shared/domain/monitoring.js';
import { observed } from '../../shared/lambda.js';
import { currentConfig } from '../../shared/store/config.js';

/**
 * The scheduled monitoring report mails. Runs every morning (after the 02:00 sweep); the checkpoints are
 * configurable per fiscal year, so instead of one cron per checkpoint the job asks the configuration in force:
 * when a checkpoint closed yesterday, it sends the reports as of that checkpoint (the sweep job swept it first
 * thing this morning). It keeps trying for RETRY_DAYS days after a checkpoint: a report that failed is sent on
 * the next day's run, and every report already sent is only listed (exactly once per asOf, see
 * shared/mail/delivery.ts). Input `{ asOf }` sends the reports of that day outright (a manual run).
 */
const input = z.object({ asOf: z.iso.date().optional() }).loose();

/** Days after a checkpoint on which the job still (re)tries its reports. */
export const RETRY_DAYS = 3;

/** The checkpoint whose reports are due on `today`, if one closed in the last RETRY_DAYS days (latest first). */
export async function dueCheckpoint(
  today: IsoDate,
  configOf: (fiscalYear: number) => Promise<RuleConfig>,
): Promise<IsoDate | undefined> {
  for (let back = 1; back <= RETRY_DAYS; back++) {
    const day = addDays(today, -back);
    if (checkpointsOf(yearOf(day), await configOf(yearOf(day))).includes(day)) return day;
  }
  return undefined;
}

export type ReportEmailsDeps = MailDeps & Pick<Deps, 'now' | 'logger' | 'metrics'>;

export function createReportEmailsHandler(source: DepsSource<ReportEmailsDeps>) {
  return observed(
    async (event: unknown = {}) => {
      const deps = resolveDeps(source);
      const { asOf } = input.parse(event ?? {});
      const now = deps.now();
      const today = businessDate(now);
      const day = asOf ?? (await dueCheckpoint(today, (year) => currentConfig(deps.db, year)));
      if (!day) {
        deps.logger.info('report emails: no checkpoint closed lately, nothing to send', { today });
        return { today, asOf: null };
      }
      const result = await sendReportEmails(deps, { asOf: day, now });
      const summary = {
        asOf: day,
        sweepId: result.sweepId,
        sent: result.sent.length,
        alreadySent: result.alreadySent.length,
        inProgress: result.inProgress.length,
        skipped: result.skipped,
        failed: result.failed.map((f) => ({ kind: f.kind, departmentId: f.departmentId, error: f.error })),
      };
      deps.logger.info('report emails', summary);
      // Failing the run makes Lambda retry it (asynchronous invocation) and, at the end, the dead-letter alarm
      // fire; the retry sends only what failed.
      if (result.failed.length) throw new Error(`report emails of ${day}: ${result.failed.length} failed`);
      return summary;
    },
    () => resolveDeps(source).metrics,
  );
}

export const handler = createReportEmailsHandler(defaultDeps);
